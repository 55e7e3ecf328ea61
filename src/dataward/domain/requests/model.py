"""A rights request as a fact: what it is, when it came, what stopped its clock, and each
transition it went through. Pure; the rules that move it are in `workflow`, its dates in
`deadlines`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final
from uuid import UUID
from zoneinfo import ZoneInfo

from dataward.domain.calendar import (
    Regime,
    pause_days,
    regime_for,
)
from dataward.domain.requests.terms import (
    FeeGround,
    RefusalGround,
    RequestEvent,
    RequestState,
    RequestType,
)

S, E = RequestState, RequestEvent


TERMINAL: Final = frozenset(
    {S.COMPLETED, S.PARTIALLY_COMPLETED, S.REFUSED, S.WITHDRAWN, S.FORWARDED_TO_CONTROLLER}
)


FORWARD_WITHIN_WORKING_DAYS: Final = 2
"""A request about a tenant's call data goes to its controller within two working days,
unless the processing agreement says otherwise (`RightsRequest.forward_within`)."""


COMPLAINT_ACKNOWLEDGEMENT_DAYS: Final = 30
"""DUAA s.103 (from 19 June 2026): a complaint is acknowledged within 30 days of receipt, at
most; the register may promise fewer."""


COMPLAINT_INVESTIGATION_DAYS: Final = 56
"""The target for a complaint's outcome unless the register sets one: eight weeks from
receipt, the day of receipt the first (DUAA s.103 asks for it "without undue delay")."""


@dataclass(frozen=True, slots=True)
class Pause:
    """A clarification asked (Art. 12A(5)): from the question sent to the answer received."""

    asked: date
    answered: date | None = None


@dataclass(frozen=True, slots=True)
class RightsRequest:
    id: UUID
    type: RequestType
    state: RequestState
    received: date
    channel: str
    """How it came: api, portal, email, post, phone, in_person."""
    tenant_id: str | None = None
    """Set when the request is about a tenant's call data: we are its processor."""
    subject_id: UUID | None = None
    identity_received: date | None = None
    authority_received: date | None = None
    fee_paid: date | None = None
    fee_ground: FeeGround | None = None
    pauses: tuple[Pause, ...] = ()
    extension_notice: date | None = None
    refusal_ground: RefusalGround | None = None
    updated_at: datetime | None = None
    representative: bool = False
    """Made by someone acting for the subject: nothing starts before their authority is
    proved (`authority_received`), and the clock runs from that proof."""
    scope: str | None = None
    """What exactly is asked, where the right needs it: a restriction's ground (Art. 18(1)),
    an objection's target (`direct_marketing`, or `legitimate_interests:<purpose>`)."""
    forward_within: int = FORWARD_WITHIN_WORKING_DAYS
    """Working days to forward a request about a tenant's call data to its controller (the
    processing agreement's figure, fixed when the request is received)."""
    fee_pence: int | None = None
    """The fee asked with `fee_ground`, in whole pence (`domain.requests.fees`)."""
    fixed_due: date | None = None
    """The due date as it stood when the request was already late and something was asked
    of the requester (identity, a fee, a clarification), or a proof of authority nobody had
    asked for came: nothing it waits for afterwards moves the date on."""
    days_late: int | None = None
    """Refused or completed after its due date: by how many calendar days."""
    acknowledged: date | None = None
    """A complaint's acknowledgement: the day its letter was queued, or the day staff
    started to investigate it (having acknowledged it by the route it came)."""
    by_controller: bool = False
    """About a tenant's call data and recorded by the tenant's own administrator: already with
    its controller, who answers it, so it is due to be answered, not forwarded."""
    acknowledge_within: int = COMPLAINT_ACKNOWLEDGEMENT_DAYS
    """A complaint: days from receipt, the day of receipt the first, to acknowledge it by (the
    register's figure, fixed when it is received; DUAA s.103 allows 30 at most)."""
    investigate_within: int = COMPLAINT_INVESTIGATION_DAYS
    """A complaint: days from receipt to the target for its outcome (the register's figure,
    fixed when it is received)."""

    @property
    def closed(self) -> bool:
        return self.state in TERMINAL

    @property
    def regime(self) -> Regime:
        return regime_for(self.received)

    @property
    def paused_days(self) -> int:
        return sum(pause_days(p.asked, p.answered) for p in self.pauses if p.answered)


@dataclass(frozen=True, slots=True)
class Transition:
    """One recorded change of state: the event, from and to, when, by whom, and why."""

    request_id: UUID
    event: RequestEvent
    from_state: RequestState
    to_state: RequestState
    at: datetime
    actor: str
    reason: str | None = None
    days_late: int | None = None
    """A refusal or completion after the due date: by how many calendar days."""


UK: Final = ZoneInfo("Europe/London")
"""Whose calendar days the law counts: a time from the clock (UTC) is a UK date first."""


def uk_date(at: datetime) -> date:
    """The UK calendar date of an instant from the clock: "today" for a request. Never
    `at.date()`, the UTC date, which is a day behind from 23:00 to midnight in summer."""
    if at.tzinfo is None:
        raise ValueError("uk_date needs an aware time from the clock")
    return at.astimezone(UK).date()
