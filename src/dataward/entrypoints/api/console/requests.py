"""The console's rights requests: the queue with its filters, a request's page, and intake.

The queue and the page are `services.rights.requests.request_queue` and `request_timeline`,
as `dataward requests queue|show` and the API's requests routes read them: a tenant's
administrator sees its own tenant's requests, and another tenant's request is the page's 404.
The forms that move a request on are in `console.request_actions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from dataward.domain.errors import DatawardError, InvalidValue
from dataward.domain.identifiers import IdentifierType
from dataward.domain.requests.fees import pounds
from dataward.domain.requests.workflow import (
    UK,
    AuthorityProof,
    DueFor,
    FeeGround,
    RefusalGround,
    RequestType,
    Urgency,
    due_for,
    urgency,
)
from dataward.entrypoints.api.console.fields import (
    a_day,
    a_key,
    a_tenant,
    an_id,
    maybe_one_of,
    one_of,
    some_text,
)
from dataward.entrypoints.api.console.web import (
    ConsoleFormDep,
    ConsoleReadingDep,
    ConsoleRoute,
    ConsoleUseCaseDep,
    ConsoleUser,
    ConsoleUserDep,
    console_page,
    see_other,
)
from dataward.entrypoints.api.deps import ContainerDep
from dataward.entrypoints.api.errors import status_for
from dataward.entrypoints.views.request_page import allowed_actions, urgency_words, words
from dataward.services.context import UseCase
from dataward.services.rights import intake
from dataward.services.rights.complaints import complaint_outcome
from dataward.services.rights.requests import RequestView, request_queue, request_timeline

router = APIRouter(tags=["console"], route_class=ConsoleRoute, include_in_schema=False)

QUEUE = "/console/requests"
STATES = ("open", "closed", "all")

FLASHES = {
    "recorded": "The request is recorded and its acknowledgement queued.",
    "moved": "Done: the request moved on.",
    "fulfilled": "Done: the request was carried out and completed.",
    "forwarded": "Done: the request went to the tenant's controller, and the requester is told.",
    "instructed": "Done: your instruction was carried out and recorded.",
    "code": "A one-time code is on its way to the requester.",
}
"""The status line a form's redirect asks for (`?done=...`): fixed words, nothing echoed."""

DUE_WORDS = {
    DueFor.ANSWER: "the answer",
    DueFor.FORWARDING: "forwarding to the tenant",
    DueFor.ACKNOWLEDGEMENT: "acknowledging the complaint",
    DueFor.OUTCOME_TARGET: "the complaint's outcome (target)",
}


@dataclass(frozen=True, slots=True)
class QueueFilter:
    state: str = "open"
    type: RequestType | None = None
    due: Urgency | None = None
    tenant: str | None = None


def _filter(request: Request) -> QueueFilter:
    query = request.query_params
    state = query.get("state", "open") or "open"
    if state not in STATES:
        raise InvalidValue("state", "one of " + ", ".join(STATES))
    return QueueFilter(
        state=state,
        type=maybe_one_of(query.get("type", ""), RequestType, "type"),
        due=maybe_one_of(query.get("due", ""), Urgency, "due"),
        tenant=a_tenant(query.get("tenant", ""), "tenant"),
    )


def _today(ctx: UseCase) -> date:
    return ctx.clock.now().astimezone(UK).date()


def _shown(views: list[RequestView], chosen: QueueFilter, today: date) -> list[RequestView]:
    kept = []
    for view in views:
        r = view.request
        if chosen.state == "closed" and not r.closed:
            continue
        if chosen.type is not None and r.type is not chosen.type:
            continue
        if chosen.due is not None and urgency(r, view.due, today) is not chosen.due:
            continue
        if chosen.tenant is not None and r.tenant_id != chosen.tenant:
            continue
        kept.append(view)
    return kept


@router.get(QUEUE, response_class=HTMLResponse)
def queue_page(request: Request, user: ConsoleUserDep, reading: ConsoleReadingDep) -> HTMLResponse:
    try:
        chosen = _filter(request)
    except InvalidValue:
        request_queue(reading)  # a role without requests is refused before a bad filter is
        raise
    views = request_queue(reading, include_closed=chosen.state != "open")
    today = _today(reading)
    tenants = sorted({v.request.tenant_id for v in views if v.request.tenant_id})
    return console_page(
        request,
        user,
        "requests.html.j2",
        chosen=chosen,
        rows=_shown(views, chosen, today),
        today=today,
        tenants=tenants if user.actor.tenant_id is None else [],
        types=list(RequestType),
        urgency_words=urgency_words,
        words=words,
    )


@router.get(QUEUE + "/new", response_class=HTMLResponse)
def intake_page(request: Request, user: ConsoleUserDep, reading: ConsoleReadingDep) -> HTMLResponse:
    request_queue(reading)  # the same refusal as the queue's for a role without requests
    return _intake_form(request, user, reading)


def _intake_form(
    request: Request, user: ConsoleUserDep, reading: UseCase, status: int = 200
) -> HTMLResponse:
    return console_page(
        request,
        user,
        "request_new.html.j2",
        status=status,
        types=list(RequestType),
        channels=[c for c in intake.CHANNELS if c not in ("api", "portal")],
        today=_today(reading),
        words=words,
    )


@router.post(QUEUE + "/new")
def intake_post(
    container: ContainerDep, form: ConsoleFormDep, ctx: ConsoleUseCaseDep, user: ConsoleUserDep
) -> RedirectResponse:
    received = a_day(form.get("received"), "received")
    if received is None:
        received = _today(ctx)
    tenant = a_tenant(form.get("tenant"), "tenant")
    command = intake.NewRequest(
        type=one_of(form.get("type"), RequestType, "type"),
        received=received,
        channel=_channel(form.get("channel")),
        tenant_id=user.actor.tenant_id or tenant,
        subject_id=an_id(form.get("subject"), "subject") if form.get("subject").strip() else None,
        contact_email=some_text(form.get("email"), "email", 254),
        contact_name=some_text(form.get("name"), "name", 200),
        representative=form.get("representative") == "yes",
        scope=a_key(form.get("scope"), "scope"),
    )
    view = intake.receive_request(
        ctx,
        command,
        repeat_window_days=container.settings.repeat_window_days,
        forward_within=container.settings.forward_working_days,
    )
    return see_other(f"{QUEUE}/{view.request.id}?done=recorded")


def _channel(value: str) -> str:
    if value not in intake.CHANNELS:
        raise InvalidValue("channel", "one of " + ", ".join(intake.CHANNELS))
    return value


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who looks at a page: the browser's request and the signed-in user."""

    request: Request
    user: ConsoleUser


def viewer(request: Request, user: ConsoleUserDep) -> Viewer:
    return Viewer(request, user)


ViewerDep = Annotated[Viewer, Depends(viewer)]


@router.get(QUEUE + "/{request_id}", response_class=HTMLResponse)
def request_page(request_id: str, seen_by: ViewerDep, ctx: ConsoleUseCaseDep) -> HTMLResponse:
    flash = FLASHES.get(seen_by.request.query_params.get("done", ""))
    return show_request(seen_by, ctx, an_id(request_id, "request"), flash=flash)


def show_request(
    seen_by: Viewer,
    ctx: UseCase,
    request_id: UUID,
    *,
    flash: str | None = None,
    refused: DatawardError | None = None,
) -> HTMLResponse:
    """The request's page; after a form the services refused, with their reason (in the
    status their refusal has)."""
    container = seen_by.request.app.state.container
    reading = container.use_case(ctx.actor, ctx.register, read_only=True)
    view, events, letters = request_timeline(reading, request_id)
    r = view.request
    # opening a complaint's outcome is audited: the writing use case
    answered = complaint_outcome(ctx, r.id) if r.type is RequestType.COMPLAINT else None
    today = _today(reading)
    return console_page(
        seen_by.request,
        seen_by.user,
        "request.html.j2",
        status=status_for(refused) if refused is not None else 200,
        flash=flash,
        refused=str(refused) if refused is not None else None,
        view=view,
        r=r,
        events=events,
        letters=letters,
        answered=answered,
        actions=allowed_actions(r, seen_by.user.actor),
        due_words=DUE_WORDS[due_for(r)],
        marked=urgency_words(r, view.due, today) if not r.closed else "",
        fee=pounds(r.fee_pence) if r.fee_pence else None,
        words=words,
        today=today,
        proofs=list(AuthorityProof),
        fee_grounds=list(FeeGround),
        refusal_grounds=list(RefusalGround),
        id_kinds=list(IdentifierType),
    )
