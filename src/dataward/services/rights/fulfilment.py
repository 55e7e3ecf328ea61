"""Carrying out what a rights request asks, end to end, and closing it with the outcome.

Each right checks the same preconditions: the request is being worked (in progress or
extended), is about a subject, and that subject's identity was verified (a code sent to
their address, or evidence staff recorded). The action goes through the same services as
any other door (consents here), and the request is completed in the same pass, with its
completion letter queued.

Withdrawal of consent (Art. 7(3)): every purpose and channel whose consent currently stands
is withdrawn at once, effective from now and not backwards.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, is_dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from dataward.domain.processing.consent import ConsentMethod, ConsentState, current_consents
from dataward.domain.requests.workflow import (
    RequestEvent,
    RequestRefused,
    RequestState,
    RequestType,
    RightsRequest,
)
from dataward.services.context import UseCase
from dataward.services.processing.consent import WithdrawConsent, withdraw_consent
from dataward.services.rights.requests import Step, advance, visible_request

WORKING = (RequestState.IN_PROGRESS, RequestState.EXTENDED)


def as_outcome(result: object) -> dict[str, Any]:
    """A right's result (a dataclass of counts, kinds, dates, references) as the JSON object
    stored on its request: dates in ISO form, enums by value, ids as text."""
    if not is_dataclass(result) or isinstance(result, type):
        raise TypeError("as_outcome takes a dataclass instance")
    return dict(json.loads(json.dumps(asdict(result), default=_plain)))


def _plain(value: object) -> object:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, UUID | set | frozenset):
        return sorted(value) if isinstance(value, set | frozenset) else str(value)
    raise TypeError(f"no outcome form for {type(value).__name__}")


@dataclass(frozen=True, slots=True)
class Withdrawn:
    request_id: UUID
    withdrawn: list[tuple[str, str | None]]
    """(purpose, channel) of every consent withdrawn."""


def working_request(
    ctx: UseCase, request_id: UUID | str, expected: RequestType
) -> tuple[RightsRequest, UUID]:
    """The request and its subject's id, if it may be carried out now: of the `expected`
    type, being worked (in progress or extended), about a known subject whose identity is
    verified. Call inside the unit of work; raises `RequestRefused` naming what is missing,
    before anything is done. Another tenant's request is not found; a request about a
    tenant's call data is carried out only by that tenant (we are its processor: our staff
    forward it, and act on the tenant's instruction, `services.rights.processor`)."""
    actor = ctx.actor
    request = visible_request(ctx.uow, ctx.register, actor, request_id)[0]
    if request.tenant_id is not None and actor.tenant_id != request.tenant_id:
        raise RequestRefused(
            "a request about a tenant's call data is answered by the tenant, its controller: "
            "forward it"
        )
    if request.type is not expected:
        raise RequestRefused(f"this is a {request.type.value} request, not {expected.value}")
    if request.state not in WORKING:
        raise RequestRefused("start the request before carrying it out")
    if request.subject_id is None:
        raise RequestRefused("the request is about no known subject: match or name one")
    if request.identity_received is None:
        raise RequestRefused("the requester's identity is not verified yet")
    return request, request.subject_id


def fulfil_withdrawal(ctx: UseCase, request_id: UUID | str, notice_version: str) -> Withdrawn:
    """Withdraw every consent the request's subject has given, then complete the request: the
    withdrawals and the completion in one transaction, so none lands without the others."""
    uow, clock = ctx.uow, ctx.clock
    with uow:
        request, subject_id = working_request(ctx, request_id, RequestType.WITHDRAW_CONSENT)
        events = uow.consents.events_for(subject_id)
        standing = [
            key
            for key, state in current_consents(events, as_of=clock.now()).items()
            if state is ConsentState.GIVEN
        ]
        for purpose, channel in sorted(standing, key=lambda k: (k[0], k[1] or "")):
            withdrawal = WithdrawConsent(
                subject_id=subject_id,
                purpose=purpose,
                channel=channel,
                method=ConsentMethod.STAFF,
                notice_version=notice_version,
                evidence_ref=str(request.id),
            )
            withdraw_consent(ctx, withdrawal)
        summary = ", ".join(f"{p}/{c or 'all'}" for p, c in standing) or "no consent was standing"
        withdrawn = [{"purpose": p, "channel": c} for p, c in standing]
        step = Step(
            RequestEvent.COMPLETE,
            reason=f"withdrawn: {summary}"[:500],
            outcome={"withdrawn": withdrawn},
        )
        advance(ctx, request.id, step)
        uow.commit()
    return Withdrawn(request.id, standing)
