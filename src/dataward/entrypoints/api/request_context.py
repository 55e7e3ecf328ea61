"""Each request's id, and the one access line written for it.

A request keeps the `X-Request-ID` it came with only if it is a UUID or 16 to 64 hexadecimal
digits with a letter among them (what a proxy's or a trace's id looks like, and never only the
digits of a phone or card number); any other value, or several, is replaced
by a new id (a UUID's 32 hex digits), never repeated: a header can carry markup, control
characters or a person's data as easily as an id. The id is in `logs.REQUEST_ID` while the
request runs, so every line logged for it carries it, and in the `X-Request-ID` header of
every answer, a 500 or a refusal of a middleware included.

The access line (logger `dataward.access`) says the method, the route's template (never the
path sent: a download link's token rides in it, and a query can hold anything), the status and
the time taken, in milliseconds. It names no client address: an address is personal data, and
the rate limits that need one keep only its digest, in memory.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dataward.adapters.logs import REQUEST_ID
from dataward.entrypoints.api.health import request_method, route_template

HEADER = "X-Request-ID"
ACCEPTED = re.compile(
    rb"(?=[0-9a-f-]*[a-f])"  # a letter somewhere: never only the digits of a number
    rb"(?:[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}|[0-9a-f]{16,64})",
    re.ASCII,
)
"""An incoming id kept as it is: hexadecimal, 16 to 64 digits with at least one letter (a trace
id, a proxy's `$request_id`), or a UUID. Anything else is replaced: an id the client chose is
logged, and the digits of a phone or card number, or a name, must not ride in under it."""

MOST = 64
access_log = logging.getLogger("dataward.access")


def request_id_of(scope: Scope) -> str:
    """The request's own id when it sent one well formed, else a new one."""
    sent: list[bytes] = [
        value for name, value in scope.get("headers", ()) if name.lower() == b"x-request-id"
    ]
    if len(sent) == 1 and len(sent[0]) <= MOST and ACCEPTED.fullmatch(sent[0].lower()):
        return sent[0].decode("ascii")
    return uuid.uuid4().hex


class RequestContext:
    """ASGI middleware, outside everything else: the request's id, and its access line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        bound = REQUEST_ID.set(request_id)
        began = time.perf_counter()
        status = 500  # what the client is given when the application fails before answering

        async def identified(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                MutableHeaders(scope=message)[HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, identified)
        finally:
            access_log.info(
                "%s %s %d",
                request_method(scope),
                route_template(scope),
                status,
                extra={
                    "method": request_method(scope),
                    "route": route_template(scope),
                    "status": status,
                    "duration_ms": round((time.perf_counter() - began) * 1000, 1),
                },
            )
            REQUEST_ID.reset(bound)
