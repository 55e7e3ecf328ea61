"""The data-subject portal at `/`: the privacy notice, entering a one-time code, and a
request's status by its status link. No login and no cookie.

The code is entered with the request's reference on a plain form; every failure (an unknown
reference, a wrong, used or expired code, a code never sent) gets the same fixed words and the
same status, so the form says nothing about which references exist, and each client address may
try only so many an hour (`CODE_TRIES_PER_HOUR`, beside the code's own five attempts). The
status page is reached only by the signed link the person is given once they have shown the
request is theirs (`services.rights.public_status`); an altered or guessed link gets the fixed
"not valid" page. Nothing typed is ever shown back. A right code entered from a browser sending
Global Privacy Control records the signal as the person's refusal of sharing for another
company's marketing (`services.rights.gpc`).
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from urllib.parse import parse_qs
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from dataward.adapters.documents.notice import render_notice_part
from dataward.adapters.ratelimit import RateLimiter, client_key
from dataward.bootstrap import Container
from dataward.domain.errors import DatawardError
from dataward.domain.requests.model import TERMINAL
from dataward.domain.requests.workflow import RequestState
from dataward.entrypoints.api.deps import ContainerDep, RegisterDep
from dataward.entrypoints.api.pages import form_body, from_elsewhere, render_page, sends_gpc
from dataward.entrypoints.api.routing import TokenFirstRoute
from dataward.services.rights.gpc import refuse_third_party_marketing
from dataward.services.rights.public_status import read_status, status_token
from dataward.services.rights.verification import REQUESTER, check_code

router = APIRouter(tags=["public"], route_class=TokenFirstRoute)

VERIFY_PATH = "/requests/verify"
STATUS_PATH = "/requests/status/{token}"
BODY_MAX_BYTES = 1024
"""A reference and a code are well under 100 bytes."""
CODE_TRIES_PER_HOUR = 10
STATUS_VIEWS_PER_HOUR = 60
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_WRONG = (
    "That reference and code do not work together. Check them against our message, or ask "
    "us for a new code."
)
_NOT_VALID = "This link is not valid. Use the link we gave you when you confirmed your request."
_FROM_ELSEWHERE = "This form can only be sent from our own page. Open it here and try again."
_TOO_MANY = "Too many attempts have come from your connection. Please try again later."
STATE_WORDS = {
    RequestState.RECEIVED: "We have received it and will start work on it.",
    RequestState.AWAITING_IDENTITY: "We are waiting for you to confirm who you are.",
    RequestState.AWAITING_FEE: "We are waiting for the fee we asked you for.",
    RequestState.AWAITING_CLARIFICATION: "We are waiting for the information we asked you for.",
    RequestState.IN_PROGRESS: "We are working on it.",
    RequestState.EXTENDED: "We are working on it, and have told you that we need more time.",
    RequestState.COMPLETED: "It is complete.",
    RequestState.PARTIALLY_COMPLETED: (
        "It is partly complete: our letter says what we did not do, and why."
    ),
    RequestState.REFUSED: "We refused it: our letter says why, and how you can challenge it.",
    RequestState.WITHDRAWN: "You withdrew it.",
    RequestState.FORWARDED_TO_CONTROLLER: (
        "It is about data we hold for one of our customers: we passed it to them to answer."
    ),
}


def install_limiters(container: Container) -> dict[str, RateLimiter]:
    """The portal's limits, for `app.state`."""
    hour = timedelta(hours=1)
    return {
        "code_limiter": RateLimiter(CODE_TRIES_PER_HOUR, hour, container.clock),
        "status_limiter": RateLimiter(STATUS_VIEWS_PER_HOUR, hour, container.clock),
    }


def _wait(request: Request, name: str) -> int | None:
    """Seconds to wait before trying again, when this client is past the limit `name`."""
    limiter: RateLimiter = getattr(request.app.state, name)
    wait = limiter.hit(client_key(request.client.host if request.client else None))
    return None if wait is None else max(1, math.ceil(wait.total_seconds()))


def _long(day: date | None) -> str | None:
    return f"{day.day} {day:%B %Y}" if day is not None else None


@router.get("/", response_class=HTMLResponse, summary="The portal: our privacy notice")
def portal(request: Request, register: RegisterDep) -> HTMLResponse:
    return render_page(
        "portal.html.j2",
        request=request,
        organisation=register.organisation.name,
        version=register.policy.version,
        updated=_long(register.policy.last_updated),
        contents=render_notice_part(register, "contents"),
        sections=render_notice_part(register, "sections"),
    )


@router.get(VERIFY_PATH, response_class=HTMLResponse, summary="Enter the code we sent you")
def code_form(request: Request) -> HTMLResponse:
    return render_page("verify.html.j2", request=request, headers=NO_STORE)


@router.post(
    VERIFY_PATH,
    response_class=HTMLResponse,
    summary="Confirm a request with the one-time code sent to its address",
    openapi_extra=form_body(
        {
            "type": "object",
            "required": ["reference", "code"],
            "properties": {
                "reference": {"type": "string", "maxLength": 36},
                "code": {"type": "string", "maxLength": 6},
            },
        }
    ),
)
async def enter_code(request: Request, container: ContainerDep) -> HTMLResponse:
    if from_elsewhere(request, container.settings.public_url):  # no other site guesses codes
        return _verify_page(request, 403, error=_FROM_ELSEWHERE)
    wait = _wait(request, "code_limiter")
    if wait is not None:
        return _verify_page(request, 429, error=_TOO_MANY, retry_after=wait)
    body = await request.body()  # at most BODY_MAX_BYTES: `BodyLimit` saw to it
    try:
        fields = parse_qs(body.decode("utf-8", "replace"), max_num_fields=8)
    except ValueError:
        fields = {}
    reference = (fields.get("reference") or [""])[0].strip().lower()
    code = (fields.get("code") or [""])[0].strip()
    request_id = _reference(reference)
    if request_id is None or not (len(code) == 6 and code.isascii() and code.isdigit()):
        return _verify_page(request, 422, error=_WRONG)
    ctx = container.use_case(REQUESTER)
    try:
        right = check_code(ctx, request_id, code)
    except DatawardError:
        right = False
    if not right:
        return _verify_page(request, 422, error=_WRONG)
    gpc = sends_gpc(request)
    if gpc:  # the person at the browser is now known: their signal is recorded
        refuse_third_party_marketing(container.use_case(REQUESTER), request_id)
    token = status_token(ctx.vault, request_id)
    link = f"/requests/status/{token}"
    return _verify_page(request, 200, done=True, status_link=link, gpc=gpc)


def _reference(text: str) -> UUID | None:
    if len(text) != 36 or not text.isascii():
        return None
    try:
        return UUID(text)
    except ValueError:
        return None


def _verify_page(
    request: Request, status: int, *, retry_after: int | None = None, **values: object
) -> HTMLResponse:
    headers = dict(NO_STORE)
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return render_page("verify.html.j2", request=request, status=status, headers=headers, **values)


@router.get(STATUS_PATH, response_class=HTMLResponse, summary="Your request's status")
def status_page(token: str, request: Request, container: ContainerDep) -> HTMLResponse:
    wait = _wait(request, "status_limiter")
    if wait is not None:
        headers = {**NO_STORE, "Retry-After": str(wait)}
        return render_page(
            "status.html.j2", request=request, status=429, headers=headers, error=_TOO_MANY
        )
    try:
        found = read_status(container.use_case(REQUESTER, read_only=True), token)
    except DatawardError:
        return render_page(
            "status.html.j2", request=request, status=404, headers=NO_STORE, error=_NOT_VALID
        )
    return render_page(
        "status.html.j2",
        request=request,
        headers=NO_STORE,
        found=found,
        words=STATE_WORDS[found.state],
        received=_long(found.received),
        due=_long(found.due),
        package_until=_long(found.package_until),
        closed=found.state in TERMINAL,
    )
