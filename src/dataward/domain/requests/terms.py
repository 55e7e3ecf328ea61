"""The words of the rights-request workflow: the kinds of request, their states and events,
the grounds a fee, a refusal or a representative's authority rests on, and the refusal every
rule raises. Pure: no I/O. `domain.requests.workflow` builds the state machine from them and
re-exports them, so callers import from there.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from dataward.domain.errors import DatawardError


class RequestType(StrEnum):
    ACCESS = "access"
    RECTIFICATION = "rectification"
    ERASURE = "erasure"
    RESTRICTION = "restriction"
    OBJECTION = "objection"
    PORTABILITY = "portability"
    WITHDRAW_CONSENT = "withdraw_consent"
    COMPLAINT = "complaint"


class RequestState(StrEnum):
    RECEIVED = "received"
    AWAITING_IDENTITY = "awaiting_identity"
    AWAITING_FEE = "awaiting_fee"
    AWAITING_CLARIFICATION = "awaiting_clarification"
    IN_PROGRESS = "in_progress"
    EXTENDED = "extended"
    COMPLETED = "completed"
    PARTIALLY_COMPLETED = "partially_completed"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    FORWARDED_TO_CONTROLLER = "forwarded_to_controller"


class RequestEvent(StrEnum):
    RECEIVE = "receive"  # the request's first record (`receive`), never a transition
    ASK_IDENTITY = "ask_identity"
    IDENTITY_VERIFIED = "identity_verified"
    ASK_FEE = "ask_fee"
    FEE_PAID = "fee_paid"
    START = "start"
    ASK_CLARIFICATION = "ask_clarification"
    CLARIFIED = "clarified"
    EXTEND = "extend"
    COMPLETE = "complete"
    COMPLETE_PARTIALLY = "complete_partially"
    REFUSE = "refuse"
    WITHDRAW = "withdraw"
    FORWARD = "forward"
    AUTHORITY_RECEIVED = "authority_received"  # a representative's proof of authority came


class FeeGround(StrEnum):
    """Art. 12(5) and 15(3): the only grounds on which a fee may be charged."""

    MANIFESTLY_UNFOUNDED = "manifestly_unfounded"
    MANIFESTLY_EXCESSIVE = "manifestly_excessive"  # including repetitive
    FURTHER_COPY = "further_copy"


class RefusalGround(StrEnum):
    """Art. 12(5): a request may be refused only if manifestly unfounded or excessive."""

    MANIFESTLY_UNFOUNDED = "manifestly_unfounded"
    MANIFESTLY_EXCESSIVE = "manifestly_excessive"


class AuthorityProof(StrEnum):
    """What shows that a person acting for the subject may do so (docs/legal-rules.md A1 R1)."""

    WRITTEN_AUTHORITY = "written_authority"  # signed by the subject
    POWER_OF_ATTORNEY = "power_of_attorney"
    PARENTAL_RESPONSIBILITY = "parental_responsibility"
    COURT_DEPUTYSHIP = "court_deputyship"
    SOLICITOR = "solicitor"  # a solicitor's letter stating they act for the subject


Ground = FeeGround | RefusalGround | AuthorityProof


class RequestRefused(DatawardError):
    """A transition the state machine or its rules do not allow; the request is unchanged."""

    code = "request_refused"


_GROUND_OF: Final[Mapping[RequestEvent, type[Ground]]] = MappingProxyType(
    {
        RequestEvent.ASK_FEE: FeeGround,
        RequestEvent.REFUSE: RefusalGround,
        RequestEvent.AUTHORITY_RECEIVED: AuthorityProof,
    }
)


def parse_ground(event: RequestEvent, value: str | None) -> Ground | None:
    """The ground `value` names for `event` (a fee's, a refusal's, a proof of authority);
    `RequestRefused` listing the allowed ones when it is not one, or the event takes none."""
    if value is None:
        return None
    kind = _GROUND_OF.get(event)
    if kind is None:
        raise RequestRefused(f"{event.value} takes no ground")
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(g.value for g in kind)
        raise RequestRefused(f"ground for {event.value}: one of {allowed}") from None
