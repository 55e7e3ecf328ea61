"""The links in every marketing message: one-click unsubscribe (RFC 8058) and the person's
marketing preferences. No login and no cookie: the signed token in the link is the credential.

With Global Privacy Control sent (`Sec-GPC: 1`), the preferences page records it as the
person's refusal of any sharing of their data for another company's marketing
(`preferences.honour_gpc`: each such choice that is on is withdrawn in the ledger, audited),
and offers no way to turn one on; a mail scanner sends no such signal.

`POST /u/{token}` with `List-Unsubscribe=One-Click` (what a mail program sends) unsubscribes at
once and answers without a page being needed; doing it again changes nothing. `GET /u/{token}`
only shows a page with a button that makes that POST: mail scanners follow links, and opening
one must change nothing. A token that is not ours is 404, recorded by the service. Pages escape
everything they show and carry no script; responses are not cached.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from dataward.domain.errors import ConsentRefused, DatawardError, NotFound
from dataward.entrypoints.api.deps import ContainerDep
from dataward.entrypoints.api.pages import form_body, render_page, sends_gpc
from dataward.entrypoints.api.routing import TokenFirstRoute
from dataward.services.marketing import preferences as prefs
from dataward.services.marketing.unsubscribe import LINK, read_link, sender_name, unsubscribe

router = APIRouter(tags=["public"], route_class=TokenFirstRoute)

UNSUBSCRIBE_PATH = "/u/{token}"
PREFERENCES_PATH = "/u/{token}/preferences"
BODY_MAX_BYTES = 4 * 1024
"""A one-click body is 26 bytes and the preferences form well under 1 KiB."""
ONE_CLICK = "One-Click"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_GONE = (
    "This link is not valid. If you want no more marketing from us, write to the address in "
    "the message."
)


def _page(template: str, request: Request, status: int = 200, **values: Any) -> HTMLResponse:
    return render_page(template, status=status, headers=NO_STORE, request=request, **values)


def _not_found(request: Request) -> HTMLResponse:
    return _page("unsubscribe.html.j2", request, status=404, error=_GONE)


async def _form(request: Request) -> dict[str, list[str]]:
    """The form's fields, URL-encoded or (as RFC 8058 prefers for a one-click POST)
    multipart; a body that is neither, or has too many fields, has none."""
    body = await request.body()  # at most BODY_MAX_BYTES: `BodyLimit` saw to it
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind == "multipart/form-data":
        return _multipart(body)
    try:
        return parse_qs(body.decode("utf-8", "replace"), max_num_fields=64)
    except ValueError:
        return {}


_PART = re.compile(rb'name="([^"\r\n]{1,64})"\r\n(?:[^\r\n]*\r\n)*\r\n([^\r\n]{0,64})\r\n')


def _multipart(body: bytes) -> dict[str, list[str]]:
    """The simple text fields of a small multipart body (a one-click POST has one)."""
    found: dict[str, list[str]] = {}
    for name, value in _PART.findall(body)[:64]:
        text = name.decode("utf-8", "replace")
        found.setdefault(text, []).append(value.decode("utf-8", "replace"))
    return found


@router.get(UNSUBSCRIBE_PATH, response_class=HTMLResponse, summary="The unsubscribe page")
def confirm(token: str, request: Request, container: ContainerDep) -> HTMLResponse:
    ctx = container.use_case(LINK)
    try:
        who = read_link(ctx, token)
    except NotFound:
        return _not_found(request)
    return _page(
        "unsubscribe.html.j2", request, token=quote(token, safe=""), sender=sender_name(ctx, who)
    )


@router.post(
    UNSUBSCRIBE_PATH,
    response_class=HTMLResponse,
    summary="Unsubscribe from marketing in one click (RFC 8058)",
    openapi_extra=form_body(
        {
            "type": "object",
            "required": ["List-Unsubscribe"],
            "properties": {"List-Unsubscribe": {"type": "string", "enum": [ONE_CLICK]}},
        }
    ),
)
async def one_click(token: str, request: Request, container: ContainerDep) -> HTMLResponse:
    fields = await _form(request)
    if fields.get("List-Unsubscribe") != [ONE_CLICK]:
        return _page(
            "unsubscribe.html.j2",
            request,
            status=400,
            error="This request did not ask to unsubscribe. Use the button on the page.",
        )
    try:
        done = unsubscribe(container.use_case(LINK), token)
    except NotFound:
        return _not_found(request)
    return _page(
        "unsubscribe.html.j2", request, done=True, sender=done.sender, token=quote(token, safe="")
    )


@router.get(PREFERENCES_PATH, response_class=HTMLResponse, summary="Your marketing choices")
def preferences(token: str, request: Request, container: ContainerDep) -> HTMLResponse:
    gpc = sends_gpc(request)
    try:
        if gpc:  # a person's own refusal, sent by their browser: recorded (`honour_gpc`)
            prefs.honour_gpc(container.use_case(LINK), token)
        found = prefs.preferences_of(container.use_case(LINK), token)
    except NotFound:
        return _not_found(request)
    return _page("preferences.html.j2", request, token=quote(token, safe=""), found=found, gpc=gpc)


@router.post(
    PREFERENCES_PATH,
    response_class=HTMLResponse,
    summary="Change your marketing choices",
    openapi_extra=form_body(
        {
            "type": "object",
            "description": "`<purpose>.<channel>=yes` for each choice ticked; a "
            "choice left out is turned off",
            "additionalProperties": {"type": "string", "enum": ["yes"]},
        }
    ),
)
async def change(token: str, request: Request, container: ContainerDep) -> HTMLResponse:
    fields = await _form(request)
    ctx = container.use_case(LINK)
    try:
        found = prefs.preferences_of(ctx, token)
    except NotFound:
        return _not_found(request)
    gpc = sends_gpc(request)
    wanted = {
        (c.purpose, c.channel): fields.get(f"{c.purpose}.{c.channel}") == ["yes"]
        and not (gpc and c.third_party)
        for c in found.choices
    }
    error = None
    try:
        changed = prefs.change_preferences(container.use_case(LINK), token, wanted, gpc=gpc)
    except ConsentRefused:
        changed, error = 0, "You told us not to send you marketing, so we cannot turn it on here."
    except DatawardError:
        return _not_found(request)
    found = prefs.preferences_of(container.use_case(LINK), token)
    return _page(
        "preferences.html.j2",
        request,
        status=200 if error is None else 409,
        token=quote(token, safe=""),
        found=found,
        saved=changed,
        error=error,
        gpc=gpc,
    )
