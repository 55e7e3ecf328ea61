"""The naive peer of the ingest figures: `shared/peers/naive_asterisk.py` beside the repository.

What a competent developer writes in an afternoon to ingest an Asterisk cdr_csv file with the
numbers protected (csv.reader, phonenumbers on every row, an HMAC blind index, one AES-GCM key
per caller, executemany into SQLite): the call-store benchmark runs it in a subprocess on each
generated cdr_csv file it ingests, `python PEER FILE OUT_DIR`, and reads the one JSON line it
prints ({peer, rows, wall_s, rows_per_s}). It needs `phonenumbers` and `cryptography`, both
dataward's own dependencies, so it runs with the benchmark's interpreter.

`--peer PATH` names it; a relative path is taken from the repository's parent (the folder that
holds the checkout, or for a git worktree the main checkout's), where `shared/` lies beside the
repository. A missing peer is not an error: the figures that need it say they are skipped.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PEER = "shared/peers/naive_asterisk.py"
"""`../shared/peers/naive_asterisk.py` from the repository's root."""


@dataclass(frozen=True)
class PeerRun:
    rows: int
    seconds: float
    rate: float


def repository_parent() -> Path:
    """The folder holding the repository: for a git worktree, the main checkout's parent."""
    try:
        common = subprocess.run(
            ["git", "rev-parse", "--path-format=absolute", "--git-common-dir"],  # noqa: S607
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ROOT.parent
    return Path(common).parent.parent if common else ROOT.parent


def resolve_peer(path: str) -> Path:
    given = Path(path).expanduser()
    return given if given.is_absolute() else repository_parent() / given


def run_peer(peer: Path, calls_file: Path, out_dir: Path) -> PeerRun:
    """The peer on `calls_file`, writing its SQLite store under `out_dir` (removed after)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(  # noqa: S603 - the peer named by --peer, on our own file
            [sys.executable, str(peer), str(calls_file), str(out_dir)],
            cwd=ROOT,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    out = json.loads(done.stdout.strip().splitlines()[-1])
    rows, seconds = int(out["rows"]), float(out["wall_s"])
    rate = float(out.get("rows_per_s") or (rows / seconds if seconds else 0.0))
    return PeerRun(rows=rows, seconds=seconds, rate=rate)
