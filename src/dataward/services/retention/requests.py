"""Closed rights requests and complaints under the register's rights-records rule (the rule of
the rights-requests category: for the shipped register, 6 years from the UK day the request
closed; it goes the day after the term ends, as a call does). A request whose subject a hold
of a kind the rule names keeps (for the shipped register: a litigation hold for legal claims or
a regulator's investigation, a restriction for legal claims, another request still open; not a
tax enquiry), or a restriction the person chose over erasure (`domain.retention.holds`), stays,
and the plan lists it. Deleting one deletes everything hung on it and destroys its
own key (the requester's contact details, letters and a complaint's outcome were sealed under
it) and those of its download links, listed in the batch's transaction (`services.keys.doomed`)
and destroyed right after it commits (or by `dataward keys sweep`, should the sweep die first)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from dataward.domain.processing.retention import delete_after
from dataward.domain.register.model import Register, RetentionEvent, RetentionRule
from dataward.domain.requests.model import uk_date
from dataward.domain.retention.holds import kept_by
from dataward.domain.retention.sweeps import HeldItem, PlanLine, SweepRecord, SweepStore, Target
from dataward.services.context import UseCase
from dataward.services.keys.doomed import destroy_doomed, doom
from dataward.services.ports import UnitOfWork
from dataward.services.retention.evidence import progress
from dataward.services.retention.ports import ClosedRequest, Removed

CATEGORY = "rights_requests"
WAITING_FOR = "a term of the rule runs from an event a request cannot have"


@dataclass(frozen=True, slots=True)
class RightsRecords:
    rule: RetentionRule
    target: Target


def rights_records(register: Register, as_of: date) -> RightsRecords:
    rule = register.retention_rule(register.category(CATEGORY).retention or "")
    period = "; ".join(f"{term.duration} {term.runs_from.value}" for term in rule.terms)
    target = Target(rule.key, SweepStore.RIGHTS_REQUESTS, None, as_of, period, as_of)
    return RightsRecords(rule, target)


def deletion_day(register: Register, records: RightsRecords, request: ClosedRequest) -> date | None:
    closed = uk_date(request.closed_at)
    events = {RetentionEvent.REQUEST_CLOSED: closed}
    outcome = delete_after(
        records.rule, events, financial_year_end=register.organisation.financial_year_end
    )
    return outcome.delete_on


@dataclass(frozen=True, slots=True)
class Sorted:
    due: list[tuple[ClosedRequest, date]]
    held: list[tuple[ClosedRequest, tuple[str, ...]]]
    waiting: int


def sort_out(uow: UnitOfWork, register: Register, records: RightsRecords, now: datetime) -> Sorted:
    """The closed requests whose day has come (not held), those a hold keeps, and how many
    have no day (a term of the rule whose event a request cannot have)."""
    closed = uow.retention.closed_requests()
    days = [(request, deletion_day(register, records, request)) for request in closed]
    come = [(r, d) for r, d in days if d is not None and d < records.target.as_of]
    subjects = {r.subject_id for r, _d in come if r.subject_id is not None}
    grounds = kept_by(records.rule, uow.retention.holds_on(subjects, now))
    due: list[tuple[ClosedRequest, date]] = []
    held: list[tuple[ClosedRequest, tuple[str, ...]]] = []
    for request, day in come:
        holding = sorted(grounds.get(request.subject_id or "", set()))
        if holding:
            held.append((request, tuple(holding)))
        else:
            due.append((request, day))
    return Sorted(due, held, sum(1 for _r, d in days if d is None))


def plan_line(
    uow: UnitOfWork, register: Register, records: RightsRecords, now: datetime
) -> PlanLine:
    found = sort_out(uow, register, records, now)
    held = _held(found.held)
    oldest = min((day for _r, day in found.due), default=None)
    waiting_for = WAITING_FOR if found.waiting else ""
    return PlanLine(records.target, len(found.due), oldest, held, found.waiting, waiting_for)


def _held(held: Sequence[tuple[ClosedRequest, tuple[str, ...]]]) -> tuple[HeldItem, ...]:
    """Each held subject, with its holds and how many of its requests it keeps."""
    kept: dict[str, int] = {}
    holds: Mapping[str, tuple[str, ...]] = {r.subject_id or "": h for r, h in held}
    for request, _holding in held:
        kept[request.subject_id or ""] = kept.get(request.subject_id or "", 0) + 1
    return tuple(HeldItem(s, holds[s], n) for s, n in sorted(kept.items()))


def delete_in_batches(
    ctx: UseCase,
    sweep: SweepRecord,
    records: RightsRecords,
    due: Sequence[tuple[ClosedRequest, date]],
    size: int,
) -> SweepRecord:
    """Delete the due requests, `size` to a transaction; each batch's keys (its requests' and
    their links') listed in it and destroyed after its commit."""
    for start in range(0, len(due), size):
        with ctx.uow as uow:
            uow.retention.freeze_holds()
            subjects = {r.subject_id for r, _d in due[start : start + size] if r.subject_id}
            found = uow.retention.holds_on(subjects, ctx.clock.now())  # as they are now
            grounds = kept_by(records.rule, found)
            batch = [
                request
                for request, _day in due[start : start + size]
                if not grounds.get(request.subject_id or "")
            ]
            ids = [request.id for request in batch]
            links = uow.downloads.of_requests(ids)
            gone = set(uow.retention.delete_requests(ids))
            if not gone:
                continue
            left = set(uow.downloads.of_requests(ids))  # of a request not deleted after all
            oldest = min(uk_date(r.closed_at) for r in batch if r.id in gone)
            removed = Removed.of([uuid.UUID(i).bytes for i in sorted(gone)], oldest)
            now = ctx.clock.now()
            sweep = progress(sweep, removed, now)
            uow.retention.save_sweep(sweep)
            doomed = doom(uow, [*sorted(gone), *(k for k in links if k not in left)], now)
            uow.commit()
        destroy_doomed(ctx.uow, ctx.vault, doomed)  # only the keys of what was deleted
    return sweep
