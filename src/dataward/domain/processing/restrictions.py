"""Restrictions of processing (UK GDPR Art. 18) and objections to it (Art. 21).

A restriction leaves the subject's data stored and nothing more (Art. 18(2)): the gate lets
through only the purposes the register marks `allowed_under_restriction` (storage, legal
claims). It is lifted only after the subject has been told (Art. 18(3)); a planned end date does
not lift it either unless the subject was told by then.

An objection to processing on legitimate interests (Art. 21(1)) stops that purpose once upheld,
unless the DCO records compelling legitimate grounds, with the reasoning. An objection to direct
marketing (Art. 21(2)) is upheld the moment it is made, stops every marketing purpose, and can
never be overridden (Art. 21(3)). Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Final
from uuid import UUID

from dataward.domain.bounds import check_printable
from dataward.domain.errors import ObjectionRefused, RestrictionRefused


class RestrictionGround(StrEnum):
    """Art. 18(1)(a)-(d): why processing is restricted."""

    ACCURACY_CONTESTED = "accuracy_contested"
    UNLAWFUL_PROCESSING_ERASURE_OPPOSED = "unlawful_processing_erasure_opposed"
    NEEDED_FOR_LEGAL_CLAIMS = "needed_for_legal_claims"
    OBJECTION_PENDING = "objection_pending"

    @property
    def article(self) -> str:
        return {
            RestrictionGround.ACCURACY_CONTESTED: "Art. 18(1)(a)",
            RestrictionGround.UNLAWFUL_PROCESSING_ERASURE_OPPOSED: "Art. 18(1)(b)",
            RestrictionGround.NEEDED_FOR_LEGAL_CLAIMS: "Art. 18(1)(c)",
            RestrictionGround.OBJECTION_PENDING: "Art. 18(1)(d)",
        }[self]


KEEP_GROUNDS: Final = frozenset(
    {
        RestrictionGround.NEEDED_FOR_LEGAL_CLAIMS,
        RestrictionGround.UNLAWFUL_PROCESSING_ERASURE_OPPOSED,
    }
)
"""Restrictions that exist to keep the data (for legal claims, or because the person chose
restriction over erasure): while active they keep the subject from every erasure, a
retention sweep's included."""


@dataclass(frozen=True, slots=True)
class Restriction:
    """Processing of a subject's data restricted, for every category (`scope` None) or some.

    Active from `starts_at` until it is lifted, or until `ends_at` when the subject was told
    of that end by then (Art. 18(3)).
    """

    id: UUID
    subject_id: UUID
    scope: frozenset[str] | None
    ground: RestrictionGround
    starts_at: datetime
    ends_at: datetime | None = None
    lifted_at: datetime | None = None
    subject_told_at: datetime | None = None
    request_ref: str | None = None

    def __post_init__(self) -> None:
        for name in ("starts_at", "ends_at", "lifted_at", "subject_told_at"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"restriction {name} needs an aware time")
        if self.scope is not None and not self.scope:
            raise RestrictionRefused("a restriction covers every category or names some")
        if self.ends_at is not None and self.ends_at <= self.starts_at:
            raise RestrictionRefused("a restriction must end after it starts")

    def covers(self, category: str) -> bool:
        return self.scope is None or category in self.scope

    def is_active(self, at: datetime) -> bool:
        if at < self.starts_at:
            return False
        if self.lifted_at is not None and at >= self.lifted_at:
            return False
        if self.ends_at is not None and at >= self.ends_at:
            told = self.subject_told_at
            return told is None or told > self.ends_at
        return True

    def lift(self, at: datetime, subject_told_at: datetime | None) -> Restriction:
        """The restriction lifted at `at`; refused unless the subject was told first (18(3))."""
        if self.lifted_at is not None:
            raise RestrictionRefused(f"restriction {self.id} was already lifted")
        if subject_told_at is None:
            raise RestrictionRefused(
                "tell the subject before lifting a restriction (UK GDPR Art. 18(3))"
            )
        if subject_told_at > at:
            raise RestrictionRefused(
                "the subject must be told before the restriction is lifted (UK GDPR Art. 18(3))"
            )
        return replace(self, lifted_at=at, subject_told_at=subject_told_at)


def active_restrictions(restrictions: Iterable[Restriction], at: datetime) -> list[Restriction]:
    return [r for r in restrictions if r.is_active(at)]


ALL_MARKETING = "*marketing"
"""The purpose of a direct-marketing objection: every purpose the register marks marketing."""


class ObjectionKind(StrEnum):
    LEGITIMATE_INTERESTS = "legitimate_interests"  # Art. 21(1)
    DIRECT_MARKETING = "direct_marketing"  # Art. 21(2)-(3)


class ObjectionOutcome(StrEnum):
    PENDING = "pending"
    UPHELD = "upheld"
    COMPELLING_GROUNDS = "compelling_grounds"


@dataclass(frozen=True, slots=True)
class Objection:
    id: UUID
    subject_id: UUID
    purpose: str
    kind: ObjectionKind
    outcome: ObjectionOutcome
    received_at: datetime
    decided_at: datetime | None = None
    reasoning: str | None = None
    request_ref: str | None = None

    def __post_init__(self) -> None:
        for name in ("received_at", "decided_at"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"objection {name} needs an aware time")
        if self.kind is ObjectionKind.DIRECT_MARKETING:
            if self.purpose != ALL_MARKETING or self.outcome is not ObjectionOutcome.UPHELD:
                raise ObjectionRefused(
                    "a direct-marketing objection covers all marketing and is upheld at once"
                )
        elif self.purpose == ALL_MARKETING:
            raise ObjectionRefused("an objection on legitimate interests names one purpose")
        if (
            self.outcome is ObjectionOutcome.COMPELLING_GROUNDS
            and not (self.reasoning or "").strip()
        ):
            raise ObjectionRefused("compelling legitimate grounds need their reasoning recorded")
        if self.outcome is not ObjectionOutcome.PENDING and self.decided_at is None:
            raise ObjectionRefused("a decided objection needs the time of its decision")

    @classmethod
    def to_legitimate_interests(
        cls,
        id: UUID,  # noqa: A002 - the objection's id
        subject_id: UUID,
        purpose: str,
        received_at: datetime,
        request_ref: str | None = None,
    ) -> Objection:
        """An Art. 21(1) objection to one purpose, pending the DCO's decision."""
        return cls(
            id,
            subject_id,
            purpose,
            ObjectionKind.LEGITIMATE_INTERESTS,
            ObjectionOutcome.PENDING,
            received_at,
            request_ref=request_ref,
        )

    @classmethod
    def to_direct_marketing(
        cls,
        id: UUID,  # noqa: A002 - the objection's id
        subject_id: UUID,
        received_at: datetime,
        request_ref: str | None = None,
    ) -> Objection:
        """An Art. 21(2) objection: upheld as it is made, for every marketing purpose."""
        return cls(
            id,
            subject_id,
            ALL_MARKETING,
            ObjectionKind.DIRECT_MARKETING,
            ObjectionOutcome.UPHELD,
            received_at,
            decided_at=received_at,
            reasoning="Art. 21(3): processing for direct marketing stops on objection",
            request_ref=request_ref,
        )

    def upheld_at(self, at: datetime) -> bool:
        """Whether this objection stops processing at `at`."""
        return (
            self.outcome is ObjectionOutcome.UPHELD
            and self.decided_at is not None
            and self.decided_at <= at
        )

    def decide(self, outcome: ObjectionOutcome, reasoning: str | None, at: datetime) -> Objection:
        """The DCO's decision on a pending objection to legitimate interests."""
        if self.kind is ObjectionKind.DIRECT_MARKETING:
            raise ObjectionRefused(
                "an objection to direct marketing cannot be overridden (UK GDPR Art. 21(3))"
            )
        if self.outcome is not ObjectionOutcome.PENDING:
            raise ObjectionRefused(f"objection {self.id} was already decided ({self.outcome})")
        if outcome is ObjectionOutcome.PENDING:
            raise ObjectionRefused("a decision upholds the objection or records compelling grounds")
        if at < self.received_at:
            raise ObjectionRefused("an objection cannot be decided before it was received")
        text = reasoning.strip() if reasoning else None
        check_printable("reasoning", text)  # shown to staff and quoted in the person's letter
        return replace(self, outcome=outcome, reasoning=text, decided_at=at)
