"""Request bodies counted as they arrive, and refused past their route's limit.

A body is never taken on trust: a Content-Length over the limit is answered 413 before any of
the body is read, and a body without one (chunked), or longer than it said, is counted chunk by
chunk and answered 413 the moment it passes the limit, so no more of it than the limit is ever
held or written anywhere. The answer is the API's one JSON error shape, code `body_too_large`.
Whatever the route does after that (it sees the body end in `BodyTooLarge`) is not sent.

The limit is the route's own where one is named (the call batch upload, the public form), else
`DEFAULT_MAX_BYTES`, which is ample for every JSON and YAML body the API takes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dataward.entrypoints.api.errors import error_body

DEFAULT_MAX_BYTES = 1024 * 1024
"""The largest body of a route without a limit of its own (JSON, a register's YAML)."""


class BodyTooLarge(Exception):
    """Raised to the application reading a body that passed its limit (already answered)."""


class BodyLimit:
    """ASGI middleware: each route's body limit, by the route's path template."""

    def __init__(
        self, app: ASGIApp, *, routes: Mapping[str, int], default: int = DEFAULT_MAX_BYTES
    ) -> None:
        self.app = app
        self.default = default
        self.routes: list[tuple[re.Pattern[str], int]] = [
            (compile_path(path)[0], limit) for path, limit in routes.items()
        ]

    def limit_for(self, path: str) -> int:
        for pattern, limit in self.routes:
            if pattern.match(path):
                return limit
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _too_large(limit)(scope, receive, send)
            return
        received = 0
        started = answered = False

        async def counted() -> Message:
            nonlocal received, answered
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    if not started:
                        answered = True
                        await _too_large(limit)(scope, receive, send)
                    raise BodyTooLarge
            return message

        async def unless_answered(message: Message) -> None:
            nonlocal started
            if answered:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, unless_answered)
        except BodyTooLarge:
            if not answered:  # the route had begun its answer: nothing better can be sent
                raise


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse(
        error_body("body_too_large", f"the request body may be at most {limit} bytes"),
        status_code=413,
    )


def _content_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
