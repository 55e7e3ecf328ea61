"""What a person uses without a staff token: the request form, and entering a one-time code.

The form is a plain HTML page (no script). It records a request as received today through
the portal and queues its acknowledgement; who the person is gets matched and verified
afterwards. Errors are shown on the page in fixed words that never echo what was typed: an
error's own text is for staff, and may quote a value.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import parse_qs
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from dataward.adapters.ratelimit import RateLimiter, client_key
from dataward.domain.errors import DatawardError, InvalidIdentifier
from dataward.domain.register.model import Register
from dataward.domain.register.terms import LawfulBasis
from dataward.domain.requests.scope import DIRECT_MARKETING, LEGITIMATE_INTERESTS
from dataward.domain.requests.workflow import RequestRefused, RequestType, uk_date
from dataward.entrypoints.api.deps import ContainerDep, RegisterDep
from dataward.entrypoints.api.pages import from_elsewhere, render_page, sends_gpc
from dataward.entrypoints.api.routing import TokenFirstRoute
from dataward.services.rights.intake import NewRequest
from dataward.services.rights.public_form import PUBLIC, receive_public_request
from dataward.services.rights.verification import REQUESTER, check_code

router = APIRouter(tags=["public"], route_class=TokenFirstRoute)

_TYPES = [
    (RequestType.ACCESS, "Give me a copy of my data"),
    (RequestType.RECTIFICATION, "Correct my data"),
    (RequestType.ERASURE, "Erase my data"),
    (RequestType.RESTRICTION, "Restrict how my data is used"),
    (RequestType.OBJECTION, "Stop using my data (object)"),
    (RequestType.PORTABILITY, "Give me my data in a reusable form"),
    (RequestType.WITHDRAW_CONSENT, "Withdraw my consent"),
    (RequestType.COMPLAINT, "Make a complaint"),
]
FORM_PATH = "/requests/new"
FORM_MAX_BYTES = 8 * 1024
"""The largest form body taken (a filled-in form is well under 1 KiB): `BodyLimit` refuses more."""
_GROUNDS = [
    ("accuracy_contested", "My data is wrong, and I want its use stopped while you check it"),
    ("unlawful_processing_erasure_opposed", "You should not be using it, but do not erase it"),
    ("needed_for_legal_claims", "You no longer need it, but I need it kept for a legal claim"),
    ("objection_pending", "I have objected, and want its use stopped while you decide"),
]
_NOT_RECORDED = "We could not record your request. Please check the form and try again."


def _objections(register: Register) -> list[tuple[str, str]]:
    """What a person may object to: direct marketing, or a use on legitimate interests."""
    weighed = [
        (f"{LEGITIMATE_INTERESTS}:{p.key}", p.activity)
        for p in register.purposes
        if p.lawful_basis is LawfulBasis.LEGITIMATE_INTERESTS
    ]
    return [(DIRECT_MARKETING, "Marketing sent to me"), *weighed]


def _render(
    register: Register,
    request: Request,
    *,
    status: int = 200,
    retry_after: int | None = None,
    **values: Any,
) -> HTMLResponse:
    authority = register.contacts.supervisory_authority
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return render_page(
        "request_form.html.j2",
        request=request,
        status=status,
        headers=headers,
        organisation=register.organisation.name,
        types=[(t.value, label) for t, label in _TYPES],
        grounds=_GROUNDS,
        objections=_objections(register),
        ico_name=authority.name,
        ico_url=authority.complaint_url,
        **values,
    )


@router.get(FORM_PATH, response_class=HTMLResponse, summary="The public request form")
def form(request: Request, register: RegisterDep) -> HTMLResponse:
    return _render(register, request)


FORM_BODY = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {
            "schema": {
                "type": "object",
                "required": ["type"],
                "properties": {
                    "type": {"type": "string", "enum": [t.value for t, _ in _TYPES]},
                    "email": {"type": "string", "description": "Where we answer"},
                    "name": {"type": "string"},
                    "representative": {
                        "type": "string",
                        "enum": ["yes"],
                        "description": "Sent for someone else",
                    },
                    "ground": {
                        "type": "string",
                        "enum": [g for g, _ in _GROUNDS],
                        "description": "A restriction's ground",
                    },
                    "objection": {
                        "type": "string",
                        "description": "What an objection is to: direct_marketing, or "
                        "legitimate_interests:<purpose>",
                    },
                },
            }
        }
    },
}
"""The form's fields, as the page sends them, for the OpenAPI document."""


@router.post(
    FORM_PATH,
    response_class=HTMLResponse,
    summary="Send the request form",
    openapi_extra={"requestBody": FORM_BODY},
)
async def submit(request: Request, container: ContainerDep, register: RegisterDep) -> HTMLResponse:
    if from_elsewhere(request, container.settings.public_url):
        return _render(
            register,
            request,
            error="This form can only be sent from our own page. Open it here and try again.",
            status=403,
        )
    limiter: RateLimiter = request.app.state.form_limiter
    wait = limiter.hit(client_key(request.client.host if request.client else None))
    if wait is not None:
        return _render(
            register,
            request,
            error="Too many requests have come from your connection. Please try again later.",
            status=429,
            retry_after=max(1, math.ceil(wait.total_seconds())),
        )
    body = await request.body()  # at most FORM_MAX_BYTES: `BodyLimit` saw to it
    fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
    try:
        kind = RequestType(fields.get("type", ""))
    except ValueError:
        return _render(register, request, error="Choose what you would like us to do.", status=422)
    ctx = container.use_case(PUBLIC, register)
    try:
        view = receive_public_request(
            ctx,
            NewRequest(
                type=kind,
                received=uk_date(container.clock.now()),
                channel="portal",
                contact_email=fields.get("email") or None,
                contact_name=(fields.get("name") or "")[:200] or None,
                representative=fields.get("representative") == "yes",
                scope=_scope(kind, fields),
            ),
            repeat_window_days=container.settings.repeat_window_days,
        )
    except DatawardError as error:
        return _render(register, request, error=_refusal(kind, fields, error), status=422)
    return _render(
        register,
        request,
        done=True,
        reference=str(view.request.id),
        gpc=sends_gpc(request),
        due=f"{view.due.day} {view.due:%B %Y}",
        status=201,
    )


def _refusal(kind: RequestType, fields: dict[str, str], error: DatawardError) -> str:
    """What to put right, in fixed words: the error's own text may quote what was typed."""
    if isinstance(error, InvalidIdentifier):
        return "That e-mail address does not look right."
    if not isinstance(error, RequestRefused):
        return _NOT_RECORDED
    if not fields.get("email"):
        return "Give us your e-mail address, so that we can answer you."
    if kind is RequestType.RESTRICTION:
        return "Choose why its use should be restricted."
    if kind is RequestType.OBJECTION:
        return "Choose what you object to."
    return _NOT_RECORDED


def _scope(kind: RequestType, fields: dict[str, str]) -> str | None:
    if kind is RequestType.RESTRICTION:
        return fields.get("ground") or None
    if kind is RequestType.OBJECTION:
        return fields.get("objection") or None
    return None


class CodeIn(BaseModel):
    code: str = Field(min_length=1, max_length=12)


class CodeOut(BaseModel):
    verified: bool


@router.post(
    "/api/v1/public/requests/{request_id}/verify",
    summary="The requester enters the one-time code sent to them",
)
def verify(request_id: UUID, body: CodeIn, container: ContainerDep) -> CodeOut:
    verified = check_code(container.use_case(REQUESTER), request_id, body.code)
    return CodeOut(verified=verified)
