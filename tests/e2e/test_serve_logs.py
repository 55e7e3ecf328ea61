"""`dataward serve --workers 2` at DEBUG, as a process of its own: everything it writes on
standard error, uvicorn's lines of the parent and of each serving process included, is one
JSON object a line; each request is one access line by its route's template with its id; and
neither a link's token in a path, a number in a query, a name and address in a form nor an
address in a request uvicorn cannot parse reaches a line."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from faker import Faker

pytestmark = pytest.mark.processes

ROOT = Path(__file__).parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _exchange(port: int, raw: bytes) -> bytes:
    """Send `raw` on a connection of its own; everything answered until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(raw)
        received = b""
        while more := connection.recv(65536):
            received += more
        return received


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            answer = _exchange(
                port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            )
        except OSError:
            time.sleep(0.2)
        else:
            assert answer.startswith(b"HTTP/1.1 200")
            return
    raise AssertionError("the server did not start")


def _request(port: int, head: str, body: bytes = b"") -> bytes:
    lines = [head, "Host: 127.0.0.1", "Connection: close", f"Content-Length: {len(body)}"]
    lines.append("Content-Type: application/x-www-form-urlencoded")
    return _exchange(port, ("\r\n".join(lines) + "\r\n\r\n").encode() + body)


def test_serve_writes_json_lines_with_no_identifier(tmp_path: Path, fake: Faker) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DATAWARD_") or key == "DATAWARD_SAMPLES_DIR"
    }
    env |= {
        "DATAWARD_DATA_DIR": str(tmp_path / "var"),
        "DATAWARD_LOG_LEVEL": "DEBUG",
        "TMPDIR": str(tmp_path),
    }
    dataward = [sys.executable, "-m", "dataward"]
    subprocess.run([*dataward, "init"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    errors = tmp_path / "stderr.log"
    with errors.open("wb") as sink:
        server = subprocess.Popen(
            [*dataward, "serve", "--port", str(port), "--workers", "2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
        try:
            _wait_for(port)
            name, email, number = fake.name(), fake.email(), fake.numerify("07700900###")
            token = "ZQX7" + fake.pystr(min_chars=30, max_chars=30)
            link = _request(port, f"GET /api/v1/public/downloads/{token}?n={number} HTTP/1.1")
            form = f"type=access&name={name.replace(' ', '+')}&email={email}".encode()
            sent = _request(port, "POST /requests/new HTTP/1.1", form)
            garbled = _exchange(
                port, f"GET /{email} HTTP/1.1\r\nBad Header {number}\r\n\r\n".encode()
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert link.startswith(b"HTTP/1.1 200")  # the page asking to download; the token in its form
    assert sent.startswith(b"HTTP/1.1 201")
    assert garbled.startswith(b"HTTP/1.1 400")
    text = errors.read_text(encoding="utf-8")
    lines: list[dict[str, Any]] = [json.loads(line) for line in text.splitlines()]
    for secret in (name, email, number, token, "+44" + number[1:], "ZQX7"):
        assert secret not in text, secret
    assert all("color_message" not in line for line in lines)
    access = [line for line in lines if line["logger"] == "dataward.access"]
    routes = {(line["route"], line["status"]) for line in access}
    assert ("/api/v1/public/downloads/{token}", 200) in routes
    assert ("/healthz", 200) in routes
    assert all(len(line["request_id"]) == 32 for line in access)
    uvicorn = [line["message"] for line in lines if line["logger"].startswith("uvicorn")]
    assert sum(m.startswith("Started server process") for m in uvicorn) == 2, uvicorn
    assert "Invalid HTTP request received." in uvicorn
