"""Consent records under the register's rule for marketing preferences (the rule of the
marketing-communications category: for the shipped register, P2Y from the last interaction and
P6Y from the withdrawal, the later winning), ledger by ledger (`domain.retention.consent`).

A ledger whose latest event is a consent given waits, counted by the plan: the consent still
justifies processing, and its record is the proof of it (Art. 7(1)). One whose latest event is
a withdrawal is kept through the last day of the rule's terms, counted from UK days, and goes
the day after, whole. A hold on its subject of a kind the rule names keeps it (for the shipped
register: a litigation hold for legal claims or a regulator's investigation, a restriction for
legal claims, an open rights request about the subject; not a tax enquiry), as does a
restriction the person chose over erasure (`domain.retention.holds`), and the plan lists it.

Each batch is its own transaction: it holds new holds back, reads the holds and the ledgers of
its subjects again (a hold placed, or a consent given, since they were listed keeps a ledger:
a ledger whose latest event is now a consent given is no longer due), deletes the events of
the ledgers still due by their ids, and advances the sweep's record. An event added by
another transaction after the batch read the ledger (a consent given again) is not among those
ids: it stays, and the subject keeps the new consent. The items are events (consent records):
a plan's counts and a sweep's are of events, and its digest is over their ids.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from dataward.domain.register.model import Register, RetentionRule
from dataward.domain.retention.consent import Ledger, is_due, last_day_kept, ledgers
from dataward.domain.retention.holds import kept_by
from dataward.domain.retention.sweeps import HeldItem, PlanLine, SweepRecord, SweepStore, Target
from dataward.services.context import UseCase
from dataward.services.ports import UnitOfWork
from dataward.services.retention.evidence import begin, finish, progress, purge
from dataward.services.retention.ports import Removed

CATEGORY = "marketing_communications"
WAITING_FOR = "a consent still given: its record proves the consent processing rests on"


@dataclass(frozen=True, slots=True)
class ConsentRecords:
    rule: RetentionRule
    financial_year_end: str
    target: Target


def consent_records(register: Register, as_of: date) -> ConsentRecords:
    rule = register.retention_rule(register.category(CATEGORY).retention or "")
    period = "; ".join(f"{term.duration} {term.runs_from.value}" for term in rule.terms)
    target = Target(rule.key, SweepStore.CONSENT_RECORDS, None, as_of, period, as_of)
    return ConsentRecords(rule, register.organisation.financial_year_end, target)


@dataclass(frozen=True, slots=True)
class Sorted:
    due: list[Ledger]
    held: list[tuple[Ledger, tuple[str, ...]]]
    waiting: int
    """Events of ledgers with no date yet (a consent still given)."""


def sort_out(
    uow: UnitOfWork, records: ConsentRecords, now: datetime, among: Collection[str] | None = None
) -> Sorted:
    """The ledgers (of every subject, or of `among`) whose day has come, not held; those a
    hold keeps, with its holds; and how many events wait."""
    come: list[Ledger] = []
    waiting = 0
    for ledger in ledgers(uow.retention.consent_records(among)):
        day = last_day_kept(records.rule, ledger, financial_year_end=records.financial_year_end)
        if day is None:
            waiting += len(ledger.records)
        elif is_due(day, records.target.as_of):
            come.append(ledger)
    found = uow.retention.holds_on({ledger.subject_id for ledger in come}, now)
    holds = kept_by(records.rule, found)  # only the kinds of hold the rule names
    due = [ledger for ledger in come if not holds.get(ledger.subject_id)]
    held = [
        (ledger, tuple(sorted(holds[ledger.subject_id])))
        for ledger in come
        if holds.get(ledger.subject_id)
    ]
    return Sorted(due, held, waiting)


def plan_line(uow: UnitOfWork, records: ConsentRecords, now: datetime) -> PlanLine:
    found = sort_out(uow, records, now)
    kept: dict[str, tuple[tuple[str, ...], int]] = {}
    for ledger, holds in found.held:
        count = kept.get(ledger.subject_id, (holds, 0))[1]
        kept[ledger.subject_id] = (holds, count + len(ledger.records))
    held = tuple(HeldItem(s, holds, n) for s, (holds, n) in sorted(kept.items()))
    return PlanLine(
        records.target,
        sum(len(ledger.records) for ledger in found.due),
        min((ledger.first_day for ledger in found.due), default=None),
        held,
        found.waiting,
        WAITING_FOR if found.waiting else "",
    )


def sweep_consents(ctx: UseCase, day: date, size: int) -> SweepRecord:
    """Sweep the consent records due on `day`, about `size` events to a transaction; the
    record, closed with its audit entry."""
    records = consent_records(ctx.register, day)
    sweep = begin(ctx, records.target)
    with ctx.uow as uow:
        due = sort_out(uow, records, ctx.clock.now()).due
    sweep = purge(ctx, delete_in_batches(ctx, sweep, records, due, size))
    with ctx.uow as uow:
        held = sort_out(uow, records, ctx.clock.now()).held
    return finish(ctx, sweep, sum(len(ledger.records) for ledger, _holds in held))


def delete_in_batches(
    ctx: UseCase, sweep: SweepRecord, records: ConsentRecords, due: Sequence[Ledger], size: int
) -> SweepRecord:
    """Delete the due ledgers that are still due and not held when their batch runs."""
    for batch in _batches(due, size):
        with ctx.uow as uow:
            uow.retention.freeze_holds()  # a hold placed from now on waits for this batch
            wanted = {ledger.key for ledger in batch}
            subjects = {ledger.subject_id for ledger in batch}
            again = sort_out(uow, records, ctx.clock.now(), subjects).due
            going = [ledger for ledger in again if ledger.key in wanted]
            gone = set(uow.retention.delete_consent_records([i for g in going for i in g.ids]))
            if not gone:
                continue
            oldest = min(ledger.first_day for ledger in going if gone.intersection(ledger.ids))
            removed = Removed.of([i.to_bytes(8, "big") for i in sorted(gone)], oldest)
            sweep = progress(sweep, removed, ctx.clock.now())
            uow.retention.save_sweep(sweep)
            uow.commit()
    return sweep


def _batches(due: Sequence[Ledger], size: int) -> Iterator[list[Ledger]]:
    """The ledgers in batches of about `size` events: a ledger is never split, so a batch
    holds at least one ledger and may pass `size` by the last ledger it takes."""
    batch: list[Ledger] = []
    events = 0
    for ledger in due:
        batch.append(ledger)
        events += len(ledger.records)
        if events >= size:
            yield batch
            batch, events = [], 0
    if batch:
        yield batch
