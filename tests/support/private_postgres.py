"""A PostgreSQL server of a test's own (initdb in a temporary folder, on a port of its own), so
that the test can restart it, as an operator or a crash would, without touching the server the
other tests share. The machine's own binaries (Debian's postgresql package); as root they run
as the `postgres` user, which the server requires."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


def _binaries() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


@dataclass(frozen=True)
class PrivatePostgres:
    port: int
    folder: Path
    bin: Path
    user: str | None

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)

    def ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.folder / "data"),
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "-o",
            options,
            *args,
        )

    def restart(self) -> None:
        """Every session ended by the server, which stops and starts again."""
        self.ctl("restart", "-m", "fast")


def private_postgres() -> Iterator[PrivatePostgres]:
    found = _binaries()
    if found is None or shutil.which("runuser") is None:
        pytest.skip("PostgreSQL's server binaries are not on this machine")
    user: str | None = None
    folder = Path(tempfile.mkdtemp(prefix="dw-pg-"))
    if os.geteuid() == 0:
        user = "postgres"
        owner = pwd.getpwnam(user)
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = PrivatePostgres(port, folder, found, user)
    try:
        server._run(
            str(found / "initdb"),
            "-D",
            str(folder / "data"),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
        )
        server.ctl("start")
        yield server
    finally:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            server.ctl("stop", "-m", "immediate")
        shutil.rmtree(folder, ignore_errors=True)
