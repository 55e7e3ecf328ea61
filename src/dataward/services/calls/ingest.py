"""Ingest: telephony files into the pseudonymised call store, streaming, in batches.

Each source lands in one transaction: its calls, the subjects first seen in it, its anonymous
rollups, its quarantined lines, its ingest record and its audit entry all land together, or
none of them does. Memory is bounded by the batch (and the rollup buffer), not the file.

Bad records:
- by default a source with any bad record is rejected whole: once one is met nothing more is
  written, the rest of the file is read only to list every bad line (file, line, reason), and
  the transaction is rolled back (the keys of subjects it created are destroyed);
- with `quarantine=True` the good records land and each bad line is kept, encrypted under a
  key of its own and indexed by whoever it could name (`services.quarantine.writer`), to be
  listed, exported for correction and replayed (`services.quarantine.lines`).

Re-ingesting a file adds nothing: its calls are recognised by identity and counted as
duplicates, before any of their parties is resolved. Two ingests racing to create the same
caller: the loser's transaction is retried.
On SQLite a source holds the database's write lock while it lands (other writers wait up to
the busy timeout); PostgreSQL takes row locks only.

Keys: every key a run makes (its new subjects', its quarantined lines') is named by the run's key
batch (`services.keys.batches`), which each source's transaction joins at its start and commits
through (checked, while the transaction holds the batch, right before the commit). A source
rolled back for sure destroys its keys itself; a run killed outright, or a commit that raised
(its outcome unknown), leaves them to `dataward keys sweep`, which keeps those whose records
landed. A call past the tenant's call retention is stored without parties (`call_writer`).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from dataward.domain.audit import AuditAction, AuditDraft
from dataward.domain.calls.records import IngestReport
from dataward.domain.calls.telephony import BadRecord, QueueEvent, RawCall
from dataward.domain.errors import ActionNotAllowed, DatawardError, NotFound, WriteConflict
from dataward.domain.permissions import require
from dataward.domain.register.model import Register, StaffAction
from dataward.domain.subjects import Actor
from dataward.domain.tenants import Tenant
from dataward.services.calls.ingest_ports import Source
from dataward.services.calls.names import digest_of, label_of
from dataward.services.calls.parties import PartyResolver
from dataward.services.calls.writer import CallWriter, WriterCounts
from dataward.services.context import UseCase
from dataward.services.keys.batches import INGEST, KeyBatch
from dataward.services.ports import NewIngest, UnitOfWork
from dataward.services.quarantine.keys import release_line_keys
from dataward.services.quarantine.writer import QuarantineTarget, QuarantineWriter

BATCH = 5000
_MAX_LISTED = 10_000
_ATTEMPTS = 3


class IngestRejected(DatawardError):
    """A source had bad records and quarantine was not asked for: nothing was stored."""

    code = "ingest_rejected"

    def __init__(self, report: IngestReport) -> None:
        self.report = report
        shown = report.bad[:20]
        more = len(report.bad) - len(shown)
        lines = "\n".join(f"  {bad}" for bad in shown)
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(
            f"{len(report.bad)} bad record(s); nothing was stored (use --quarantine to land the "
            f"good records and keep the bad ones for correction):\n{lines}{tail}"
        )


@dataclass(slots=True)
class _Batch:
    calls: list[RawCall] = field(default_factory=list)
    bad: list[BadRecord] = field(default_factory=list)
    events: int = 0


@dataclass(frozen=True, slots=True)
class IngestCalls:
    """The sources to ingest for a tenant. With `quarantine` a source's good records land and
    its bad lines are kept for correction; without, a bad record rejects the source whole.
    `batch_size`: the calls landed at a time (memory is bounded by it)."""

    tenant_id: str
    sources: Sequence[Source]
    quarantine: bool = False
    batch_size: int = BATCH
    landed: Callable[[UnitOfWork, int], None] | None = None
    """Called with each source's ingest id in the transaction that lands it, right before its
    commit: a background job records there what it landed, so a second run repeats none of it."""


def ingest(
    ctx: UseCase, command: IngestCalls, *, progress: Callable[[int], None] | None = None
) -> IngestReport:
    """Ingest every source for the tenant, each in its own transaction.

    `IngestRejected` (nothing of that source stored) on bad records unless `quarantine`;
    sources before it have landed. `progress` is called with the calls read after each batch.
    """
    uow, vault, clock, register, actor = ctx.uow, ctx.vault, ctx.clock, ctx.register, ctx.actor
    tenant_id = command.tenant_id
    require(register, actor, StaffAction.INGEST_CALLS, tenant_id=tenant_id)
    with uow:
        tenant = uow.tenants.get(tenant_id)
    if tenant is None:
        raise NotFound("tenant", tenant_id)
    keys = KeyBatch(vault, INGEST)  # names every key this run makes, for the key sweep
    run = _Ingest(
        ctx=ctx,
        command=command,
        tenant=tenant,
        resolver=PartyResolver(vault, tenant, keys=keys),
        report=IngestReport(tenant_id=tenant_id),
        progress=progress,
    )
    with uow:  # in a short transaction of their own, not the long one of an ingest
        uow.calls.prepare_months(_recent_months(clock.now().date()))
        uow.commit()
    try:
        with _bulk_garbage_collection():
            _ingest_all(run, command.sources)
    except DatawardError:
        keys.close()  # refused: the keys of the source rolled back are destroyed already
        raise
    keys.close()  # anything else leaves the batch to the sweep, which checks every key
    if not _may_read_audit_log(register, actor):
        run.report.erased_parties = None  # kept in the audit entry, for those who may read it
    return run.report


def _may_read_audit_log(register: Register, actor: Actor) -> bool:
    try:
        require(register, actor, StaffAction.READ_AUDIT_LOG)
    except ActionNotAllowed:
        return False
    return True


PARTITIONS_BACK = 36
PARTITIONS_AHEAD = 2


def _recent_months(today: date) -> list[tuple[int, int]]:
    """The months whose partitions an ingest makes sure of before it starts (PostgreSQL).

    Creating a partition locks the whole calls table until its transaction ends; done inside
    a long ingest it would hold every reader of calls back, and two ingests each needing one
    could deadlock. A month outside this window is still created when met, inside the ingest.
    """
    index = today.year * 12 + today.month - 1
    window = range(index - PARTITIONS_BACK, index + PARTITIONS_AHEAD + 1)
    return [(i // 12, i % 12 + 1) for i in window]


@contextmanager
def _bulk_garbage_collection() -> Iterator[None]:
    """Fewer cyclic collections while millions of short-lived objects pass through.

    Each collection walks every live object, and an ingest keeps many alive (caches, the batch,
    the rollup buffer), so collections cost more the larger the caches; the objects an ingest
    makes hold no cycles and are freed by reference counting. Restored afterwards.
    """
    threshold = gc.get_threshold()
    gc.freeze()  # what lived before the ingest is not scanned again during it
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


@dataclass(frozen=True, slots=True)
class _Ingest:
    """What every source of one ingest run is landed with."""

    ctx: UseCase
    command: IngestCalls
    tenant: Tenant
    resolver: PartyResolver
    report: IngestReport
    progress: Callable[[int], None] | None

    @property
    def keys(self) -> KeyBatch:
        return self.resolver.keys


def _ingest_all(ingest: _Ingest, sources: Sequence[Source]) -> None:
    report = ingest.report
    for source in sources:
        report.sources.append(source.name)
        report.formats[source.name] = source.parser.name
        for attempt in range(_ATTEMPTS):
            try:
                _ingest_source(ingest, source)
                break
            except WriteConflict:  # another ingest created the same caller first
                if attempt + 1 == _ATTEMPTS:
                    raise


def _batches(items: Iterator[object], size: int) -> Iterator[_Batch]:
    batch = _Batch()
    for item in items:
        if isinstance(item, RawCall):
            batch.calls.append(item)
            if len(batch.calls) >= size:
                yield batch
                batch = _Batch()
        elif isinstance(item, QueueEvent):
            batch.events += 1
        elif isinstance(item, BadRecord):
            batch.bad.append(item)
    yield batch


@dataclass(slots=True)
class _Run:
    """What one source's ingest has done so far (for its report, or its cleanup)."""

    counts: WriterCounts = field(default_factory=WriterCounts)
    lines: QuarantineWriter | None = None
    bad: list[str] = field(default_factory=list)
    read: int = 0
    events: int = 0
    committed: bool = False


def _ingest_source(ingest: _Ingest, source: Source) -> None:
    ctx, tenant = ingest.ctx, ingest.tenant
    uow, vault, clock = ctx.uow, ctx.vault, ctx.clock
    keys = ingest.keys
    run = _Run()
    try:
        with uow, source.open() as stream:
            _hold(uow, tenant.id, keys)
            ingest_id = uow.calls.start_ingest(
                NewIngest(
                    tenant_id=tenant.id,
                    format=source.parser.name,
                    actor=ctx.actor.id,
                    at=clock.now(),
                    source_digest=digest_of(vault, tenant.id, source.file_name),
                    replay_of=source.replay_of,
                )  # labelled below, once the id is known: never the file's name
            )
            label = label_of(ingest_id, source.file_name, source.replay_of)
            uow.calls.label_ingest(ingest_id, label)
            uow.calls.prepare_bulk()
            try:
                ingest.resolver.begin()
                writer = CallWriter(ctx, tenant, ingest_id, ingest.resolver)
                run.counts = writer.counts
                target = QuarantineTarget(
                    tenant, ingest_id, source.parser, clock.now(), source.header
                )
                run.lines = QuarantineWriter(uow, vault, keys, target)
                items = source.parser.parse(
                    stream, source=source.name, tz=tenant.zone, now=clock.now()
                )
                for batch in _batches(items, ingest.command.batch_size):
                    _take(ingest, writer, run.lines, batch, run)
                    if ingest.progress is not None:
                        ingest.progress(run.read)
                if run.bad and not ingest.command.quarantine:
                    _reject(tenant, run.bad)
                writer.finish()
                run.lines.finish(clock.now())
                _close(ingest, source, ingest_id, run)
                keys.commit(uow)  # refused if the key sweep claimed the batch meanwhile
                run.committed = True
            finally:
                uow.calls.end_bulk()
    except BaseException:
        # Rolled back for sure: the subjects created in it are gone, so their keys go too, and
        # the keys of its quarantined lines. Never after the commit, nor when the commit itself
        # raised (it may have landed): those keys are the sweep's to settle.
        if not run.committed and not keys.in_doubt:
            made = run.counts.created + (run.lines.created if run.lines is not None else [])
            if made:
                _destroy_or_leave(keys, made)
        raise
    if run.lines is not None and run.lines.erased:
        release_line_keys(uow, vault)  # lines erased before the commit: their keys go now
    if run.counts.stored:
        with uow:
            uow.calls.refresh_statistics(writer.months)
            uow.commit()
    report = ingest.report
    report.ingest_ids.append(ingest_id)
    report.labels.append(label)
    report.calls_read += run.read
    report.events_read += run.events
    report.bad.extend(run.bad)
    _add_counts(report, run)


def _destroy_or_leave(keys: KeyBatch, made: list[str]) -> None:
    """Destroy the keys of a source rolled back; should the key store not take it (it is full,
    or away: what failed the source may fail this too), leave them to the key sweep, which
    destroys the keys of its batch that own nothing, rather than hide the first failure."""
    try:
        keys.destroy(made)
    except Exception:  # noqa: BLE001 - any failure: the batch stays open for the sweep
        keys.in_doubt = True


def _hold(uow: UnitOfWork, tenant_id: str, keys: KeyBatch) -> None:
    """What an ingest's transaction holds from its start: its key batch (the key sweep
    decides nothing about this run's keys until it ends) and its tenant, shared (the retention
    sweep erases none of the tenant's callers meanwhile)."""
    keys.join(uow)
    uow.calls.share_tenant(tenant_id)


def _take(
    ingest: _Ingest, writer: CallWriter, lines: QuarantineWriter, batch: _Batch, run: _Run
) -> None:
    """One batch: counted, its bad lines listed (and quarantined), its calls landed."""
    run.read += len(batch.calls)
    run.events += batch.events
    run.bad.extend(str(b) for b in batch.bad[: max(0, _MAX_LISTED - len(run.bad))])
    if run.bad and not ingest.command.quarantine:
        return  # rejected: read on only to list every bad line
    lines.add(batch.bad, ingest.ctx.clock.now())
    writer.land(batch.calls)


def _close(ingest: _Ingest, source: Source, ingest_id: int, run: _Run) -> None:
    """The ingest's counts, its end, and its audit entry, in its own transaction (and what the
    caller records of it there: `IngestCalls.landed`)."""
    uow, now, counts = ingest.ctx.uow, ingest.ctx.clock.now(), run.counts
    if ingest.command.landed is not None:
        ingest.command.landed(uow, ingest_id)
    quarantined = _quarantined(run)
    uow.calls.add_ingest_counts(
        ingest_id,
        calls_read=run.read,
        stored=counts.stored,
        duplicates=counts.duplicates,
        bad=quarantined,
    )
    uow.calls.finish_ingest(ingest_id, now)
    uow.audit.append(
        AuditDraft(
            at=now,
            actor=ingest.ctx.actor.id,
            action=AuditAction.CALLS_INGESTED,
            details={
                "tenant": ingest.tenant.id,
                "ingest": ingest_id,
                "format": source.parser.name,
                "stored": counts.stored,
                "duplicates": counts.duplicates,
                "joined": counts.joined,
                "quarantined": quarantined,
                "subjects_created": counts.subjects,
                "erased_parties": counts.erased,
                "past_retention": counts.past_retention,
            },
        )
    )


def _quarantined(run: _Run) -> int:
    return run.lines.quarantined if run.lines is not None else 0


def _add_counts(report: IngestReport, run: _Run) -> None:
    counts = run.counts
    report.stored += counts.stored
    report.duplicates += counts.duplicates
    report.joined += counts.joined
    report.subjects_created += counts.subjects
    report.withheld_parties += counts.withheld
    report.unreadable_numbers += counts.unreadable
    report.erased_parties = (report.erased_parties or 0) + counts.erased
    report.past_retention += counts.past_retention
    report.quarantined += _quarantined(run)


def _reject(tenant: Tenant, bad: list[str]) -> None:
    raise IngestRejected(IngestReport(tenant_id=tenant.id, bad=bad, rejected=True))
