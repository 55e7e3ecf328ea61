"""A body too large for its route, or sent without a token, is refused promptly by a real
server whose memory stays flat: the body is counted as it streams, never gathered.

The server runs in a process of its own (`tests/support/live_api.py`) so that its resident
memory is its alone. Each request streams up to 300 MB from a generator over a raw socket, the
way a hostile client would, chunked or with a Content-Length that lies, and stops sending as
soon as an answer arrives. The server's peak resident memory (VmHWM, reset before each
request) may grow only a little above where it started.
"""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.processes

ROOT = Path(__file__).parents[2]
MB = 1024 * 1024
HOSTILE = 300 * MB
"""What each request offers to send."""
GROWTH = 40 * MB
"""How much the server's peak memory may grow while refusing one (a 1 GB batch took it to
2 GB before bodies were counted)."""
CHUNK = b"0123456789abcdef" * (64 * 1024)  # 1 MiB, nothing a parser would take for a call


@dataclass
class Server:
    pid: int
    port: int
    token: str
    """The DCO's: may look subjects up, may not ingest calls."""
    ingest_token: str
    """An operator's: may ingest calls."""

    def status(self, field: str) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
        raise AssertionError(f"no {field} for {self.pid}")

    def reset_peak(self) -> None:
        """Make VmHWM start again from the current resident size (Linux's clear_refs 5)."""
        Path(f"/proc/{self.pid}/clear_refs").write_text("5")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not Path("/proc/self/clear_refs").exists():
        pytest.skip("needs Linux's /proc to watch the server's memory")
    data_dir = tmp_path_factory.mktemp("live")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.live_api", str(data_dir / "var")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(data_dir)},
    )
    try:
        assert process.stdout is not None
        started = json.loads(process.stdout.readline())
        tokens = started["tokens"]
        live = Server(process.pid, started["port"], tokens["dco"], tokens["operator"])
        _wait_for(live.port)
        yield live
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, _, _ = _stream(port, "GET /healthz", {}, 0)
        except OSError:
            time.sleep(0.1)
            continue
        assert status == 200
        return
    raise AssertionError("the server did not start")


def _stream(
    port: int, request: str, headers: dict[str, str], total: int, *, chunked: bool = True
) -> tuple[int, int, bytes]:
    """Send `request` ("POST /path") with `total` bytes of body, chunked or raw, until an
    answer arrives: (status, bytes of body sent, the answer's first bytes)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        lines = [f"{request} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if chunked:
            lines.append("Transfer-Encoding: chunked")
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        sent = 0
        try:
            while sent < total and not select.select([connection], [], [], 0)[0]:
                piece = CHUNK[: total - sent]
                framed = f"{len(piece):x}\r\n".encode() + piece + b"\r\n" if chunked else piece
                connection.sendall(framed)
                sent += len(piece)
            if chunked and sent >= total:
                connection.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = _answer(connection)
    if not answer:
        return RESET, sent, answer
    return int(answer.split(b" ", 2)[1]), sent, answer


RESET = 0
"""The status `_stream` gives when the server closed the connection before any answer arrived
(a close with unread data in its buffer is a reset, which may overtake the answer itself)."""


def _answer(connection: socket.socket) -> bytes:
    """The answer's head and the first bytes of its body, as far as they arrived."""
    answer = b""
    try:
        while b"\r\n\r\n" not in answer:
            more = connection.recv(65536)
            if not more:
                return answer
            answer += more
        body_start = answer.find(b"\r\n\r\n") + 4
        while len(answer) - body_start < 64:  # enough of the body to read its error code
            more = connection.recv(65536)
            if not more:
                break
            answer += more
    except ConnectionResetError:
        pass
    return answer


def _refused(
    server: Server, path: str, headers: dict[str, str], *, chunked: bool = True
) -> tuple[int, int, bytes, int, float]:
    """(status, bytes sent, answer, peak memory growth, seconds) of one hostile request."""
    server.reset_peak()
    before = server.status("VmRSS")
    began = time.monotonic()
    status, sent, answer = _stream(server.port, f"POST {path}", headers, HOSTILE, chunked=chunked)
    took = time.monotonic() - began
    time.sleep(0.2)  # let the server finish with what it had already taken in
    return status, sent, answer, server.status("VmHWM") - before, took


def test_a_chunked_batch_over_the_limit_is_refused_without_holding_it(server: Server) -> None:
    headers = {"Authorization": f"Bearer {server.ingest_token}", "Content-Type": "text/plain"}
    status, sent, answer, growth, took = _refused(server, "/api/v1/tenants/tenant-a/calls", headers)
    assert status == 413
    assert b'"code":"body_too_large"' in answer
    assert sent < 64 * MB + 32 * MB  # refused once past 64 MiB (what the kernel buffered aside)
    assert growth < GROWTH, f"the server grew {growth // MB} MB"
    assert took < 30


def test_a_batch_declaring_a_huge_length_is_refused_before_it_is_read(server: Server) -> None:
    headers = {
        "Authorization": f"Bearer {server.ingest_token}",
        "Content-Type": "text/plain",
        "Content-Length": str(10**12),  # lies: far more than will be sent
    }
    status, sent, _, growth, _ = _refused(
        server, "/api/v1/tenants/tenant-a/calls", headers, chunked=False
    )
    assert status == 413
    assert sent < 32 * MB
    assert growth < GROWTH


def test_a_batch_from_a_role_that_may_not_ingest_is_refused_before_it_is_read(
    server: Server,
) -> None:
    headers = {"Authorization": f"Bearer {server.token}", "Content-Type": "text/plain"}
    status, sent, answer, growth, took = _refused(server, "/api/v1/tenants/tenant-a/calls", headers)
    assert status == 403
    assert b'"code":"action_not_allowed"' in answer
    assert sent < 32 * MB  # nothing spooled: what was sent is only what the kernel buffered
    assert growth < GROWTH
    assert took < 10


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "lying-content-length"])
def test_a_json_body_without_a_token_is_refused_before_it_is_read(
    server: Server, *, chunked: bool
) -> None:
    headers = {"Content-Type": "application/json"}
    if not chunked:
        headers["Content-Length"] = str(512 * 1024)  # says far less than is sent
    status, sent, answer, growth, took = _refused(
        server, "/api/v1/subjects/lookup", headers, chunked=chunked
    )
    assert status == 401
    assert b'"code":"unauthenticated"' in answer
    assert sent < 32 * MB
    assert growth < GROWTH
    assert took < 10


def test_a_json_body_over_the_limit_is_refused_with_a_token(server: Server) -> None:
    headers = {"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"}
    status, sent, answer, growth, _ = _refused(server, "/api/v1/subjects/lookup", headers)
    assert status == 413
    assert b'"code":"body_too_large"' in answer
    assert sent < 32 * MB
    assert growth < GROWTH


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "lying-content-length"])
def test_the_public_form_refuses_a_huge_body_with_flat_memory(
    server: Server, *, chunked: bool
) -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if not chunked:
        headers["Content-Length"] = str(4096)  # under the form's limit; the rest is not a body
    status, sent, _, growth, took = _refused(server, "/requests/new", headers, chunked=chunked)
    if chunked:
        assert status == 413
    else:  # the rest is no body: refused as a bad next request, or the connection dropped
        assert status == RESET or 400 <= status < 500
    assert sent < 32 * MB
    assert growth < GROWTH
    assert took < 10
