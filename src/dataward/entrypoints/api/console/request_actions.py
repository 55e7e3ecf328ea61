"""The forms that move a rights request on: `POST /console/requests/{id}/{action}`.

Each is the use case the API's and the CLI's same action calls (`services.rights.requests.
advance` with its `Step`, `dispatch.carry_out` to fulfil, `processor.forward_to_controller`
and `carry_out_instruction`, `complaints.complete_complaint`, `verification.send_code`); the
services refuse what the role or the state does not allow, and the page shows their refusal.
Whether the role may work the request at all is asked before the form's values are read, so
a role without the action, or a request of another tenant, is refused the same whatever the
form carries.
After a form, the browser goes back to the request's page with a status line; a form the
services refused shows the request's page again with their reason, in the refusal's status.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from dataward.bootstrap import Container
from dataward.domain.errors import ActionNotAllowed, DatawardError, InvalidValue, NotFound
from dataward.domain.identifiers import IdentifierType
from dataward.domain.processing.restrictions import ObjectionOutcome
from dataward.domain.requests.fees import parse_pounds
from dataward.domain.requests.workflow import (
    AuthorityProof,
    FeeGround,
    RefusalGround,
    RequestEvent,
)
from dataward.entrypoints.api.console.fields import (
    a_day,
    a_key,
    an_id,
    maybe_one_of,
    one_of,
    some_text,
)
from dataward.entrypoints.api.console.requests import QUEUE, ViewerDep, show_request
from dataward.entrypoints.api.console.web import (
    ConsoleFormDep,
    ConsoleRoute,
    ConsoleUseCaseDep,
    Form,
    see_other,
)
from dataward.entrypoints.views.request_page import BY_SLUG
from dataward.services.context import UseCase
from dataward.services.rights import requests as service
from dataward.services.rights.complaints import ComplaintOutcome, complete_complaint
from dataward.services.rights.dispatch import HowToCarryOut, carry_out
from dataward.services.rights.processor import (
    Instruction,
    carry_out_instruction,
    forward_to_controller,
)
from dataward.services.rights.verification import send_code

router = APIRouter(tags=["console"], route_class=ConsoleRoute, include_in_schema=False)

REASON = 500
LONG_TEXT = 2000


@dataclass(frozen=True, slots=True)
class Sent:
    """A form sent for one request, with what its handler needs."""

    ctx: UseCase
    request_id: UUID
    form: Form
    container: Container

    def step(self, event: RequestEvent, **carried: Any) -> str:
        """Move the request on by `event`, with what the form carried."""
        within = self.container.settings.identity_within_working_days
        step = service.Step(event, identity_within=within, **carried)
        service.advance(self.ctx, self.request_id, step)
        return "moved"


Handler = Callable[[Sent], str]


@router.post(QUEUE + "/{request_id}/{action}", response_model=None)
def act(
    request_id: str,
    action: str,
    form: ConsoleFormDep,
    ctx: ConsoleUseCaseDep,
    seen_by: ViewerDep,
) -> Response:
    handler = HANDLERS.get(action)
    if handler is None:
        raise NotFound("action", "-")
    found = an_id(request_id, "request")
    service.request_timeline(ctx, found)  # the role and the tenant first: 403 or 404
    container = seen_by.request.app.state.container
    try:
        done = handler(Sent(ctx, found, form, container))
    except (NotFound, ActionNotAllowed):
        raise  # the console's 404 and 403 pages
    except DatawardError as refused:  # the request's page again, saying why not
        return show_request(seen_by, ctx, found, refused=refused)
    return see_other(f"{QUEUE}/{found}?done={done}")


def _event(slug: str) -> Handler:
    """A plain event: its reason and the day it happened, where the event takes them."""
    event = BY_SLUG[slug].event or RequestEvent.RECEIVE

    def handle(sent: Sent) -> str:
        form = sent.form
        on = a_day(form.get("on"), "on") if event in _DATED else None
        return sent.step(event, reason=some_text(form.get("reason"), "reason", REASON), on=on)

    return handle


_DATED = frozenset({RequestEvent.IDENTITY_VERIFIED, RequestEvent.FEE_PAID, RequestEvent.CLARIFIED})


def _ask_fee(sent: Sent) -> str:
    form = sent.form
    amount = form.get("amount").strip()
    return sent.step(
        RequestEvent.ASK_FEE,
        ground=one_of(form.get("ground"), FeeGround, "ground"),
        reason=some_text(form.get("reason"), "reason", REASON),
        fee_pence=parse_pounds(amount) if amount else None,
    )


def _refuse(sent: Sent) -> str:
    form = sent.form
    return sent.step(
        RequestEvent.REFUSE,
        ground=one_of(form.get("ground"), RefusalGround, "ground"),
        reason=some_text(form.get("reason"), "reason", REASON),
    )


def _authority(sent: Sent) -> str:
    form = sent.form
    return sent.step(
        RequestEvent.AUTHORITY_RECEIVED,
        ground=one_of(form.get("ground"), AuthorityProof, "ground"),
        reason=some_text(form.get("reason"), "reason", REASON),
        on=a_day(form.get("on"), "on"),
    )


def _fulfil(sent: Sent) -> str:
    form = sent.form
    kind = maybe_one_of(form.get("kind"), IdentifierType, "kind")
    value = some_text(form.get("value"), "value", 320)
    if (kind is None) != (value is None):
        raise InvalidValue("value", "a correction needs both its kind and its new value")
    how = HowToCarryOut(
        delivery=sent.container.delivery(),
        notice_version=some_text(form.get("notice_version"), "notice_version", 40),
        last_transaction=a_day(form.get("last_transaction"), "last_transaction"),
        corrections=[(kind.value, value)] if kind is not None and value is not None else [],
        statement=some_text(form.get("statement"), "statement", LONG_TEXT),
        decision=maybe_one_of(form.get("decision"), ObjectionOutcome, "decision"),
        reasoning=some_text(form.get("reasoning"), "reasoning", REASON),
    )
    carry_out(sent.ctx, sent.request_id, how)
    return "fulfilled"


def _complete(sent: Sent) -> str:
    form = sent.form
    outcome = ComplaintOutcome(
        found=some_text(form.get("found"), "found", LONG_TEXT) or "",
        done=some_text(form.get("done"), "done", LONG_TEXT) or "",
    )
    complete_complaint(sent.ctx, sent.request_id, outcome)
    return "moved"


def _forward(sent: Sent) -> str:
    forward_to_controller(sent.ctx, sent.request_id)
    return "forwarded"


def _instruct(sent: Sent) -> str:
    form = sent.form
    subject = a_key(form.get("subject"), "subject")
    carry_out_instruction(
        sent.ctx,
        sent.request_id,
        one_of(form.get("kind"), Instruction, "kind"),
        subject_id=an_id(subject, "subject") if subject else None,
    )
    return "instructed"


def _send_code(sent: Sent) -> str:
    send_code(sent.ctx, sent.request_id)
    return "code"


HANDLERS: dict[str, Handler] = {
    **{
        slug: _event(slug)
        for slug in (
            "ask-identity",
            "verify-identity",
            "fee-paid",
            "start",
            "clarify",
            "clarified",
            "extend",
            "withdraw",
        )
    },
    "ask-fee": _ask_fee,
    "refuse": _refuse,
    "authority": _authority,
    "fulfil": _fulfil,
    "complete": _complete,
    "forward": _forward,
    "instruct": _instruct,
    "send-code": _send_code,
}
"""Each action's form, by the last part of its address (`views.request_page.ACTIONS`)."""
