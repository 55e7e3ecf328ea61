"""Call the ASGI application directly, feeding it a body chunk by chunk and counting how much
of it the application asked for: what a test client cannot show, since it sends a body whole."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import anyio
from starlette.types import ASGIApp, Message

KIB = 1024


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    reads: int
    """How many times the application asked for more of the body."""
    read_bytes: int = 0

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class _Body:
    chunks: Iterator[bytes]
    reads: int = 0
    read_bytes: int = 0
    done: bool = field(default=False)

    async def receive(self) -> Message:
        self.reads += 1
        if self.done:
            return {"type": "http.disconnect"}
        chunk = next(self.chunks, None)
        if chunk is None:
            self.done = True
            return {"type": "http.request", "body": b"", "more_body": False}
        self.read_bytes += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}


def endless(size: int = 64 * KIB, most: int = 256 * 1024 * KIB) -> Iterator[bytes]:
    """Chunks of `size` bytes, up to `most` in all (so a test of a broken limit ends)."""
    chunk = b"x" * size
    for _ in range(most // size):
        yield chunk


def call(
    app: ASGIApp,
    method: str,
    target: str,
    *,
    headers: dict[str, str] | None = None,
    body: Iterable[bytes] = (),
) -> Answer:
    """`method target` (a path, with its query after a `?`) with `body` sent in its chunks."""
    path, _, query = target.partition("?")
    request = _Request(method, path, query, headers or {})
    return anyio.run(partial(_call, app, request, iter(body)))


@dataclass(frozen=True, slots=True)
class _Request:
    method: str
    path: str
    query: str
    headers: dict[str, str]


async def _call(app: ASGIApp, request: _Request, chunks: Iterator[bytes]) -> Answer:
    method, path, query, headers = request.method, request.path, request.query, request.headers
    source = _Body(chunks)
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    await app(scope, source.receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    return Answer(
        status=start["status"],
        headers={k.decode(): v.decode() for k, v in start["headers"]},
        body=b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body"),
        reads=source.reads,
        read_bytes=source.read_bytes,
    )
