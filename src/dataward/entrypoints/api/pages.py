"""The HTML pages people open without a token: the portal, the request form, a download link's
page, the cookie settings.

Templates in `templates/web`, every value escaped (autoescape on for every template, whatever
its name), the page's stylesheet inline and allowed by its hash in the Content-Security-Policy
that `security` puts on every response. The pages carry no script. Every page extends
`_layout.html.j2`, whose banner shows the cookie banner (`_cookie_banner.html.j2`) while the
visitor has made no choice: given the request, `render_page` works out its state (`Banner`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader

from dataward.adapters.documents.styles import with_stylesheets
from dataward.domain.cookies import CHOICE_COOKIE, optional_cookies
from dataward.domain.errors import DatawardError
from dataward.domain.register.model import Cookie, Register
from dataward.entrypoints.api.deps import get_active_register
from dataward.services.cookies.choices import VISITOR, recorded_choice

MAX_BACK = 512
"""The longest path a choice made on a page returns to (a page's own path is far shorter)."""


@dataclass(frozen=True, slots=True)
class Banner:
    """What the cookie banner shows: `show` while no choice is recorded and the register lists
    a cookie needing consent; `gpc` when the browser sent Global Privacy Control."""

    show: bool
    gpc: bool
    optional: tuple[Cookie, ...]
    back: str
    """The page's own path, where a choice made in the banner returns to."""


@cache
def _environment() -> Environment:
    return with_stylesheets(
        Environment(loader=PackageLoader("dataward", "templates/web"), autoescape=True)
    )


def sends_gpc(request: Request) -> bool:
    """Whether the browser sent Global Privacy Control (`Sec-GPC: 1`)."""
    return request.headers.get("sec-gpc", "").strip() == "1"


def safe_back(path: str | None) -> str:
    """`path` if it is a path of this site (never another site's address), else `/`."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    if len(path) > MAX_BACK or not path.isascii() or not path.isprintable():
        return "/"
    return path


def active_register(request: Request) -> Register | None:
    """The register in force, or None when none is loaded yet."""
    try:
        return get_active_register(request.app.state.container).register
    except DatawardError:
        return None


def banner_for(
    request: Request, register: Register | None = None, *, failed: bool = False
) -> Banner | None:
    """The banner's state for `request`: None when there is no register to read it from. A
    choice made on a page that `failed` returns to the portal, not to its path (which may be
    what was refused, e.g. a link that is not valid, and is never shown back)."""
    register = register or active_register(request)
    if register is None:
        return None
    optional = tuple(optional_cookies(register))
    gpc = sends_gpc(request)
    container = request.app.state.container
    ctx = container.use_case(VISITOR, register, read_only=True)
    chosen = recorded_choice(ctx, request.cookies.get(CHOICE_COOKIE))
    show = bool(optional) and chosen is None
    own = quote(request.url.path, safe="/-._~")  # as the browser sent it, never markup
    return Banner(show, gpc, optional, "/" if failed else safe_back(own))


def render_page(
    template: str,
    *,
    request: Request | None = None,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    **values: Any,
) -> HTMLResponse:
    """Page `template` filled with `values`, each escaped; given the `request`, with the
    cookie banner's state (`banner`) unless `values` give it."""
    if request is not None and "banner" not in values:
        values["banner"] = banner_for(request, failed=status >= 400)
    html = _environment().get_template(template).render(**values)
    return HTMLResponse(html, status_code=status, headers=headers)


def form_body(schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI `requestBody` of a page's form (`openapi_extra`): urlencoded, as a browser
    sends it, with the fields `schema` describes."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/x-www-form-urlencoded": {"schema": schema}},
        }
    }


def from_elsewhere(request: Request, public_url: str) -> bool:
    """Whether a browser says this form was posted from another site: Fetch Metadata's
    `Sec-Fetch-Site`, else an `Origin` that is neither this site nor `public_url` (our pages
    send no referrer, so a browser posting one of them may send `Origin: null`). A client that
    sends neither is no browser acting for someone else, and is answered as usual."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site not in {"same-origin", "none"}
    origin = (request.headers.get("origin") or "null").lower()
    if origin == "null":
        return False
    own = f"{request.url.scheme}://{request.headers.get('host', '')}".lower()
    public = urlsplit(public_url)
    return origin not in {own, f"{public.scheme}://{public.netloc}".lower()}
