"""Records of what was done with a subject's data, kept as evidence (UK GDPR Art. 5(2)) and
swept record by record under their register rules (`domain.retention.records`): the campaign
sends and the marketing bases under the marketing-preferences rule (the rule of the
marketing-communications category), and the disclosure log under the disclosure-log rule.

A send proves what was sent to whom on which basis; a basis (a soft opt-in, a corporate
subscriber's address) is the marketing relationship it allows and ends with it; an entry of
the disclosure log says who received a person's data, which their access answer (Art. 15(1)(c))
and every Art. 19 notice read, and is kept for the limitation period of a claim over the
disclosure (for the shipped register: 6 years from it). A hold on the subject of a kind the
rule names keeps the record, as does a restriction the person chose over erasure
(`domain.retention.holds`); the plan lists it. A register without a disclosure-log rule leaves
the log waiting, never swept under a guess.

Each batch (about `size` records) is its own transaction: it holds new holds back, reads its
subjects' records and holds again (a hold placed, a send made or a consent withdrawn since
they were listed is honoured), deletes those still due by their ids, and advances the sweep's
record. The items are records; the digest is over their ids (a send's campaign and subject
UUIDs' bytes; a basis's or a disclosure's number, as a consent event's).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from dataward.domain.register.model import Register, RetentionEvent, RetentionRule
from dataward.domain.retention import records as kept
from dataward.domain.retention.holds import kept_by
from dataward.domain.retention.records import KeptRecord
from dataward.domain.retention.sweeps import HeldItem, PlanLine, SweepRecord, SweepStore, Target
from dataward.services.context import UseCase
from dataward.services.ports import UnitOfWork
from dataward.services.retention.evidence import begin, finish, progress, purge
from dataward.services.retention.ports import Removed

MARKETING_CATEGORY = "marketing_communications"
DISCLOSURE_RULE = "disclosure_log"
NO_RULE = "none"
NO_TERM = "no term of the rule can date these records"
NO_DISCLOSURE_RULE = f"no {DISCLOSURE_RULE!r} rule in the register"

Reader = Callable[[UnitOfWork, Collection[str] | None], list[KeptRecord]]
"""A store's records (of every subject, or of these), dated."""


@dataclass(frozen=True, slots=True)
class RecordStore:
    """One store swept record by record: its rule (None: the register has none for it), the
    events its records can be dated by, how to read them, and the target of a day."""

    rule: RetentionRule | None
    can_date: frozenset[RetentionEvent]
    read: Reader
    financial_year_end: str
    target: Target
    no_rule: str = NO_TERM


def record_stores(register: Register, as_of: date) -> tuple[RecordStore, ...]:
    """The stores in the order swept: the bases first (dated by the sends made on them, read
    before those go), then the sends, then the disclosure log."""
    marketing = register.retention_rule(register.category(MARKETING_CATEGORY).retention or "")
    disclosure = next((r for r in register.retention_rules if r.key == DISCLOSURE_RULE), None)
    channels = {p.key: tuple(p.consent_channels) for p in register.purposes}
    dated = (register.organisation.financial_year_end, as_of)
    return (
        _store(marketing, SweepStore.MARKETING_BASES, _bases, *dated),
        _store(marketing, SweepStore.CAMPAIGN_SENDS, partial(_sends, channels=channels), *dated),
        _store(disclosure, SweepStore.DISCLOSURES, _disclosures, *dated),
    )


_EVENTS = {
    SweepStore.MARKETING_BASES: kept.BASIS_EVENTS,
    SweepStore.CAMPAIGN_SENDS: kept.SEND_EVENTS,
    SweepStore.DISCLOSURES: kept.DISCLOSURE_EVENTS,
}


def _store(
    rule: RetentionRule | None, which: SweepStore, read: Reader, year_end: str, as_of: date
) -> RecordStore:
    target = Target(rule.key if rule else NO_RULE, which, None, as_of, _period(rule), as_of)
    why = NO_TERM if rule is not None else NO_DISCLOSURE_RULE
    return RecordStore(rule, _EVENTS[which], read, year_end, target, why)


@dataclass(frozen=True, slots=True)
class Sorted:
    due: list[KeptRecord]
    held: list[tuple[KeptRecord, tuple[str, ...]]]
    waiting: int


def sort_out(
    uow: UnitOfWork, store: RecordStore, now: datetime, among: Collection[str] | None = None
) -> Sorted:
    """The records (of every subject, or of `among`) whose day has come, not held; those a
    hold keeps, with its holds; and how many have no date."""
    come: list[KeptRecord] = []
    waiting = 0
    for record in store.read(uow, among):
        day = _last_day(store, record)
        if day is None:
            waiting += 1
        elif kept.is_due(day, store.target.as_of):
            come.append(record)
    found = uow.retention.holds_on({record.subject_id for record in come}, now) if come else {}
    holds = kept_by(store.rule, found) if store.rule else {}  # only the kinds the rule names
    due = [record for record in come if not holds.get(record.subject_id)]
    held = [(r, tuple(sorted(holds[r.subject_id]))) for r in come if holds.get(r.subject_id)]
    return Sorted(due, held, waiting)


def plan_line(uow: UnitOfWork, store: RecordStore, now: datetime) -> PlanLine:
    found = sort_out(uow, store, now)
    counts: dict[str, tuple[tuple[str, ...], int]] = {}
    for record, holds in found.held:
        counts[record.subject_id] = (holds, counts.get(record.subject_id, (holds, 0))[1] + 1)
    held = tuple(HeldItem(s, holds, n) for s, (holds, n) in sorted(counts.items()))
    why = store.no_rule if found.waiting else ""
    return PlanLine(store.target, len(found.due), kept.oldest(found.due), held, found.waiting, why)


def sweep_records(ctx: UseCase, store: RecordStore, size: int) -> SweepRecord:
    """Sweep the store's records due on its day, about `size` to a transaction; the record,
    closed with its audit entry (its held count: the records a hold keeps)."""
    sweep = begin(ctx, store.target)
    with ctx.uow as uow:
        due = sort_out(uow, store, ctx.clock.now()).due
    sweep = purge(ctx, delete_in_batches(ctx, sweep, store, due, size))
    with ctx.uow as uow:
        held = len(sort_out(uow, store, ctx.clock.now()).held)
    return finish(ctx, sweep, held)


def delete_in_batches(
    ctx: UseCase, sweep: SweepRecord, store: RecordStore, due: Sequence[KeptRecord], size: int
) -> SweepRecord:
    """Delete the due records that are still due and not held when their batch runs."""
    for start in range(0, len(due), size):
        batch = due[start : start + size]
        with ctx.uow as uow:
            uow.retention.freeze_holds()  # a hold placed from now on waits for this batch
            wanted = {record.id for record in batch}
            subjects = {record.subject_id for record in batch}
            again = sort_out(uow, store, ctx.clock.now(), subjects).due
            going = [record for record in again if record.id in wanted]
            gone = set(uow.retention.delete_kept_records(store.target.store, [r.id for r in going]))
            if not gone:
                continue
            removed = Removed.of(sorted(gone), kept.oldest([r for r in going if r.id in gone]))
            sweep = progress(sweep, removed, ctx.clock.now())
            uow.retention.save_sweep(sweep)
            uow.commit()
    return sweep


def _last_day(store: RecordStore, record: KeptRecord) -> date | None:
    if store.rule is None:
        return None
    return kept.last_day_kept(
        store.rule, record, store.can_date, financial_year_end=store.financial_year_end
    )


def _sends(
    uow: UnitOfWork, among: Collection[str] | None, *, channels: dict[str, tuple[str, ...]]
) -> list[KeptRecord]:
    found = uow.retention.campaign_sends(among)
    consents = uow.retention.consent_records({send.subject_id for send in found})
    return kept.sends(found, consents, channels)


def _bases(uow: UnitOfWork, among: Collection[str] | None) -> list[KeptRecord]:
    found = uow.retention.marketing_bases(among)
    sent = uow.retention.campaign_sends({basis.subject_id for basis in found})
    return kept.bases(found, sent)


def _disclosures(uow: UnitOfWork, among: Collection[str] | None) -> list[KeptRecord]:
    return kept.disclosures(uow.retention.disclosure_entries(among))


def _period(rule: RetentionRule | None) -> str:
    if rule is None:
        return NO_RULE
    return "; ".join(f"{term.duration} {term.runs_from.value}" for term in rule.terms)
