"""The cookie banner's choices and the cookie settings page (PECR reg 6), and Global Privacy
Control's well-known file.

`POST /cookies` records a choice (accept, reject, or cookie by cookie) through
`services.cookies.choices`, sets the `cookie_choices` cookie to its random id (Secure, HttpOnly,
SameSite=Lax, lasting the register's lifetime for it) and sends the person back to the page they
chose on. Until then no cookie is set. The form needs no cookie beforehand, so it cannot carry a
CSRF token tied to one: it is protected instead by where it comes from. A browser sends
`Origin` with every POST of a form; the choice is refused unless that is this site's own origin
(the request's own scheme and host, or `DATAWARD_PUBLIC_URL`'s), or, where a browser sent no
`Origin` or sent `null` (as it does from a page whose referrer policy is `no-referrer`, which
ours is), unless `Sec-Fetch-Site`, which no page can set, says `same-origin`. A page of
another site cannot post a choice for a visitor here. A browser sending `Sec-GPC: 1` has every
cookie needing consent refused, whatever the form says, and the page says so and offers no way
to accept them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from dataward.adapters.documents.notice import cookie_lifetime
from dataward.domain.cookies import (
    CHOICE_COOKIE,
    accept_all,
    allowed,
    choice_cookie,
    choose,
    lifetime,
    optional_cookies,
)
from dataward.domain.register.model import Register
from dataward.entrypoints.api.deps import ContainerDep, RegisterDep
from dataward.entrypoints.api.pages import form_body, render_page, safe_back, sends_gpc
from dataward.entrypoints.api.routing import TokenFirstRoute
from dataward.services.cookies.choices import VISITOR, record_choice, recorded_choice

router = APIRouter(tags=["public"], route_class=TokenFirstRoute)

COOKIES_PATH = "/cookies"
BODY_MAX_BYTES = 2 * 1024
"""A choice is well under 200 bytes."""
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_REFUSED = "We could not record that choice. Please make it again on this page."


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_origin(request: Request, public_url: str) -> bool:
    """Whether a cookie-less form's POST came from one of this site's own pages."""
    origin = request.headers.get("origin")
    if origin is not None and origin != "null":
        own = f"{request.url.scheme}://{request.headers.get('host', '')}".lower()
        return origin.lower() in {own, _origin(public_url)}
    return request.headers.get("sec-fetch-site") == "same-origin"


@router.get(COOKIES_PATH, response_class=HTMLResponse, summary="Cookie settings")
def settings_page(request: Request, container: ContainerDep, register: RegisterDep) -> HTMLResponse:
    chosen = recorded_choice(
        container.use_case(VISITOR, register, read_only=True), request.cookies.get(CHOICE_COOKIE)
    )
    return _page(request, register, chosen)


def _page(
    request: Request,
    register: Register,
    recorded: Mapping[str, bool] | None,
    *,
    status: int = 200,
    **values: object,
) -> HTMLResponse:
    gpc = sends_gpc(request)
    on = allowed(register, recorded, gpc=gpc)
    return render_page(
        "cookies.html.j2",
        request=request,
        status=status,
        headers=NO_STORE,
        banner=None,  # this page is the banner's longer form
        cookies=[(c, cookie_lifetime(c)) for c in register.cookies],
        saved=request.query_params.get("saved") == "1",
        optional={c.name for c in optional_cookies(register)},
        on=on,
        chosen=recorded is not None,
        gpc=gpc,
        **values,
    )


@router.post(
    COOKIES_PATH,
    response_class=HTMLResponse,
    summary="Record a cookie choice",
    openapi_extra=form_body(
        {
            "type": "object",
            "properties": {
                "choice": {"type": "string", "enum": ["accept", "reject", "each"]},
                "back": {"type": "string", "description": "The page to return to"},
            },
            "additionalProperties": {"type": "string", "enum": ["yes"]},
        }
    ),
)
async def record(request: Request, container: ContainerDep, register: RegisterDep) -> Response:
    if not same_origin(request, container.settings.public_url):
        return _page(request, register, None, status=403, error=_REFUSED)
    body = await request.body()  # at most BODY_MAX_BYTES: `BodyLimit` saw to it
    try:
        fields = {
            k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), max_num_fields=32).items()
        }
    except ValueError:
        fields = {}
    gpc = sends_gpc(request)
    kind = fields.get("choice", "")
    if kind == "accept":
        choice = accept_all(register, gpc=gpc)
    elif kind == "reject":
        choice = choose(register, {}, gpc=gpc)
    elif kind == "each":
        wanted = {
            c.name: fields.get(f"allow.{c.name}") == "yes" for c in optional_cookies(register)
        }
        choice = choose(register, wanted, gpc=gpc)
    else:
        return _page(request, register, None, status=422, error=_REFUSED)
    ctx = container.use_case(VISITOR, register)
    choice_id = record_choice(ctx, choice, replacing=request.cookies.get(CHOICE_COOKIE))
    back = safe_back(fields.get("back")) if kind != "each" else COOKIES_PATH + "?saved=1"
    answer = RedirectResponse(back, status_code=303, headers=NO_STORE)
    cookie = choice_cookie(register)
    now = container.clock.now()
    age = lifetime(cookie, now) if cookie is not None else timedelta(days=182)
    answer.set_cookie(
        CHOICE_COOKIE,
        choice_id,
        max_age=int(age.total_seconds()),
        path="/",
        secure=True,
        httponly=True,
        samesite="lax",
    )
    return answer


@router.get("/.well-known/gpc.json", summary="Global Privacy Control: we honour it")
def gpc_json(register: RegisterDep) -> JSONResponse:
    return JSONResponse(
        {"gpc": True, "lastUpdate": register.policy.last_updated.isoformat()},
        media_type="application/json",
    )
