"""Our own subjects that no customer record covers, kept once nothing of theirs is left.

Which kinds. A kind of subject is held for the purposes that name it. The purposes the register
lets go on under restriction (secure storage, legal claims, answering the person's own
requests) only serve data held for another purpose: they give no reason of their own to hold
anyone, so they do not decide a kind's rule (`holding_purposes`). The customer-records rule
covers the kinds one of their other purposes keeps under it (`kinds_under`: end users, channel
partners and customer contacts in the shipped register). Our own kinds it does not cover are
contacts (`contact_kinds`: marketing contacts and website visitors); a kind of the processor's
role (a tenant's callers) is the tenant's, under its contract.

When. What we hold of a contact is its records (consent ledgers, rights requests, restrictions,
objections, holds, download links...) and its identity (the subject and its sealed
identifiers). Each record goes under its own rule, and while any is left the subject is kept by
it: a contact with a record has no date. Once none is left, the identity is all there is, and
the only interaction we can still date is the day we came to hold the subject (`created_at`,
its UK day): every record that dated a later one is gone. The identity is then kept for the
longest `last_interaction` term of the rules of the kind's holding purposes (for a marketing
contact, the marketing-preferences rule's P2Y), on exact dates (`add_duration`: two years from
29 February 2024 end on 28 February 2026), through that term's last day, and goes the day
after, as the other rules count. The consent and request terms date records that are gone, and
a collection term dates each log line or analytics event by its own collection, so they do not
decide while a kind has a `last_interaction` term. A kind that has none (a website visitor in
the shipped register, whose rules run from collection only) keeps its identity for the longest
of its rules' `collection` terms, counted from the same day, the day the identity was collected
(P26M, usage analytics'): never for ever. A kind with neither has no date: its subjects wait.
Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from dataward.domain.processing.retention import add_duration_or_last
from dataward.domain.register.model import Purpose, Register, RetentionEvent
from dataward.domain.register.terms import Duration, Role
from dataward.domain.requests.model import uk_date


@dataclass(frozen=True, slots=True)
class Term:
    """One term that dates a contact's identity, with the rule it belongs to and its event
    (`last_interaction`; `collection` where a kind's rules have no such term)."""

    rule: str
    duration: str
    event: str = RetentionEvent.LAST_INTERACTION.value

    def end(self, start: date) -> date:
        return add_duration_or_last(start, Duration.parse(self.duration))


@dataclass(frozen=True, slots=True)
class KindRule:
    """How long a contact of `kind` is kept once nothing of its is left: through the longest
    of `terms` counted from the UK day we came to hold it; no term, no date."""

    kind: str
    terms: tuple[Term, ...]

    def last_day_kept(self, created_at: datetime) -> date | None:
        """The last day the subject is kept, or None while no term can be dated."""
        if not self.terms:
            return None
        start = uk_date(created_at)
        return max(term.end(start) for term in self.terms)

    def longest(self, start: date) -> Term | None:
        """The term that keeps longest from `start` (the earlier rule key on a tie)."""
        by_rule = sorted(self.terms, key=lambda term: term.rule)  # max keeps the first of a tie
        return max(by_rule, key=lambda term: term.end(start), default=None)


def holding_purposes(register: Register, kind: str) -> list[Purpose]:
    """The purposes we hold a subject of `kind` for: those that name it, but those allowed
    under restriction (storage, legal claims, answering requests), which serve data held for
    another purpose."""
    return [
        purpose
        for purpose in register.purposes
        if kind in purpose.subject_kinds and not purpose.allowed_under_restriction
    ]


def kinds_under(register: Register, rule: str) -> frozenset[str]:
    """The kinds one of whose holding purposes keeps data under `rule`."""
    return frozenset(
        kind.key
        for kind in register.subject_kinds
        if any(purpose.retention == rule for purpose in holding_purposes(register, kind.key))
    )


def contact_kinds(register: Register, covered: Iterable[str]) -> frozenset[str]:
    """Our own kinds (of the controller's role) not among `covered` (the customer records')."""
    return frozenset(
        kind.key for kind in register.subject_kinds if kind.role is Role.CONTROLLER
    ) - frozenset(covered)


def kind_rule(register: Register, kind: str) -> KindRule:
    """The `last_interaction` terms of the rules of the kind's holding purposes; where there
    is none, their `collection` terms."""
    rules = sorted({purpose.retention for purpose in holding_purposes(register, kind)})
    for event in (RetentionEvent.LAST_INTERACTION, RetentionEvent.COLLECTION):
        terms = tuple(
            Term(key, term.duration, event.value)
            for key in rules
            for term in register.retention_rule(key).terms
            if term.runs_from is event
        )
        if terms:
            return KindRule(kind, terms)
    return KindRule(kind, ())


def is_due(last_day: date | None, as_of: date) -> bool:
    """Whether a subject kept through `last_day` goes on a sweep of `as_of`: the day after."""
    return last_day is not None and last_day < as_of
