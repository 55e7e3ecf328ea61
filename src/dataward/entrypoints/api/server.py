"""How the API is served: a deadline on each request's head, a bound on how much is served at
once, and the answers the server gives itself in the API's shape, with its security headers.

uvicorn times a connection only while it idles between requests (`timeout_keep_alive`): once
a request's first byte has come, the rest of its head may take for ever (a client sending a
header line every few seconds holds its connection as long as it likes), and a connection
that sends nothing before its first request is never closed. Here a request's head (request
line and headers) has `Settings.header_seconds` from the connection's opening, or from the
first byte of a later request on it. Past that, a connection that sent part of a head is
answered 408 `request_timeout` and closed; one that sent nothing is closed. A body has its
own deadline once the head is in (`limits.BodyDeadline`).

Past `Settings.max_concurrency` connections open or requests under way, a request is answered
503 `service_unavailable`; a request the server cannot parse (a malformed request line, a
`Content-Length` of -1, a head past h11's 16 KiB) is answered 400 `bad_request`. uvicorn
answers both itself in text/plain without the application's headers; here they carry the
API's one JSON error shape, a fixed message that never repeats the request, and the security
headers of every answer (`security.NOT_A_PAGE`).

The protocol is uvicorn's HTTP/1.1 on h11, named whatever else is installed (uvicorn would take
httptools when present): the guards are written against it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from functools import cache
from http import HTTPStatus
from typing import Any, ClassVar

import h11
from starlette.types import Receive, Scope, Send
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from dataward.config import Settings
from dataward.entrypoints.api.errors import error_body
from dataward.entrypoints.api.security import NOT_A_PAGE

logger = logging.getLogger("uvicorn.error")

Headers = list[tuple[bytes, bytes]]

NOT_HTTP = "the request is not valid HTTP/1.1"
BUSY = "the server is serving as many requests as it takes at once; try again shortly"


APP_FACTORY = "dataward.entrypoints.api.server:app_from_settings"
"""What each serving process imports and calls: with several processes, each wires its own
container (its own engines and pools) from the same settings."""


def app_from_settings() -> Any:
    """The API wired from the settings of the environment, for one serving process, its logs
    configured first (a process of several starts with none)."""
    from dataward.adapters.logs import configure_logging
    from dataward.bootstrap import bootstrap
    from dataward.entrypoints.api.app import create_app

    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    return create_app(bootstrap(settings))


def server_options(settings: Settings, *, processes: int = 1) -> dict[str, Any]:
    """Options for `uvicorn.run` or `uvicorn.Config`, from the settings.

    No access log of uvicorn's: it prints every request line, query string included, and a
    query string can hold a purpose, a reason or, from a careless client, an identifier; the
    application writes its own (`request_context`). No logging configuration of uvicorn's
    either: its loggers write through the one handler `adapters.logs` installs, at the level
    of the settings.
    """

    if processes > 1:  # each process imports the protocol: it reads the settings itself
        http: Any = ENV_PROTOCOL
    else:

        class Configured(GuardedH11Protocol):
            head_seconds = settings.header_seconds

        http = Configured
    return {
        "http": http,
        "limit_concurrency": settings.max_concurrency,
        "access_log": False,
        "log_config": None,
        "log_level": settings.log_level.lower(),
    }


def refusal(code: str, message: str) -> tuple[Headers, bytes]:
    """The headers and body of an answer the server gives itself; the connection ends with it."""
    body = json.dumps(error_body(code, message), separators=(",", ":")).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
        *((name.lower().encode(), value.encode()) for name, value in NOT_A_PAGE.items()),
    ]
    return headers, body


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with the head's deadline, and its own answers in our shape."""

    head_seconds: ClassVar[float] = 10.0

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        # uvicorn's own check answers in text/plain: ours, in `within_capacity`, in our shape
        self.capacity, self.limit_concurrency = self.limit_concurrency, None
        self.application = self.app
        self.app = self.within_capacity
        self.head_timer: asyncio.TimerHandle | None = None
        self.head_begun = False

    # The head's deadline

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.await_head()

    def data_received(self, data: bytes) -> None:
        if self.head_awaited():
            self.head_begun = True
        super().data_received(data)
        self.await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self.stop_head_timer()
        super().connection_lost(exc)

    def head_awaited(self) -> bool:
        """No request under way and none answered: the next one's head is still to come."""
        return self.conn.their_state is h11.IDLE and self.conn.our_state is h11.IDLE

    def await_head(self) -> None:
        """Start the deadline when a head is awaited (unless it runs already); stop it once
        the head has come."""
        if not self.head_awaited():
            self.stop_head_timer()
            self.head_begun = False
        elif self.head_timer is None and not self.transport.is_closing():
            self.head_timer = self.loop.call_later(self.head_seconds, self.head_too_slow)

    def stop_head_timer(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def head_too_slow(self) -> None:
        self.head_timer = None
        if self.transport.is_closing() or not self.head_awaited():
            return
        if self.head_begun:
            message = f"the request's headers must arrive within {self.head_seconds:g} seconds"
            self.write_refusal(408, "request_timeout", message)
        self.transport.close()

    # Answers the server gives itself

    def send_400_response(self, msg: str) -> None:  # noqa: ARG002 - uvicorn's text, not ours
        """A request h11 cannot parse."""
        self.write_refusal(400, "bad_request", NOT_HTTP)
        self.transport.close()

    def write_refusal(self, status: int, code: str, message: str) -> None:
        """Write an answer outside any request's cycle (before a head was parsed, or after
        h11 refused one); the caller closes the connection."""
        headers, body = refusal(code, message)
        lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}".encode()]
        lines += [name + b": " + value for name, value in self.server_state.default_headers]
        lines += [name + b": " + value for name, value in headers]
        self.transport.write(b"\r\n".join(lines) + b"\r\n\r\n" + body)

    async def within_capacity(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The application, unless more connections are open or requests under way than the
        server takes (this request's own task is already counted among them)."""
        if self.capacity is not None and (
            len(self.connections) > self.capacity or len(self.tasks) > self.capacity
        ):
            logger.warning("Exceeded concurrency limit.")
            headers, body = refusal("service_unavailable", BUSY)
            await send({"type": "http.response.start", "status": 503, "headers": headers})
            await send({"type": "http.response.body", "body": body, "more_body": False})
            return
        await self.application(scope, receive, send)


ENV_PROTOCOL = "dataward.entrypoints.api.server:EnvH11Protocol"
"""The protocol of each of several serving processes, by the path they import it from."""


class EnvH11Protocol(GuardedH11Protocol):
    """The guarded protocol with the head's deadline of the environment's settings, for a
    serving process that imports it by name (a class made in a function cannot be sent to
    another process)."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        type(self).head_seconds = _environment_head_seconds()
        super().__init__(config, server_state, app_state, _loop)


@cache
def _environment_head_seconds() -> float:
    return Settings().header_seconds
