"""Request bodies counted and timed as they arrive, and refused past their route's limit.

A body is never taken on trust: a Content-Length over the limit is answered 413 before any of
the body is read, and a body without one (chunked), or longer than it said, is counted chunk by
chunk and answered 413 the moment it passes the limit, so no more of it than the limit is ever
held or written anywhere. The answer is the API's one JSON error shape, code `body_too_large`.
Whatever the route does after that (it sees the body end in `BodyTooLarge`) is not sent.

A body must also keep coming: it has `BodyDeadline.grace` seconds from the request's headers,
and one more second for every `BodyDeadline.min_rate` bytes that arrive. A client that trickles
its body slower than that (holding a connection and a task open for as long as it likes) is
answered 408 `request_timeout` the moment its time is up, and the connection is closed. The
time runs only while the body is still arriving: a route answering, or streaming its answer,
is never cut short. Both refusals close the connection, and so does any answer given before
the body was read in full (a 401 before a token-first route reads anything, a 429): the rest
of that body is not wanted, and a client could otherwise go on sending it for ever.

The limit is the route's own where one is named (the call batch upload, the public form), else
`DEFAULT_MAX_BYTES`, which is ample for every JSON and YAML body the API takes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import anyio
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dataward.entrypoints.api.errors import error_body

DEFAULT_MAX_BYTES = 1024 * 1024
"""The largest body of a route without a limit of its own (JSON, a register's YAML)."""


class BodyTooLarge(Exception):
    """Raised to the application reading a body that passed its limit (already answered)."""


class BodyTooSlow(Exception):
    """Raised to the application reading a body that did not arrive in time (already
    answered, unless the route had begun its own answer)."""


@dataclass(frozen=True, slots=True)
class BodyDeadline:
    """How long a body may take: `grace` seconds, plus a second per `min_rate` bytes."""

    grace: float = 10.0
    min_rate: int = 16 * 1024

    def seconds_for(self, received: int) -> float:
        """Seconds from the request's headers by which more than `received` bytes are due."""
        return self.grace + received / self.min_rate


class BodyLimit:
    """ASGI middleware: each route's body limit, by the route's path template, and the
    deadline of every body."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        routes: Mapping[str, int],
        default: int = DEFAULT_MAX_BYTES,
        deadline: BodyDeadline | None = None,
    ) -> None:
        self.app = app
        self.default = default
        self.deadline = deadline or BodyDeadline()
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
        began = anyio.current_time()
        received = 0
        started = answered = complete = False
        announced = _announces_body(scope)

        async def refuse(answer: JSONResponse) -> None:
            nonlocal answered
            if not started:
                answered = True
                await answer(scope, receive, send)

        async def counted() -> Message:
            nonlocal received, complete
            if complete:  # the body is in: waiting for a disconnect has no deadline
                return await receive()
            due = began + self.deadline.seconds_for(received)
            try:
                with anyio.fail_after(max(0.0, due - anyio.current_time())):
                    message = await receive()
            except TimeoutError:
                await refuse(_too_slow(self.deadline))
                raise BodyTooSlow from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                complete = not message.get("more_body", False)
                if received > limit:
                    await refuse(_too_large(limit))
                    raise BodyTooLarge
            return message

        async def unless_answered(message: Message) -> None:
            nonlocal started
            if answered:
                return
            if message["type"] == "http.response.start":
                started = True
                if announced and not complete:  # answered before its body came: end with it
                    MutableHeaders(scope=message)["connection"] = "close"
            await send(message)

        try:
            await self.app(scope, counted, unless_answered)
        except (BodyTooLarge, BodyTooSlow):
            if not answered:  # the route had begun its answer: nothing better can be sent
                raise


CLOSE = {"Connection": "close"}
"""On a refusal: the rest of the body is not wanted, so the connection ends with the answer."""


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse(
        error_body("body_too_large", f"the request body may be at most {limit} bytes"),
        status_code=413,
        headers=CLOSE,
    )


def _too_slow(deadline: BodyDeadline) -> JSONResponse:
    message = (
        f"the request body must arrive within {deadline.grace:g} seconds, and a second more "
        f"for every {deadline.min_rate} bytes received"
    )
    return JSONResponse(error_body("request_timeout", message), status_code=408, headers=CLOSE)


def _announces_body(scope: Scope) -> bool:
    """Whether the request's headers say a body follows (a length above 0, or chunks). Only
    for closing the connection: a body is counted and timed whatever its headers say."""
    headers = Headers(scope=scope)
    return bool(_content_length(scope)) or "chunked" in headers.get("transfer-encoding", "")


def _content_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
