"""The security headers of every response, set here and nowhere else.

An HTML page gets a Content-Security-Policy that allows no script at all and only our own
stylesheets, by their hashes (`adapters.documents.styles`): markup that slipped past escaping
could neither run nor restyle the page. No page may be framed (clickjacking), posted anywhere
but here, or tell another site where it was opened from: a download link carries its token in
the URL, so `Referrer-Policy: no-referrer`. Every other answer (JSON, CSV, a ZIP) gets a
policy that allows nothing, `nosniff` so a browser never reads it as something else, and is
never cached, since most of them hold personal data. A path may be given a policy of its own:
the API's interactive docs run Swagger UI, from this origin only (`docs`). The middleware
wraps the whole application, Starlette's own error handler included (`app.DatawardApi`), so
an unforeseen 500 carries these headers too; the answers the server gives without the
application carry them from `NOT_A_PAGE`.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dataward.adapters.documents.styles import style_sources

NOTHING = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
"""The policy of anything that is not a page: it may load, run, submit and embed nothing."""


def page_policy() -> str:
    """The policy of our HTML pages: no script, our stylesheets by hash, forms posted here."""
    styles = " ".join(style_sources())
    return (
        f"default-src 'none'; style-src {styles}; form-action 'self'; base-uri 'none'; "
        "frame-ancestors 'none'"
    )


ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",  # for browsers older than CSP's frame-ancestors
    "Cross-Origin-Resource-Policy": "same-origin",
}
"""Set on every response, replacing whatever a route set: one place decides them."""

HSTS = "max-age=31536000"
"""Sent on every answer given over HTTPS: the browser then never comes back over plain HTTP."""

NOT_A_PAGE = {"Content-Security-Policy": NOTHING, **ALWAYS, "Cache-Control": "no-store"}
"""Every header above of an answer that is not a page: those the server gives itself, outside
the application (a request it cannot parse, one past its limits; see `server`)."""


class SecurityHeaders:
    """ASGI middleware: the headers above on every HTTP response, by its content type."""

    def __init__(self, app: ASGIApp, *, policies: Mapping[str, str] | None = None) -> None:
        self.app = app
        self.page = page_policy()
        self.policies = dict(policies or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        own_policy = self.policies.get(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                html = headers.get("content-type", "").startswith("text/html")
                policy = own_policy or (self.page if html else NOTHING)
                headers["Content-Security-Policy"] = policy
                for name, value in ALWAYS.items():
                    headers[name] = value
                if "cache-control" not in headers:
                    headers["Cache-Control"] = "no-store"
                if scope.get("scheme") == "https":  # served over TLS: keep to it for a year
                    headers["Strict-Transport-Security"] = HSTS
            await send(message)

        await self.app(scope, receive, send_with_headers)
