"""A server killed (SIGKILL) in the middle of a call batch's upload leaves no file holding any
of it, anywhere under its temporary folder or its data directory.

The server runs in a process of its own (`tests/support/live_api.py`), its `TMPDIR` and data
directory under this test's folder. The batch (callers' numbers from the drama range, each line
with a marker of this run) is sent slowly: its first part, then nothing, while the server is
seen holding the marker in an open file, then the server is killed. Every file under the
test's folder is then searched for the marker's bytes.

Where no file without a name can be had (`--named-spool`), the spool has a name and outlives
a killed server; the next server to start removes it, but never a spool a live server sharing
the folder still holds.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
CALLS = "/api/v1/tenants/tenant-a/calls"
DECLARED = 8 * 1024 * 1024
"""What each upload says it will send; it sends `SENT`, then waits to be cut off."""
SENT = 1024 * 1024

pytestmark = [
    pytest.mark.processes,
    pytest.mark.skipif(
        not Path("/proc/self/fd").is_dir(), reason="needs Linux's /proc to see the server's files"
    ),
]


@dataclass
class Live:
    process: subprocess.Popen[str]
    port: int
    token: str
    """The operator's: may ingest calls."""
    uploads: list[socket.socket] = field(default_factory=list)

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)
        for connection in self.uploads:
            connection.close()

    def stop(self) -> None:
        for connection in self.uploads:  # else the server waits for them to end
            connection.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)


@dataclass
class Place:
    """The test's folder: the servers' TMPDIR and data directory are in it."""

    root: Path
    marker: bytes = field(default_factory=lambda: secrets.token_hex(16).encode())
    started: list[Live] = field(default_factory=list)

    @property
    def tmpdir(self) -> Path:
        return self.root / "tmp"

    @property
    def data_dir(self) -> Path:
        return self.root / "var"

    def start(self, *, named_spool: bool = False) -> Live:
        self.tmpdir.mkdir(exist_ok=True)
        command = [sys.executable, "-m", "tests.support.live_api", str(self.data_dir)]
        process = subprocess.Popen(
            [*command, *(["--named-spool"] if named_spool else [])],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "TMPDIR": str(self.tmpdir)},
        )
        assert process.stdout is not None
        started = json.loads(process.stdout.readline())
        live = Live(process, started["port"], started["tokens"]["operator"])
        self.started.append(live)
        _wait_for(live.port)
        return live

    def batch(self) -> bytes:
        """Call lines of drama-range numbers, each marked with this run's marker."""
        lines = [
            f'"","07700900{n % 1000:03d}","01632960{n % 1000:03d}","default",'
            f'"2026-11-25 10:{n % 60:02d}:00","ANSWERED","{self.marker.decode()}-{n}"\n'
            for n in range(SENT // 80 + 1)
        ]
        return "".join(lines).encode()[:SENT]

    def begin_upload(self, live: Live) -> None:
        """Send a batch's head and its first part, and leave the connection open."""
        connection = socket.create_connection(("127.0.0.1", live.port), timeout=30)
        live.uploads.append(connection)
        head = (
            f"POST {CALLS} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
            f"Authorization: Bearer {live.token}\r\nContent-Length: {DECLARED}\r\n\r\n"
        )
        connection.sendall(head.encode() + self.batch())
        self.wait_until_held(live)

    def wait_until_held(self, live: Live) -> None:
        """Until the server holds the whole first part in a file it has open."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if any(self.marker_at_end(path) for path in _open_files(live.process.pid)):
                return
            time.sleep(0.1)
        raise AssertionError("the server never held the upload in a file")

    def marker_at_end(self, path: Path) -> bool:
        try:
            data = path.read_bytes()
        except OSError:
            return False
        return len(data) >= SENT and self.marker in data[-200:]

    def files_holding_it(self) -> list[Path]:
        """Every file under the test's folder holding any of the upload."""
        found = []
        for folder, _, names in os.walk(self.root):
            for name in names:
                path = Path(folder, name)
                if stat.S_ISREG(path.lstat().st_mode) and self.marker in path.read_bytes():
                    found.append(path)
        return sorted(found)


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
                connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if connection.recv(12).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError("the server did not start")


def _open_files(pid: int) -> list[Path]:
    fds = Path(f"/proc/{pid}/fd")
    try:
        return [fd for fd in fds.iterdir() if fd.is_file()]
    except OSError:
        return []


@pytest.fixture
def place(tmp_path: Path) -> Iterator[Place]:
    where = Place(tmp_path)
    try:
        yield where
    finally:
        for live in where.started:
            if live.process.poll() is None:
                live.stop()


def test_a_server_killed_mid_upload_leaves_no_file_holding_it(place: Place) -> None:
    live = place.start()
    place.begin_upload(live)
    assert place.files_holding_it() == []  # no name, even while it is under way
    live.kill()
    assert place.files_holding_it() == []


def test_a_named_spool_left_by_a_killed_server_goes_when_the_next_one_starts(
    place: Place,
) -> None:
    first = place.start(named_spool=True)
    place.begin_upload(first)
    (spool,) = place.files_holding_it()
    assert spool.parent == place.data_dir / "uploads"
    assert stat.S_IMODE(spool.stat().st_mode) == 0o600
    assert stat.S_IMODE(spool.parent.stat().st_mode) == 0o700
    beside = place.start(
        named_spool=True
    )  # shares the folder: the first's spool is not its to take
    assert place.files_holding_it() == [spool]
    first.kill()
    assert place.files_holding_it() == [spool]  # named: it outlives its server ...
    beside.stop()
    place.start(named_spool=True)
    assert place.files_holding_it() == []  # ... until the next server starts
