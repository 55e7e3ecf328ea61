"""Retention plans and sweep records as the entry points show them: JSON models (the API, and
`--format json`) and plain tables (the command line). Ids only, never an identifier."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from dataward.domain.retention.sweeps import HeldItem, PlanLine, SweepRecord, Target
from dataward.services.retention.plan import RetentionPlan


class HeldOut(BaseModel):
    subject_id: str
    holds: list[str]
    items: int

    @classmethod
    def of(cls, item: HeldItem) -> HeldOut:
        return cls(subject_id=item.subject_id, holds=list(item.holds), items=item.items)


class TargetOut(BaseModel):
    rule: str
    store: str
    tenant: str | None
    retention: str
    kept_from: date

    @classmethod
    def of(cls, target: Target) -> TargetOut:
        return cls(
            rule=target.rule,
            store=target.store.value,
            tenant=target.tenant_id,
            retention=target.retention,
            kept_from=target.kept_from,
        )


class PlanLineOut(TargetOut):
    due: int
    oldest: date | None
    held: list[HeldOut]
    waiting: int
    waiting_for: str

    @classmethod
    def of_line(cls, line: PlanLine) -> PlanLineOut:
        return cls(
            **TargetOut.of(line.target).model_dump(),
            due=line.due,
            oldest=line.oldest,
            held=[HeldOut.of(item) for item in line.held],
            waiting=line.waiting,
            waiting_for=line.waiting_for,
        )


class PlanOut(BaseModel):
    as_of: date
    lines: list[PlanLineOut]

    @classmethod
    def of(cls, plan: RetentionPlan) -> PlanOut:
        return cls(as_of=plan.as_of, lines=[PlanLineOut.of_line(line) for line in plan.lines])


class SweepOut(TargetOut):
    id: int
    as_of: date
    actor: str
    started_at: datetime
    finished_at: datetime | None
    state: str
    removed: int
    held: int
    batches: int
    oldest: date | None
    digest: str
    purged: bool | None
    """False: a reader held SQLite's write-ahead log, copies of what went may stay in it until
    a later purge; None: not asked, or not known (a record read back)."""

    @classmethod
    def of_record(cls, record: SweepRecord) -> SweepOut:
        return cls(
            **TargetOut.of(record.target).model_dump(),
            id=record.id,
            as_of=record.target.as_of,
            actor=record.actor,
            started_at=record.started_at,
            finished_at=record.finished_at,
            state=record.state.value,
            removed=record.removed,
            held=record.held,
            batches=record.batches,
            oldest=record.oldest,
            digest=record.digest,
            purged=record.purged,
        )


def plan_table(plan: RetentionPlan) -> str:
    """One line per rule, store and tenant, then one per held subject under it, and why its
    waiting items wait."""
    lines = [
        f"Retention plan as of {plan.as_of} (a dry run: nothing is deleted)",
        "rule\tstore\ttenant\tretention\tkept from\tdue\toldest\theld\twaiting",
    ]
    for line in plan.lines:
        t = line.target
        lines.append(
            f"{t.rule}\t{t.store.value}\t{t.tenant_id or '-'}\t{t.retention}\t{t.kept_from}\t"
            f"{line.due}\t{line.oldest or '-'}\t{line.held_items}\t{line.waiting}"
        )
        lines += [
            f"  held: subject {item.subject_id} ({', '.join(item.holds)}) keeps {item.items}"
            for item in line.held
        ]
        if line.waiting and line.waiting_for:
            lines.append(f"  waiting: {line.waiting} for {line.waiting_for}")
    return "\n".join(lines) + "\n"


NOT_PURGED = (
    "  not purged: a reader held the write-ahead log open, so copies of what went may stay in "
    "it until a later purge (run `dataward keys sweep`)"
)


def sweeps_table(records: list[SweepRecord]) -> str:
    lines = ["id\trule\tstore\ttenant\tas of\tkept from\tstate\tremoved\theld\toldest\tdigest"]
    for r in records:
        t = r.target
        lines.append(
            f"{r.id}\t{t.rule}\t{t.store.value}\t{t.tenant_id or '-'}\t{t.as_of}\t{t.kept_from}\t"
            f"{r.state.value}\t{r.removed}\t{r.held}\t{r.oldest or '-'}\t{r.digest[:16]}"
        )
        if r.purged is False:
            lines.append(NOT_PURGED)
    return "\n".join(lines) + "\n"
