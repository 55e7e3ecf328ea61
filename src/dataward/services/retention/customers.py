"""Our own subjects under the register's customer-records rule (the rule of the identity data
their identifiers are): the later of its terms, on exact dates (for the shipped register, 7
years after the relationship ended and 6 years after the end of the financial year of the last
transaction); a record goes the day after its last term ends (the term's last day is kept, as
the Limitation Act counts it), as a call does. A subject whose relationship has not ended, or
whose last transaction was not recorded, has no date yet: it waits, and the plan counts it; so
does one a tenant's call still names as its agent. A hold keeps a record if the rule names its
kind (for the shipped register every kind: a litigation hold, a restriction for legal claims,
an open rights request), or it is a restriction the person chose over erasure
(`domain.retention.holds`). Our own subjects
of the kinds the rule does not cover (marketing contacts, website visitors) are swept by
`contacts`, once nothing of theirs is left."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from dataward.domain.clock import Clock
from dataward.domain.processing.legal_hold import held_until
from dataward.domain.register.model import Register, RetentionRule
from dataward.domain.retention.contacts import kinds_under
from dataward.domain.retention.holds import kept_by
from dataward.domain.retention.sweeps import HeldItem, PlanLine, SweepStore, Target
from dataward.domain.subjects import Subject
from dataward.services.calls.parties import CALLER_KIND
from dataward.services.ports import UnitOfWork
from dataward.services.retention.ports import OwnSubject
from dataward.services.retention.shredding import StillDue

IDENTITY = "identity"
WAITING_FOR = (
    "an event of the rule not recorded (the relationship's end, the last transaction), "
    "or a call still naming the subject as its agent"
)


@dataclass(frozen=True, slots=True)
class CustomerRecords:
    """The rule, the subject kinds it covers, and the target of a day."""

    rule: RetentionRule
    kinds: frozenset[str]
    target: Target


def customer_records(register: Register, as_of: date) -> CustomerRecords:
    """The rule of identity data, and the kinds it covers: those one of whose holding purposes
    keeps data under it (`domain.retention.contacts.kinds_under`; storage and legal claims,
    which go on with any kind's data, do not make a kind the rule's), never a tenant's
    callers, which are the tenant's under its contract."""
    rule = register.retention_rule(register.category(IDENTITY).retention or "")
    kinds = kinds_under(register, rule.key) - {CALLER_KIND}
    period = "; ".join(f"{term.duration} {term.runs_from.value}" for term in rule.terms)
    target = Target(rule.key, SweepStore.CUSTOMER_RECORDS, None, as_of, period, as_of)
    return CustomerRecords(rule, kinds, target)


def deletion_day(register: Register, records: CustomerRecords, subject: OwnSubject) -> date | None:
    """The first day the subject may go, or None while an event is missing."""
    outcome = held_until(
        register,
        records.rule,
        relationship_end=subject.relationship_end,
        last_transaction=subject.last_transaction,
    )
    return outcome.delete_on


def sorted_out(
    uow: UnitOfWork, register: Register, records: CustomerRecords, subjects: Sequence[OwnSubject]
) -> tuple[list[tuple[str, date]], int]:
    """The subjects whose day has passed by the target's day (with that day), and how many
    wait: for an event of the rule, or for the calls that still name them as agents (a
    tenant's records, under the tenant's retention) to go."""
    come: list[tuple[str, date]] = []
    waiting = 0
    for subject in subjects:
        day = deletion_day(register, records, subject)
        if day is None:
            waiting += 1
        elif day < records.target.as_of:
            come.append((subject.id, day))
    named = uow.retention.named_as_agents([subject_id for subject_id, _day in come])
    return [(s, d) for s, d in come if s not in named], waiting + len(named)


def held(records: CustomerRecords, holds: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """The subjects whose records a hold of a kind the rule names keeps, with those holds."""
    return kept_by(records.rule, holds)


def plan_line(
    uow: UnitOfWork, register: Register, records: CustomerRecords, holds: Mapping[str, set[str]]
) -> PlanLine:
    keeping = held(records, holds)
    due, waiting = sorted_out(uow, register, records, uow.retention.own_subjects(records.kinds))
    going = [(subject_id, day) for subject_id, day in due if subject_id not in keeping]
    kept = tuple(
        HeldItem(subject_id, tuple(sorted(keeping[subject_id])), 1)
        for subject_id, _day in due
        if subject_id in keeping
    )
    oldest = min((day for _id, day in going), default=None)
    waiting_for = WAITING_FOR if waiting else ""
    return PlanLine(records.target, len(going), oldest, kept, waiting, waiting_for)


def still_due(register: Register, records: CustomerRecords, clock: Clock) -> StillDue:
    """Of a batch, the subjects that are still due and not held, read again in the batch's
    transaction (a hold or a new relationship date may have come since they were listed)."""

    def check(uow: UnitOfWork, ids: list[str]) -> list[Subject]:
        uow.retention.freeze_holds()
        holds = kept_by(records.rule, uow.retention.holds_on(ids, clock.now()))
        named = uow.retention.named_as_agents(ids)
        found = uow.subjects.get_many(ids)
        due: list[Subject] = []
        for subject_id, subject in found.items():
            if subject.erased or subject.tenant_id is not None:
                continue
            if subject_id in holds or subject_id in named:
                continue
            own = OwnSubject(
                subject_id, subject.kind, subject.relationship_end, subject.last_transaction
            )
            day = deletion_day(register, records, own)
            if day is not None and day < records.target.as_of:
                due.append(subject)
        return due

    return check
