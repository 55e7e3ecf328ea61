"""Litigation holds: a subject's data kept from erasure while a claim, an enquiry or an
investigation needs it (UK GDPR Art. 17(3)(b) and (e)), until the hold is lifted.

A hold is placed by a role with the `manage_holds` action, on one subject, on a ground from a
closed set, with a review date: it keeps the subject from every erasure (a shred, an erasure
request, a tenant's instruction, a retention sweep) until someone lifts it, and it is flagged
once its review date has passed, so no hold outlives its reason unnoticed. Its reason is free
text that may name the person or the claim: it is sealed under the subject's key, never stored
or logged in the clear, and goes with the subject's key when the subject is erased.

A tenant's caller is the tenant's (we are its processor, Art. 28(3)(a)): its holds are the
tenant administrator's to place and lift. Our own staff may hold one only on
`regulatory_investigation`, a requirement of law on us to keep it (Art. 28(3)(g)); such a hold
(`ours`) is ours to lift, and the tenant's holds are the tenant's (`held_by`).

Dates are UK calendar dates ("today" is `uk_date` of the clock). Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Final
from uuid import UUID

from dataward.domain.bounds import check_day, check_printable
from dataward.domain.errors import ActionNotAllowed, DatawardError, InvalidValue, OutOfRange

MAX_REASON: Final = 1000
"""Characters a hold's reason may have: enough for a case reference and a sentence or two."""


class HoldGround(StrEnum):
    """Why data is kept from erasure (the register's hold kinds a person can place)."""

    LEGAL_CLAIMS = "legal_claims"  # Art. 17(3)(e): a claim made, threatened or expected
    TAX_ENQUIRY = "tax_enquiry"  # Art. 17(3)(b): an HMRC enquiry or compliance check
    REGULATORY_INVESTIGATION = "regulatory_investigation"  # Art. 17(3)(b): a regulator asks


class HoldFlag(StrEnum):
    """What the list shows of an active hold's review date."""

    REVIEW_TODAY = "review_today"
    REVIEW_OVERDUE = "review_overdue"


class HoldRefused(DatawardError):
    """A hold cannot be placed, reviewed or lifted in the state things are in."""

    code = "hold_refused"


class SubjectHeld(DatawardError):
    """An erasure refused because a litigation hold keeps the subject; names the hold."""

    code = "subject_held"

    def __init__(self, holds: tuple[LitigationHold, ...]) -> None:
        self.holds = holds
        named = "; ".join(hold.describe() for hold in holds)
        super().__init__(
            f"a litigation hold keeps this subject from erasure ({named}): lift it first"
        )


@dataclass(frozen=True, slots=True)
class LitigationHold:
    id: UUID
    subject_id: UUID
    tenant_id: str | None
    ground: HoldGround
    review_on: date
    placed_at: datetime
    placed_by: str
    reason: bytes = field(repr=False)
    """Sealed under the subject's key."""
    lifted_at: datetime | None = None
    lifted_by: str | None = None
    ours: bool = False
    """On a tenant's caller, placed by our own staff (as the law requires of us): only our
    staff lift it; a hold the tenant placed only the tenant does."""

    @property
    def active(self) -> bool:
        return self.lifted_at is None

    def flag(self, today: date) -> HoldFlag | None:
        """An active hold whose review date has come (`today` is a UK date)."""
        if not self.active or self.review_on > today:
            return None
        return HoldFlag.REVIEW_TODAY if self.review_on == today else HoldFlag.REVIEW_OVERDUE

    def describe(self) -> str:
        """The hold in words for a refusal or a list: id, ground, review date; never the reason."""
        return f"hold {self.id}, {self.ground.value}, review by {self.review_on.isoformat()}"


OURS_ON_A_TENANTS_CALLER: Final = frozenset({HoldGround.REGULATORY_INVESTIGATION})
"""The grounds on which our own staff may hold a tenant's caller: a requirement of law on us
(Art. 28(3)(g)). A claim or an enquiry about the tenant's callers is the tenant's to act on."""


class HoldIsTheControllers(ActionNotAllowed):
    """Our staff tried to place or lift what only the tenant, the controller, may (or the
    tenant what the law requires of us)."""

    code = "controller_instruction_required"

    def __init__(self, why: str) -> None:
        super().__init__("manage_holds", why)


def held_by(actor_tenant: str | None, subject_tenant: str | None, ground: HoldGround) -> bool:
    """Whether a hold placed now is `ours` (our staff on a tenant's caller); refused when our
    staff would hold a tenant's caller on a ground that is the tenant's to decide."""
    if subject_tenant is None or actor_tenant == subject_tenant:
        return False
    if ground not in OURS_ON_A_TENANTS_CALLER:
        raise HoldIsTheControllers(
            "a customer's caller is held by the customer (its administrator), the controller; "
            "our staff hold one only when the law requires us to keep it "
            "(regulatory_investigation, UK GDPR Art. 28(3)(g))"
        )
    return True


def check_lifter(actor_tenant: str | None, hold: LitigationHold) -> None:
    """A hold on a tenant's caller is reviewed and lifted by whoever holds it: our staff
    theirs, the tenant its own."""
    if hold.tenant_id is None:
        return
    if hold.ours and actor_tenant is not None:
        raise HoldIsTheControllers("this hold is kept as the law requires of us: we lift it")
    if not hold.ours and actor_tenant != hold.tenant_id:
        raise HoldIsTheControllers(
            "the customer placed this hold, as the controller: its administrator lifts it"
        )


def parse_ground(value: HoldGround | str) -> HoldGround:
    """A ground from the closed set; refused by listing the set, never by repeating it."""
    try:
        return HoldGround(value)
    except ValueError:
        allowed = ", ".join(g.value for g in HoldGround)
        raise InvalidValue("ground", f"one of {allowed}") from None


def check_review(review_on: date, today: date) -> None:
    """A review date is a real date after today: a hold is placed to be looked at again."""
    check_day("review_on", review_on)
    if review_on <= today:
        raise OutOfRange("review_on", f"a date after today ({today.isoformat()})")


def check_reason(reason: str) -> str:
    """The reason, stripped: from 1 to `MAX_REASON` characters, never repeated in an error."""
    text = reason.strip()
    if not text or len(text) > MAX_REASON:
        raise InvalidValue("reason", f"from 1 to {MAX_REASON} characters")
    check_printable("reason", text)
    return text
