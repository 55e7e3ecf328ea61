"""A body must keep coming: a real server (uvicorn, on a socket) answers a client that trickles
its body 408 in the one error shape once its time is up, and closes the connection, while
everyone else is answered as usual; a slow body that keeps up the minimum rate is taken. An
answer given before the body was read (a 401 without a token) closes the connection too,
while a request without a body keeps its connection alive.

The server is given a short deadline here (a second's grace, then 1,000 bytes a second), so
each trickling client, sending a byte every fifth of a second, is due out within about a
second; the assertions allow several times that on a busy machine.
"""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import uvicorn

from dataward.adapters.register_file import shipped_register_text
from dataward.bootstrap import bootstrap
from dataward.config import Settings
from dataward.domain.clock import FixedClock
from dataward.entrypoints.api.app import create_app
from dataward.installation import initialise
from tests.builders import NOW

GRACE = 1.0
RATE = 1000
ALLOWED = 8.0
"""Seconds within which every trickling client must have been answered and let go."""
TRICKLERS = 20
YAML = "application/yaml"


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("deadline") / "var",
        body_grace_seconds=GRACE,
        body_min_bytes_per_second=RATE,
        public_form_per_hour=1000,
        register_checks_per_hour=1000,
    )
    container = bootstrap(settings, clock=FixedClock(NOW))
    initialise(container)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = int(probe.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(create_app(container), host="127.0.0.1", port=free, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    started = time.monotonic()
    while not server.started:
        if time.monotonic() - started > 20:
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield free
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        container.close()


@dataclass
class Trickler:
    """A client that sends its headers, then its body a byte at a time."""

    connection: socket.socket
    chunked: bool
    answer: bytes = b""
    closed_after: float | None = None
    sent: int = 0
    errors: list[str] = field(default_factory=list)

    def send_byte(self) -> None:
        piece = b"1\r\n#\r\n" if self.chunked else b"#"
        try:
            self.connection.sendall(piece)
            self.sent += 1
        except OSError as error:  # the server has let go: nothing more to send
            self.errors.append(type(error).__name__)

    def read(self, elapsed: float) -> None:
        try:
            more = self.connection.recv(65536)
        except OSError:
            more = b""
        if more:
            self.answer += more
        else:
            self.closed_after = elapsed

    @property
    def status(self) -> int:
        return int(self.answer.split(b" ", 2)[1])

    @property
    def body(self) -> dict[str, object]:
        decoded: dict[str, object] = json.loads(self.answer.split(b"\r\n\r\n", 1)[1])
        return decoded


def _open(port: int, path: str, *, chunked: bool, media: str = "application/yaml") -> Trickler:
    connection = socket.create_connection(("127.0.0.1", port), timeout=5)
    framing = "Transfer-Encoding: chunked" if chunked else "Content-Length: 5000"
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {media}\r\n{framing}\r\n\r\n"
    connection.sendall(head.encode())
    return Trickler(connection, chunked)


def _trickle(tricklers: list[Trickler]) -> float:
    """Send each a byte every fifth of a second until every one is answered and closed, or
    `ALLOWED` has passed; how long that took."""
    began = time.monotonic()
    next_byte = began
    while time.monotonic() - began < ALLOWED:
        open_ones = [t for t in tricklers if t.closed_after is None]
        if not open_ones:
            break
        now = time.monotonic()
        if now >= next_byte:
            for trickler in open_ones:
                trickler.send_byte()
            next_byte = now + 0.2
        readable, _, _ = select.select([t.connection for t in open_ones], [], [], 0.05)
        for trickler in open_ones:
            if trickler.connection in readable:
                trickler.read(time.monotonic() - began)
    return time.monotonic() - began


def _post(port: int, path: str, body: bytes, content_type: str) -> tuple[int, float]:
    began = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )
        answer = b""
        while more := connection.recv(65536):
            answer += more
    return int(answer.split(b" ", 2)[1]), time.monotonic() - began


@pytest.mark.parametrize("path", ["/api/v1/register/check", "/requests/new"])
def test_tricklers_are_answered_408_and_let_go_while_others_are_served(
    port: int, path: str
) -> None:
    tricklers = [_open(port, path, chunked=i % 2 == 0) for i in range(TRICKLERS)]
    try:
        served: list[tuple[int, float]] = []
        helper = threading.Thread(
            target=lambda: served.append(
                _post(port, "/api/v1/register/check", shipped_register_text().encode(), YAML)
            )
        )
        helper.start()
        took = _trickle(tricklers)
        helper.join(timeout=30)
    finally:
        for trickler in tricklers:
            trickler.connection.close()
    still_open = [t for t in tricklers if t.closed_after is None]
    assert still_open == [], f"{len(still_open)} connections still open after {took:.1f}s"
    for trickler in tricklers:
        assert trickler.status == 408
        assert trickler.body["error"]["code"] == "request_timeout"  # type: ignore[index]
        assert b"connection: close" in trickler.answer.lower()
        assert trickler.sent < 5000  # let go long before the body said it would end
    ((status, seconds),) = served
    assert status == 200
    assert seconds < ALLOWED


def test_a_slow_body_that_keeps_the_minimum_rate_is_taken(port: int) -> None:
    """3,000 bytes at about 2,000 bytes a second: slower than any real client, but never
    behind a second's grace plus a second per 1,000 bytes."""
    body = b"schema_version: 1\n" + b"#" * 3000 + b"\n"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(
            b"POST /api/v1/register/check HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/yaml\r\nConnection: close\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
        )
        for start in range(0, len(body), 200):
            connection.sendall(body[start : start + 200])
            time.sleep(0.1)
        answer = b""
        while more := connection.recv(65536):
            answer += more
    assert int(answer.split(b" ", 2)[1]) == 422  # read whole and checked: not a 408
    assert b'"register_invalid"' in answer


def test_the_deadline_is_documented_in_the_answer(port: int) -> None:
    (trickler,) = [_open(port, "/api/v1/register/check", chunked=False)]
    try:
        _trickle([trickler])
    finally:
        trickler.connection.close()
    assert trickler.body["error"] == {  # type: ignore[comparison-overlap]
        "code": "request_timeout",
        "message": "the request body must arrive within 1 seconds, and a second more for "
        "every 1000 bytes received",
        "details": [],
    }


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "content-length"])
def test_an_answer_before_the_body_is_read_lets_the_connection_go(
    port: int, *, chunked: bool
) -> None:
    trickler = _open(port, "/api/v1/subjects/lookup", chunked=chunked, media="application/json")
    try:
        took = _trickle([trickler])
    finally:
        trickler.connection.close()
    assert trickler.status == 401
    assert trickler.closed_after is not None, f"still open after {took:.1f}s"
    assert trickler.closed_after < GRACE  # at once: no body was wanted


def test_a_request_without_a_body_keeps_its_connection(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        for _ in range(2):  # two requests on one connection
            connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            answer = b""
            while b"\r\n\r\n" not in answer or not answer.endswith(b"}"):
                answer += connection.recv(65536)
            assert answer.startswith(b"HTTP/1.1 200")
            assert b"connection: close" not in answer.lower()
