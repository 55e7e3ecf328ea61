"""Landing parsed calls in the call store, a batch at a time, inside one transaction.

For each batch: each call's identity is digested with keyed BLAKE2b under a key of the
tenant's (derived from the vault's index key), so identities are comparable within the tenant
and meaningless outside it; calls already stored (or met earlier in the batch) are counted as
duplicates and go no further: their parties are not even looked at, so a file sent again
creates no subject and seals no number. A new call that started before the tenant's call
retention (counted back from the ingest's start) is past retention: it is stored for the
reports with no party reference, and none of its parties is resolved, so it creates no subject
and seals no number either. For the rest, every party is classified
(`domain.calls.records.classify_party`) and resolved to a subject (`call_parties`); a party whose
number or agent id was erased after the call started is stored as erased (no subject). The
calls are written as plain rows through the repository's bulk path, and the queue calls among
them are tallied into the rollup buffer. Each batch refreshes the heartbeat of the ingest's
key batch (`services.keys.batches`). Bad lines go to the quarantine (`quarantine_writer`).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from dataward.domain.calls.correlation import source_of
from dataward.domain.calls.records import (
    PartyKind,
    StoredCall,
    classify_party,
    safe_queue_name,
    source_identity,
)
from dataward.domain.calls.telephony import Direction, Disposition, RawCall
from dataward.domain.processing.retention import add_duration_or_last
from dataward.domain.tenants import Tenant
from dataward.services.calls.correlate import CALL_LINK, Correlator, Group
from dataward.services.calls.parties import PartyKey, PartyResolver, Resolution
from dataward.services.calls.rollups import FLUSH_CELLS, RollupBuffer
from dataward.services.context import UseCase
from dataward.services.keys.batches import KeyBatch

CALL_IDENTITY = "call identity"
QUEUE_LABEL = "queue label"
_QUEUE_NAMES = 10_000
_DAYS = 10_000
_DIGEST = 16
MOST_LEGS = 32_767
"""The legs a call is stored with are counted up to this (the column is a small integer): a
linkedid shared by more rows than that is hostile or broken input, not a call."""


@dataclass(slots=True)
class WriterCounts:
    stored: int = 0
    duplicates: int = 0
    joined: int = 0
    """Records joined into a call read from another of its records."""
    withheld: int = 0
    unreadable: int = 0
    erased: int = 0
    """Parties stored as erased: their number's subject was erased after the call started."""
    past_retention: int = 0
    """Calls stored without parties: they started before the tenant's call retention."""
    made: bytearray = field(default_factory=bytearray)
    """The ids of the subjects created in this transaction (16 bytes each, not a string each:
    a first ingest creates hundreds of thousands): their keys go if it rolls back."""

    def add_created(self, subject_ids: Sequence[str]) -> None:
        for subject_id in subject_ids:
            self.made += uuid.UUID(subject_id).bytes

    @property
    def created(self) -> list[str]:
        """The ids of the subjects created, as the vault names their keys."""
        made = self.made
        return [str(uuid.UUID(bytes=bytes(made[i : i + 16]))) for i in range(0, len(made), 16)]

    @property
    def subjects(self) -> int:
        return len(self.made) // 16


class CallWriter:
    def __init__(
        self, ctx: UseCase, tenant: Tenant, ingest_id: int, resolver: PartyResolver
    ) -> None:
        """Calls of `tenant` landed as ingest `ingest_id`, in `ctx`'s unit of work, their
        parties resolved by `resolver`."""
        vault, clock = ctx.vault, ctx.clock
        self._uow = ctx.uow
        self._vault = vault
        self._clock = clock
        self._tenant = tenant
        self._ingest_id = ingest_id
        self._resolver = resolver
        self._identity_key = vault.record_key(tenant.id, CALL_IDENTITY)
        self._queue_key = vault.record_key(tenant.id, QUEUE_LABEL)
        self._correlator = Correlator(tenant.id, vault.record_key(tenant.id, CALL_LINK))
        self._queues: dict[str, str] = {}
        self._rollups = RollupBuffer(tenant.id, tenant.zone)
        self._months: set[tuple[int, int]] = set()
        self._started = clock.now()
        self._today = self._started.astimezone(UTC).date()
        self._kept: dict[date, bool] = {}
        self.counts = WriterCounts()

    @property
    def keys(self) -> KeyBatch:
        """The key batch this ingest makes its keys under."""
        return self._resolver.keys

    def _queue(self, name: str | None) -> str | None:
        if name is None:
            return None
        safe = self._queues.get(name)
        if safe is None:
            if len(self._queues) > _QUEUE_NAMES:
                self._queues.clear()
            safe = self._queues[name] = safe_queue_name(name, self._queue_key) or ""
        return safe or None

    def _past_retention(self, start: datetime) -> bool:
        """Whether a call that started then is past the tenant's call retention today: the
        retention counted from its day (UTC) ended before today. The same reckoning as an
        erased number's `keep_until` (`services.processing.erased_numbers`), so a call from before
        an erasure whose entry has expired is past retention."""
        day = start.astimezone(UTC).date()
        past = self._kept.get(day)
        if past is None:
            if len(self._kept) > _DAYS:
                self._kept.clear()
            past = self._kept[day] = add_duration_or_last(day, self._tenant.retention) < self._today
        return past

    def identity(self, call: RawCall) -> bytes:
        return hashlib.blake2b(
            source_identity(call).encode("utf-8"), key=self._identity_key, digest_size=_DIGEST
        ).digest()

    def land(self, calls: Sequence[RawCall]) -> None:
        """Write a batch's new calls (in the caller's open transaction)."""
        if not calls:
            return
        uow, counts = self._uow, self.counts
        self.keys.heartbeat()
        identities = [self.identity(call) for call in calls]
        existing = uow.calls.existing_keys(
            self._tenant.id,
            [(call.start, key) for call, key in zip(calls, identities, strict=True)],
        )
        fresh: list[tuple[RawCall, bytes]] = []
        for call, key in zip(calls, identities, strict=True):
            if key in existing:
                counts.duplicates += 1
                continue
            existing.add(key)
            fresh.append((call, key))
        if not fresh:
            return
        current = [not self._past_retention(call.start) for call, _key in fresh]
        counts.past_retention += current.count(False)
        groups = self._correlator.groups(uow, [call for call, _key in fresh])
        parties, wanted = _parties(fresh, current, counts, _withheld_before(groups))
        resolution = self._resolver.resolve(uow, wanted, self._clock.now())
        counts.add_created(resolution.created_ids)
        rows: list[tuple[Any, ...]] = []
        members: dict[int, StoredCall] = {}
        links: list[tuple[str, bytes, datetime, bytes]] = []
        months: set[tuple[int, int]] = set()
        tenant_id, ingest_id, rollups = self._tenant.id, self._ingest_id, self._rollups
        for index, ((call, key), (caller, callee), named) in enumerate(
            zip(fresh, parties, current, strict=True)
        ):
            start = call.start
            caller_ref = callee_ref = agent_ref = None
            if named:
                caller_ref, callee_ref, agent_ref = _refs(
                    call, (caller, callee), resolution, counts
                )
            queue = self._queue(call.queue)
            utc = start.astimezone(UTC)  # partitions are UTC months, as the rows are stored
            months.add((utc.year, utc.month))
            row = (
                tenant_id,
                key,
                start,
                call.answer,
                call.end,
                call.direction.value,
                call.disposition.value,
                queue,
                call.wait_s,
                call.ring_s,
                call.talk_s,
                caller_ref,
                callee_ref,
                agent_ref,
                caller[0] is PartyKind.WITHHELD,
                callee[0] is PartyKind.WITHHELD,
                min(max(1, len(call.legs)), MOST_LEGS),
                call.format,
                ingest_id,
                start if queue is not None else None,
                source_of(call.format),
            )
            group = groups.get(index)
            if group is not None:
                if len(group.members) > 1 or group.stored is not None:
                    members[index] = _stored(row)  # joined with another record: settled below
                    continue
                links.extend((tenant_id, k, start, key) for k in group.keys)  # a new call
            rows.append(row)
            if queue is not None:
                rollups.add(queue, call)
        self._prepare_months(months)
        uow.calls.add_call_rows(rows)
        uow.calls.add_links(links, new=True)  # no call is stored under them: looked up
        counts.stored += len(rows)
        if members:
            self._settle(groups, members)
        if len(rollups) > FLUSH_CELLS:
            rollups.flush(uow)

    def _prepare_months(self, months: set[tuple[int, int]]) -> None:
        """Make sure the store can take calls of these (year, month)s (PostgreSQL partitions)."""
        new_months = months - self._months
        if new_months:
            self._uow.calls.prepare_months(new_months)
            self._months |= new_months

    def _settle(self, groups: dict[int, Group], members: dict[int, StoredCall]) -> None:
        """The records with PBX ids: joined together and into the calls stored."""
        uow, counts = self._uow, self.counts
        unique = list({id(groups[i]): groups[i] for i in members}.values())
        outcome = self._correlator.settle(unique, members, self._rollups)
        uow.calls.add_calls(outcome.added)
        uow.calls.update_calls(outcome.changed)
        uow.calls.add_links(self._correlator.links(unique))
        counts.stored += len(outcome.added)
        counts.joined += outcome.joined
        counts.duplicates += outcome.duplicates

    @property
    def months(self) -> set[tuple[int, int]]:
        """The (year, month) of every call written."""
        return set(self._months)

    def finish(self) -> None:
        """Write the rollups held, and unlink any subject shredded while this ingest ran."""
        self._rollups.flush(self._uow, final=True)
        self._uow.calls.unlink_erased(self._ingest_id, since=self._started)


Party = tuple[PartyKind, str | None]


def _ref(
    key: PartyKey,
    start: datetime,
    subjects: dict[PartyKey, str],
    erased: dict[PartyKey, datetime],
    counts: WriterCounts,
) -> str | None:
    """The subject a named party is stored as: none if its number or agent id was erased after
    the call started (the erased person's call), or if it is not a valid number."""
    if erased:
        erased_at = erased.get(key)
        if erased_at is not None and start < erased_at:
            counts.erased += 1
            return None
    ref = subjects.get(key)
    if ref is None:
        counts.unreadable += 1
    return ref


def _refs(
    call: RawCall, parties: tuple[Party, Party], resolution: Resolution, counts: WriterCounts
) -> tuple[str | None, str | None, str | None]:
    """The subjects a call within retention is stored as: (caller, callee, agent)."""
    start, (caller, callee) = call.start, parties
    subjects, erased = resolution.subjects, resolution.erased
    caller_ref = callee_ref = agent_ref = None
    if caller[1] is not None:
        caller_ref = _ref((caller[0], caller[1]), start, subjects, erased, counts)
    if callee[1] is not None:
        callee_ref = _ref((callee[0], callee[1]), start, subjects, erased, counts)
    if call.agent_id:
        agent_ref = _ref((PartyKind.AGENT, call.agent_id), start, subjects, erased, counts)
    return caller_ref, callee_ref, agent_ref


def _withheld_before(groups: dict[int, Group]) -> set[int]:
    """The records whose call is stored with its caller withheld by another source: their
    caller is withheld too, so its number is not looked at."""
    return {
        index
        for index, group in groups.items()
        if group.stored is not None and group.stored.caller_withheld
    }


def _stored(row: tuple[Any, ...]) -> StoredCall:
    """A row built by `CallWriter.land` as the call it describes."""
    values = list(row)
    values[5] = Direction(values[5])
    values[6] = Disposition(values[6])
    return StoredCall(*values)


def _parties(
    fresh: Sequence[tuple[RawCall, bytes]],
    current: Sequence[bool],
    counts: WriterCounts,
    withheld: set[int],
) -> tuple[list[tuple[Party, Party]], dict[PartyKey, datetime]]:
    """Each new call's (caller, callee) classified, and every party of a call within retention
    (`current`) to resolve, with the latest start of a call naming it. The callers of
    `withheld` (indexes) are withheld."""
    parties: list[tuple[Party, Party]] = []
    wanted: dict[PartyKey, datetime] = {}
    for index, ((call, _key), within) in enumerate(zip(fresh, current, strict=True)):
        caller, callee = classify_party(call.caller), classify_party(call.callee)
        if index in withheld:
            caller = (PartyKind.WITHHELD, None)
        parties.append((caller, callee))
        if not within:
            continue
        start = call.start
        named: list[PartyKey] = []
        for kind, value in (caller, callee):
            if value is not None:
                named.append((kind, value))
            elif kind is PartyKind.WITHHELD:
                counts.withheld += 1
        if call.agent_id:
            named.append((PartyKind.AGENT, call.agent_id))
        for key in named:
            latest = wanted.get(key)
            if latest is None or start > latest:
                wanted[key] = start
    return parties, wanted
