"""An upload's spool: a file without a name where the system allows it, else a named file in a
folder of its own, locked by its owner, which a starting server removes once that owner is gone
and never before."""

from __future__ import annotations

import asyncio
import os
import signal
import stat
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from dataward.entrypoints.api.uploads import remove_leftovers, spooled

ROOT = Path(__file__).parents[2]
BODY = [b'"","07700900456","01632960456","default"\n', b'"","07700900457","01632960457"\n']


async def _chunks() -> AsyncIterator[bytes]:
    for chunk in BODY:
        yield chunk


@pytest.fixture
def temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system's temporary folder, for this test alone."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _everything_under(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*"))


@pytest.mark.skipif(not hasattr(os, "O_TMPFILE"), reason="a file without a name needs Linux")
def test_a_spool_without_a_name_is_read_anew_by_each_reader(
    tmp_path: Path, temporary: Path
) -> None:
    uploads = tmp_path / "var" / "uploads"

    async def spool() -> None:
        async with spooled(_chunks(), uploads) as path:
            assert _everything_under(tmp_path) == [temporary]  # no name anywhere
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
            with path.open("rb") as first, path.open("rb") as second:
                assert first.readline() == BODY[0]
                assert second.read() == b"".join(BODY)  # its own offset
                assert first.read() == BODY[1]

    asyncio.run(spool())
    assert _everything_under(tmp_path) == [temporary]


def test_a_named_spool_is_private_and_gone_however_its_block_ends(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    seen: list[Path] = []

    async def spool() -> None:
        async with spooled(_chunks(), uploads, anonymous=False) as path:
            seen.append(path)
            assert list(uploads.iterdir()) == [path]
            assert path.name.startswith("upload-")
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
            assert stat.S_IMODE(uploads.stat().st_mode) == 0o700
            assert path.read_bytes() == b"".join(BODY)
            raise RuntimeError("the ingest failed")

    with pytest.raises(RuntimeError, match="the ingest failed"):
        asyncio.run(spool())
    assert seen
    assert list(uploads.iterdir()) == []


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    """Another process, holding a named spool in `tmp_path / "uploads"` as a live server."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.spool_holder", str(tmp_path / "uploads")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        yield process, Path(process.stdout.readline().strip())
    finally:
        process.kill()
        process.wait(timeout=20)


def test_a_live_owners_spool_is_left_and_a_dead_ones_removed(
    tmp_path: Path, holder: tuple[subprocess.Popen[str], Path]
) -> None:
    process, spool = holder
    uploads = tmp_path / "uploads"
    assert spool.parent == uploads
    assert b"07700900123" in spool.read_bytes()
    assert remove_leftovers(uploads) == 0  # another server, starting beside a live one
    assert spool.exists()
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=20)
    assert spool.exists()  # a name outlives its owner ...
    assert remove_leftovers(uploads) == 1  # ... until a server starts
    assert not spool.exists()


def test_only_the_folders_own_spools_are_removed(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    elsewhere = tmp_path / "elsewhere.csv"
    elsewhere.write_bytes(BODY[0])
    (uploads / "upload-link").symlink_to(elsewhere)
    (uploads / "notes.txt").write_text("kept")
    (uploads / "upload-left").write_bytes(BODY[0])
    assert remove_leftovers(uploads) == 1
    assert sorted(p.name for p in uploads.iterdir()) == ["notes.txt", "upload-link"]
    assert elsewhere.read_bytes() == BODY[0]  # a link is never followed
    assert remove_leftovers(tmp_path / "never-made") == 0
