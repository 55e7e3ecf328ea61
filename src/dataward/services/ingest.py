"""Ingest: telephony files into the pseudonymised call store, streaming, in batches.

For each source: the parser streams records; calls are taken in batches; each batch's parties
are resolved to subjects (`call_parties`), each call gets its identity digest, calls the
tenant already has are counted as duplicates and skipped, and the rest land with their
anonymous rollups in one transaction. Memory is bounded by the batch, not the file.

Bad records:
- by default a file with any bad record is rejected whole before anything is written: a first
  pass reads it through and lists every bad line (file, line, reason); nothing is stored;
- with `quarantine=True` the good records land and each bad line is kept, encrypted under a
  key of its own ingest, to be listed, exported for correction and replayed
  (`services.quarantine`).

A batch that fails part-way rolls back whole; an interrupted ingest is finished by running it
again, since the calls that landed are recognised as duplicates.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TextIO

from dataward.domain.audit import AuditAction, AuditDraft
from dataward.domain.calls import (
    IngestReport,
    PartyKind,
    StoredCall,
    classify_party,
    safe_queue_name,
    source_identity,
)
from dataward.domain.clock import Clock
from dataward.domain.errors import DatawardError, NotFound, WriteConflict
from dataward.domain.permissions import require
from dataward.domain.register import Register, StaffAction
from dataward.domain.subjects import Actor
from dataward.domain.telephony import BadRecord, QueueEvent, RawCall
from dataward.domain.tenants import Tenant
from dataward.services.call_parties import PartyKey, PartyResolver, Resolution
from dataward.services.ports import Parser, UnitOfWork, Vault
from dataward.services.rollups import add_to_rollups

CALL_KEY_KIND = "call"
BATCH = 5000
_MAX_LISTED = 10_000
_RETRIES = 3


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


@dataclass(frozen=True, slots=True)
class Source:
    """One input: its name for messages, its parser, and how to open it (twice if needed)."""

    name: str
    parser: Parser
    open: Callable[[], AbstractContextManager[TextIO]]
    header: str | None = None
    """The first line, kept with a quarantine so a corrected CSV line can be read again."""
    replay_of: int | None = None


@dataclass(slots=True)
class _Batch:
    calls: list[RawCall] = field(default_factory=list)
    bad: list[BadRecord] = field(default_factory=list)
    events: int = 0


def ingest(
    uow: UnitOfWork,
    vault: Vault,
    clock: Clock,
    register: Register,
    actor: Actor,
    tenant_id: str,
    sources: Sequence[Source],
    *,
    quarantine: bool = False,
    batch_size: int = BATCH,
    progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Ingest every source for the tenant; `IngestRejected` (nothing stored) on bad records
    unless `quarantine`. `progress` is called with the calls read after each batch."""
    require(register, actor, StaffAction.INGEST_CALLS, tenant_id=tenant_id)
    with uow:
        tenant = uow.tenants.get(tenant_id)
    if tenant is None:
        raise NotFound("tenant", tenant_id)
    report = IngestReport(tenant_id=tenant_id)
    if not quarantine:
        _refuse_bad(tenant, sources, report)
    resolver = PartyResolver(vault, tenant)
    for source in sources:
        report.sources.append(source.name)
        report.formats[source.name] = source.parser.name
        _ingest_source(
            uow, vault, clock, actor, tenant, source, resolver, report,
            quarantine=quarantine, batch_size=batch_size, progress=progress,
        )  # fmt: skip
    return report


def _refuse_bad(tenant: Tenant, sources: Sequence[Source], report: IngestReport) -> None:
    """The first pass of a reject-whole ingest: read every source, list every bad line."""
    for source in sources:
        with source.open() as stream:
            for item in source.parser.parse(stream, source=source.name, tz=tenant.zone):
                if isinstance(item, BadRecord) and len(report.bad) < _MAX_LISTED:
                    report.bad.append(str(item))
    if report.bad:
        report.rejected = True
        raise IngestRejected(report)


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


def _ingest_source(
    uow: UnitOfWork,
    vault: Vault,
    clock: Clock,
    actor: Actor,
    tenant: Tenant,
    source: Source,
    resolver: PartyResolver,
    report: IngestReport,
    *,
    quarantine: bool,
    batch_size: int,
    progress: Callable[[int], None] | None,
) -> None:
    with uow:
        ingest_id = uow.calls.start_ingest(
            tenant_id=tenant.id,
            source=source.name,
            format=source.parser.name,
            actor=actor.id,
            at=clock.now(),
            replay_of=source.replay_of,
        )
        uow.commit()
    report.ingest_ids.append(ingest_id)
    quarantine_key: str | None = None
    totals: Counter[str] = Counter()
    seen: set[bytes] = set()  # identities met earlier in this source (bounded by its size)
    with source.open() as stream:
        items = source.parser.parse(stream, source=source.name, tz=tenant.zone)
        for batch in _batches(items, batch_size):
            if batch.bad and not quarantine:
                raise IngestRejected(
                    IngestReport(tenant_id=tenant.id, bad=[str(b) for b in batch.bad])
                )
            if batch.bad and quarantine_key is None:
                quarantine_key = _open_quarantine(uow, vault, ingest_id, source)
            for attempt in range(_RETRIES):
                try:
                    counts = _land_batch(
                        uow, vault, clock, tenant, ingest_id, batch, resolver, seen,
                        quarantine_key,
                    )  # fmt: skip
                    break
                except WriteConflict:  # another ingest created the same subject or call
                    if attempt + 1 == _RETRIES:
                        raise
            for name, value in counts.items():
                totals[name] += value
            report.calls_read += len(batch.calls)
            report.events_read += batch.events
            report.withheld_parties += counts["withheld"]
            report.unreadable_numbers += counts["unreadable"]
            report.bad.extend(str(b) for b in batch.bad[: max(0, _MAX_LISTED - len(report.bad))])
            if progress is not None:
                progress(report.calls_read)
    report.stored += totals["stored"]
    report.duplicates += totals["duplicates"]
    report.subjects_created += totals["subjects"]
    report.quarantined += totals["bad"]
    with uow:
        uow.calls.finish_ingest(ingest_id, clock.now())
        uow.audit.append(
            AuditDraft(
                at=clock.now(),
                actor=actor.id,
                action=AuditAction.CALLS_INGESTED,
                details={
                    "tenant": tenant.id,
                    "ingest": ingest_id,
                    "format": source.parser.name,
                    "stored": totals["stored"],
                    "duplicates": totals["duplicates"],
                    "quarantined": totals["bad"],
                    "subjects_created": totals["subjects"],
                },
            )
        )
        uow.commit()


def _open_quarantine(uow: UnitOfWork, vault: Vault, ingest_id: int, source: Source) -> str:
    """A key for this ingest's bad lines (destroyed when they are resolved), and the header."""
    key_id = str(uuid.uuid4())
    vault.create_keys([key_id])
    header = vault.seal(key_id, source.header) if source.header is not None else None
    with uow:
        uow.calls.set_quarantine(ingest_id, key_id, header)
        uow.commit()
    return key_id


def _land_batch(
    uow: UnitOfWork,
    vault: Vault,
    clock: Clock,
    tenant: Tenant,
    ingest_id: int,
    batch: _Batch,
    resolver: PartyResolver,
    seen: set[bytes],
    quarantine_key: str | None,
) -> dict[str, int]:
    now = clock.now()
    counts = {"stored": 0, "duplicates": 0, "bad": 0, "subjects": 0}
    counts.update(withheld=0, unreadable=0)
    parties: list[tuple[tuple[PartyKind, str | None], ...]] = []
    keys: list[PartyKey] = []
    for call in batch.calls:
        row = (classify_party(call.caller), classify_party(call.callee))
        parties.append(row)
        for kind, value in row:
            if value is not None and kind in (PartyKind.AGENT, PartyKind.PHONE):
                keys.append((kind, value))
            elif kind is PartyKind.WITHHELD:
                counts["withheld"] += 1
        if call.agent_id:
            keys.append((PartyKind.AGENT, call.agent_id))
    with uow:
        resolution = resolver.resolve(uow, keys, now)
        counts["subjects"] = resolution.created
        counts["unreadable"] = sum(
            1 for row in parties for kind, v in row if v is not None and (kind, v) in
            resolution.unreadable
        )  # fmt: skip
        identities = [
            vault.blind_index(tenant.id, CALL_KEY_KIND, source_identity(c))[:16]
            for c in batch.calls
        ]
        existing = uow.calls.existing_keys(tenant.id, identities)
        fresh: list[StoredCall] = []
        landed: set[bytes] = set()
        for call, key, (caller, callee) in zip(batch.calls, identities, parties, strict=True):
            if key in existing or key in seen or key in landed:
                counts["duplicates"] += 1
                continue
            landed.add(key)
            fresh.append(_stored(tenant.id, ingest_id, key, call, caller, callee, resolution))
        uow.calls.prepare_months({(c.started_at.year, c.started_at.month) for c in fresh})
        uow.calls.add_calls(fresh)
        add_to_rollups(uow, tenant.id, tenant.zone, fresh)
        counts["stored"] = len(fresh)
        if batch.bad and quarantine_key is not None:
            uow.calls.quarantine(
                [
                    {
                        "ingest_id": ingest_id,
                        "tenant_id": tenant.id,
                        "line": bad.location.line,
                        "reason": bad.reason[:300],
                        "raw_ciphertext": vault.seal(quarantine_key, bad.raw),
                        "created_at": now,
                    }
                    for bad in batch.bad
                ]
            )
            counts["bad"] = len(batch.bad)
        uow.calls.add_ingest_counts(
            ingest_id,
            calls_read=len(batch.calls),
            stored=counts["stored"],
            duplicates=counts["duplicates"],
            bad=counts["bad"],
        )
        uow.commit()
    seen.update(landed)  # only once committed: a retried batch must not count itself twice
    return counts


def _stored(
    tenant_id: str,
    ingest_id: int,
    key: bytes,
    call: RawCall,
    caller: tuple[PartyKind, str | None],
    callee: tuple[PartyKind, str | None],
    resolution: Resolution,
) -> StoredCall:
    subjects = resolution.subjects

    def ref(party: tuple[PartyKind, str | None]) -> str | None:
        kind, value = party
        return subjects.get((kind, value)) if value is not None else None

    return StoredCall(
        tenant_id=tenant_id,
        source_key=key,
        started_at=call.start,
        answered_at=call.answer,
        ended_at=call.end,
        direction=call.direction,
        disposition=call.disposition,
        queue=safe_queue_name(call.queue),
        wait_s=call.wait_s,
        ring_s=call.ring_s,
        talk_s=call.talk_s,
        caller_ref=ref(caller),
        callee_ref=ref(callee),
        agent_ref=subjects.get((PartyKind.AGENT, call.agent_id)) if call.agent_id else None,
        caller_withheld=caller[0] is PartyKind.WITHHELD,
        callee_withheld=callee[0] is PartyKind.WITHHELD,
        legs=max(1, len(call.legs)),
        format=call.format,
        ingest_id=ingest_id,
    )
