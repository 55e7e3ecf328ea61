"""`dataward serve` itself, run as a process of its own, over raw sockets: a request's head must
arrive in time, the server takes only so much at once, and what it answers without the
application (a request it cannot parse, one past its limits, a head too slow) has the API's
one JSON error shape and the security headers of every answer, never the request's text.

The server is started with a head deadline of `HEAD_SECONDS` and room for `CAPACITY`
connections, so that the deadline and the limit can be watched in a few seconds.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dataward.entrypoints.api.security import NOTHING

pytestmark = pytest.mark.processes

ROOT = Path(__file__).parents[2]
HEAD_SECONDS = 2.0
SLACK = 1.5
"""How late past its deadline a busy machine may close a connection."""
CAPACITY = 3
SECURITY_HEADERS = {
    "content-security-policy": NOTHING,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-resource-policy": "same-origin",
    "cache-control": "no-store",
}
MARKER = "ZQX7callerfragment"
"""Put in hostile requests: no answer may carry it back."""


@dataclass
class Served:
    port: int

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=10)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def error(self) -> dict[str, object]:
        document = json.loads(self.body)
        assert set(document) == {"error"}
        error: dict[str, object] = document["error"]
        assert set(error) == {"code", "message", "details"}
        return error


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("served")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DATAWARD_") or key == "DATAWARD_SAMPLES_DIR"
    }
    env |= {
        "DATAWARD_DATA_DIR": str(folder / "var"),
        "DATAWARD_HEADER_SECONDS": str(HEAD_SECONDS),
        "DATAWARD_MAX_CONCURRENCY": str(CAPACITY),
        "TMPDIR": str(folder),
    }
    dataward = [sys.executable, "-m", "dataward"]
    subprocess.run([*dataward, "init"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    process = subprocess.Popen(
        [*dataward, "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        live = Served(port)
        _wait_for(live)
        yield live
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_for(live: Served) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            assert _healthz(live).status == 200
        except OSError:
            time.sleep(0.1)
        else:
            return
    raise AssertionError("the server did not start")


def _healthz(live: Served) -> Answer:
    with live.connect() as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        return _read_answer(connection)


def _read_answer(connection: socket.socket) -> Answer:
    """One whole answer with a Content-Length, read as it arrives."""
    data = b""
    while True:
        try:
            return _as_answer(data)
        except _Incomplete:
            more = connection.recv(65536)
            assert more, f"the connection closed before a whole answer: {data!r}"
            data += more


class _Incomplete(Exception):
    pass


def _as_answer(raw: bytes) -> Answer:
    """The answer in `raw`, which must hold a whole one (head and Content-Length's body)."""
    if b"\r\n\r\n" not in raw:
        raise _Incomplete
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers["content-length"])
    if len(body) < length:
        raise _Incomplete
    assert len(body) == length, "more than one answer"
    return Answer(int(status_line.split(" ")[1]), headers, body)


def _closed_by_server(connection: socket.socket, within: float) -> tuple[bytes, float]:
    """Everything the server sent until it closed the connection, and when that was."""
    began = time.monotonic()
    connection.settimeout(within)
    received = b""
    while True:
        try:
            more = connection.recv(65536)
        except TimeoutError:
            raise AssertionError(f"the connection was still open after {within} s") from None
        except ConnectionResetError:
            break
        if not more:
            break
        received += more
    return received, time.monotonic() - began


def _assert_refused_our_way(answer: Answer, status: int, code: str) -> None:
    assert answer.status == status
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["connection"] == "close"
    for name, value in SECURITY_HEADERS.items():
        assert answer.headers.get(name) == value, name
    assert answer.error()["code"] == code
    assert answer.error()["details"] == []
    assert MARKER.encode() not in answer.body
    assert MARKER.lower().encode() not in answer.body.lower()


def test_the_applications_own_answers_carry_the_same_security_headers(served: Served) -> None:
    """The yardstick of the refusals below: what every answer of the application carries."""
    answer = _healthz(served)
    for name, value in SECURITY_HEADERS.items():
        assert answer.headers.get(name) == value, name


def test_a_head_sent_a_line_at_a_time_is_cut_off_at_its_deadline(served: Served) -> None:
    """The slowloris: a header line every so often, each in time for the next, for ever."""
    with served.connect() as slow:
        slow.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        began = time.monotonic()
        closed_after = None
        received = b""
        while time.monotonic() - began < 4 * HEAD_SECONDS:
            try:
                slow.sendall(b"X-A: b\r\n")  # 8 bytes
            except (BrokenPipeError, ConnectionResetError):
                break
            slow.settimeout(HEAD_SECONDS / 4)
            try:
                more = slow.recv(65536)
            except TimeoutError:
                assert _healthz(served).status == 200  # everyone else is still served
                continue
            received += more
            if not more or b"\r\n\r\n" in received:
                closed_after = time.monotonic() - began
                break
        assert closed_after is not None, "the slow head was never cut off"
        assert closed_after < HEAD_SECONDS + SLACK
        rest, _ = _closed_by_server(slow, within=2)
    answer = _as_answer(received + rest)
    _assert_refused_our_way(answer, 408, "request_timeout")
    assert answer.error()["message"] == (
        f"the request's headers must arrive within {HEAD_SECONDS:g} seconds"
    )


def test_a_connection_that_sends_nothing_is_closed_at_the_deadline_without_an_answer(
    served: Served,
) -> None:
    with served.connect() as idle:
        received, took = _closed_by_server(idle, within=4 * HEAD_SECONDS)
    assert received == b""
    assert took < HEAD_SECONDS + SLACK


def test_a_later_request_on_a_kept_connection_has_the_same_deadline(served: Served) -> None:
    with served.connect() as kept:
        kept.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert _read_answer(kept).status == 200
        kept.sendall(b"GET /healthz HTTP/1.1\r\n")  # and the rest never comes
        began = time.monotonic()
        for _ in range(int(4 * HEAD_SECONDS / 0.5)):
            try:
                kept.sendall(b"X-A: b\r\n")
            except (BrokenPipeError, ConnectionResetError):
                break
            time.sleep(0.5)
            kept.settimeout(0.01)
            try:
                if kept.recv(1, socket.MSG_PEEK):
                    break
            except TimeoutError:
                continue
            except ConnectionResetError:
                break
        took = time.monotonic() - began
        received, _ = _closed_by_server(kept, within=2)
    assert took < HEAD_SECONDS + SLACK
    _assert_refused_our_way(_as_answer(received), 408, "request_timeout")


def test_a_head_in_time_is_served_whatever_its_pace(served: Served) -> None:
    """Slow but within the deadline: served, and the deadline is not carried to the body."""
    with served.connect() as connection:
        for piece in (b"GET /healthz HTTP/1.1\r\n", b"Host: 127.0.0.1\r\n", b"\r\n"):
            connection.sendall(piece)
            time.sleep(HEAD_SECONDS / 4)
        assert _read_answer(connection).status == 200


@pytest.mark.parametrize(
    "request_bytes",
    [
        pytest.param(
            b"POST /api/v1/subjects/lookup HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"X-Note: " + MARKER.encode() + b"\r\nContent-Length: -1\r\n\r\n",
            id="negative-content-length",
        ),
        pytest.param(
            b"POST /api/v1/subjects/lookup HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Length: 5\r\nContent-Length: 7" + MARKER.encode() + b"\r\n\r\n",
            id="conflicting-content-lengths",
        ),
        pytest.param(b"GET /" + MARKER.encode() + b" NOT-HTTP\r\n\r\n", id="bad-request-line"),
        pytest.param(MARKER.encode() + b"\r\n\r\n", id="no-request-line"),
        pytest.param(
            b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Name" + MARKER.encode() + b": v\r\n\r\n",
            id="bad-header-name",
        ),
        pytest.param(  # h11 takes a head of at most 16 KiB: this one is past it, and unfinished
            b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + MARKER.encode() * 2000,
            id="head-too-large",
        ),
        pytest.param(
            b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: gzip\r\n\r\n",
            id="unknown-transfer-encoding",
        ),
        pytest.param(b"GET /" + MARKER.encode() + b"\xff HTTP/1.1\r\n\r\n", id="non-ascii-target"),
    ],
)
def test_a_request_the_server_cannot_parse_is_refused_in_the_apis_shape(
    served: Served, request_bytes: bytes
) -> None:
    with served.connect() as connection:
        connection.sendall(request_bytes)
        received, _ = _closed_by_server(connection, within=HEAD_SECONDS + 2)
    answer = _as_answer(received)
    _assert_refused_our_way(answer, 400, "bad_request")
    assert answer.error()["message"] == "the request is not valid HTTP/1.1"


def test_past_its_capacity_the_server_answers_503_in_the_apis_shape(served: Served) -> None:
    held = [served.connect() for _ in range(CAPACITY)]
    try:
        time.sleep(0.3)  # let the server take them
        refused = _healthz(served)
    finally:
        for connection in held:
            connection.close()
    _assert_refused_our_way(refused, 503, "service_unavailable")
    time.sleep(0.3)  # let the server see them go
    assert _healthz(served).status == 200
