"""Closed rights requests and complaints under the register's rights-records rule (the rule of
the rights-requests category: for the shipped register, 6 years from the UK day the request
closed). A request whose subject an active litigation hold of one of the rule's hold kinds
keeps stays, and the plan lists it. Deleting one deletes everything hung on it and destroys its
own key (the requester's contact details, letters and a complaint's outcome were sealed under
it), right after the batch commits."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from dataward.domain.processing.retention import delete_after
from dataward.domain.register.model import Register, RetentionEvent, RetentionRule
from dataward.domain.requests.model import uk_date
from dataward.domain.retention.sweeps import HeldItem, PlanLine, SweepRecord, SweepStore, Target
from dataward.services.context import UseCase
from dataward.services.ports import UnitOfWork
from dataward.services.retention.evidence import progress
from dataward.services.retention.ports import ClosedRequest, Removed

CATEGORY = "rights_requests"


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


def sort_out(uow: UnitOfWork, register: Register, records: RightsRecords) -> Sorted:
    """The closed requests whose day has come (not held), those a hold keeps, and how many
    have no day (a term of the rule whose event a request cannot have)."""
    closed = uow.retention.closed_requests()
    days = [(request, deletion_day(register, records, request)) for request in closed]
    come = [(r, d) for r, d in days if d is not None and d <= records.target.as_of]
    kinds = {kind.value for kind in records.rule.holds}
    subjects = {r.subject_id for r, _d in come if r.subject_id is not None}
    grounds = uow.retention.litigation_holds_on(subjects)
    due: list[tuple[ClosedRequest, date]] = []
    held: list[tuple[ClosedRequest, tuple[str, ...]]] = []
    for request, day in come:
        holding = sorted(grounds.get(request.subject_id or "", set()) & kinds)
        if holding:
            held.append((request, tuple(holding)))
        else:
            due.append((request, day))
    return Sorted(due, held, sum(1 for _r, d in days if d is None))


def plan_line(uow: UnitOfWork, register: Register, records: RightsRecords) -> PlanLine:
    found = sort_out(uow, register, records)
    held = _held(found.held)
    oldest = min((day for _r, day in found.due), default=None)
    return PlanLine(records.target, len(found.due), oldest, held, found.waiting)


def _held(held: Sequence[tuple[ClosedRequest, tuple[str, ...]]]) -> tuple[HeldItem, ...]:
    """Each held subject, with its holds and how many of its requests it keeps."""
    kept: dict[str, int] = {}
    holds: Mapping[str, tuple[str, ...]] = {r.subject_id or "": h for r, h in held}
    for request, _holding in held:
        kept[request.subject_id or ""] = kept.get(request.subject_id or "", 0) + 1
    return tuple(HeldItem(s, holds[s], n) for s, n in sorted(kept.items()))


def delete_in_batches(
    ctx: UseCase,
    records: RightsRecords,
    sweep: SweepRecord,
    due: Sequence[tuple[ClosedRequest, date]],
    size: int,
) -> SweepRecord:
    """Delete the due requests, `size` to a transaction; each batch's keys destroyed after its
    commit."""
    kinds = {kind.value for kind in records.rule.holds}
    for start in range(0, len(due), size):
        with ctx.uow as uow:
            subjects = {r.subject_id for r, _d in due[start : start + size] if r.subject_id}
            grounds = uow.retention.litigation_holds_on(subjects)  # as they are now
            batch = [
                (request, day)
                for request, day in due[start : start + size]
                if not grounds.get(request.subject_id or "", set()) & kinds
            ]
            if not batch:
                continue
            ids = [request.id for request, _day in batch]
            uow.retention.delete_requests(ids)
            oldest = min(uk_date(request.closed_at) for request, _day in batch)
            removed = Removed.of([uuid.UUID(i).bytes for i in ids], oldest)
            sweep = progress(sweep, removed, ctx.clock.now())
            uow.retention.save_sweep(sweep)
            uow.commit()
        ctx.vault.destroy_keys(ids)
    return sweep
