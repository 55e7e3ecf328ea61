"""The retention sweep's repository: what is due, what is held, deleting, and the evidence."""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    RowMapping,
    and_,
    exists,
    func,
    insert,
    not_,
    select,
    text,
    update,
)

from dataward.adapters.sql.calls.store import TENANT_CLASS, tenant_key
from dataward.adapters.sql.calls.tables import call_quarantine, calls
from dataward.adapters.sql.engine import in_chunks
from dataward.adapters.sql.leases import holds_frozen
from dataward.adapters.sql.processing.consent import restriction_of, restrictions
from dataward.adapters.sql.processing.erasure_tables import marketing_suppressions
from dataward.adapters.sql.processing.litigation_holds import litigation_holds
from dataward.adapters.sql.registry.tables import subjects
from dataward.adapters.sql.retention import consent as consent_store
from dataward.adapters.sql.retention import contacts as contacts_store
from dataward.adapters.sql.retention import downloads as downloads_store
from dataward.adapters.sql.retention import expired_calls
from dataward.adapters.sql.retention import records as records_store
from dataward.adapters.sql.retention import requests as requests_store
from dataward.adapters.sql.retention.tables import retention_sweeps
from dataward.adapters.sql.rights.requests import rights_requests
from dataward.domain.processing.restrictions import KEEP_GROUNDS, RestrictionGround
from dataward.domain.register.model import HoldKind
from dataward.domain.requests.model import TERMINAL
from dataward.domain.retention.consent import ConsentRecord
from dataward.domain.retention.holds import ERASURE_OPPOSED
from dataward.domain.retention.records import BasisRecord, DisclosureRecord, SentRecord
from dataward.domain.retention.sweeps import SweepRecord, SweepState, SweepStore, Target
from dataward.domain.subjects import SubjectStatus
from dataward.services.retention.ports import (
    ClosedRequest,
    Due,
    OwnContact,
    OwnSubject,
    Removed,
    Scope,
)

_TRY_EVERY = 0.05
"""Seconds between tries of a tenant's lock."""


class SqlRetentionRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def held_subjects(self, tenant_id: str | None, now: datetime) -> dict[str, set[str]]:
        own = select(subjects.c.id).where(subjects.c.tenant_id == tenant_id)
        return self._holds(subjects_of=own, now=now)

    def holds_on(self, subject_ids: Collection[str], now: datetime) -> dict[str, set[str]]:
        """Every hold on each of these subjects (any kind), as `held_subjects` lists them."""
        held: dict[str, set[str]] = {}
        for chunk in in_chunks(sorted(subject_ids)):
            for subject_id, kinds in self._holds(subjects_of=chunk, now=now).items():
                held.setdefault(subject_id, set()).update(kinds)
        return held

    def freeze_holds(self) -> None:
        """Hold new holds back until this transaction ends (PostgreSQL): what it read of them
        stays true while it deletes. (SQLite serialises every writer.)"""
        holds_frozen(self._connection)

    def _holds(self, *, subjects_of: Any, now: datetime) -> dict[str, set[str]]:
        held: dict[str, set[str]] = {}
        c = self._connection
        lit = select(litigation_holds.c.subject_id, litigation_holds.c.ground).where(
            litigation_holds.c.subject_id.in_(subjects_of), litigation_holds.c.lifted_at.is_(None)
        )
        for subject_id, ground in c.execute(lit):
            held.setdefault(subject_id, set()).add(ground)
        claims = select(restrictions).where(
            restrictions.c.subject_id.in_(subjects_of),
            restrictions.c.ground.in_(sorted(ground.value for ground in KEEP_GROUNDS)),
            restrictions.c.lifted_at.is_(None),
        )
        for row in c.execute(claims):
            restriction = restriction_of(row._mapping)
            if restriction.is_active(now):  # the domain's reckoning of an end date
                kind = _RESTRICTION_HOLD[restriction.ground]
                held.setdefault(str(restriction.subject_id), set()).add(kind)
        open_requests = select(rights_requests.c.subject_id).where(
            rights_requests.c.subject_id.in_(subjects_of),
            rights_requests.c.state.not_in([state.value for state in TERMINAL]),
        )
        for (subject_id,) in c.execute(open_requests):
            held.setdefault(subject_id, set()).add(HoldKind.OPEN_RIGHTS_REQUEST.value)
        return held

    def named_as_agents(self, subject_ids: Collection[str]) -> set[str]:
        """Those of these subjects a call (any tenant's) still names as its agent."""
        named: set[str] = set()
        for chunk in in_chunks(sorted(subject_ids)):
            named.update(
                self._connection.execute(
                    select(calls.c.agent_ref).where(calls.c.agent_ref.in_(chunk)).distinct()
                ).scalars()
            )
        return named

    def pending_lines(self, line_ids: Collection[int]) -> list[int]:
        """Those of these quarantined lines still pending (not resolved by anyone meanwhile)."""
        found: list[int] = []
        for chunk in in_chunks(sorted(line_ids)):
            found += self._connection.execute(
                select(call_quarantine.c.id).where(
                    call_quarantine.c.id.in_(chunk),
                    call_quarantine.c.resolved_at.is_(None),
                    call_quarantine.c.header.is_(False),
                )
            ).scalars()
        return sorted(found)

    def exclude_ingests(self, tenant_id: str, wait_s: float) -> bool:
        """Wait at most `wait_s` seconds for the tenant's ingests under way to end, then hold
        new ones back until this transaction ends (PostgreSQL; on SQLite a writer already has
        the database to itself). Tried, not queued for: a sweep waiting in the lock's queue
        would hold back every new ingest of the tenant behind the one under way."""
        if self._connection.dialect.name != "postgresql":
            return True
        key = {"c": TENANT_CLASS, "k": tenant_key(tenant_id)}
        deadline = time.monotonic() + wait_s
        while True:
            had = self._connection.execute(
                text("SELECT pg_try_advisory_xact_lock(:c, :k)"), key
            ).scalar_one()
            if had:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(_TRY_EVERY)

    def calls_due(self, scope: Scope) -> Due:
        return expired_calls.count_due(self._connection, scope)

    def held_calls(self, scope: Scope) -> tuple[int, Mapping[str, int]]:
        return expired_calls.count_held(self._connection, scope)

    def delete_calls(self, scope: Scope, limit: int) -> Removed:
        return expired_calls.delete_batch(self._connection, scope, limit)

    def parties_due(
        self, scope: Scope, kinds: Collection[str], among: Sequence[str] | None = None
    ) -> list[tuple[str, datetime]]:
        if among is None:
            return self._parties_due(scope, kinds, None)
        found: list[tuple[str, datetime]] = []
        for chunk in in_chunks(sorted(among)):
            found += self._parties_due(scope, kinds, chunk)
        return sorted(found)

    def _parties_due(
        self, scope: Scope, kinds: Collection[str], among: list[str] | None
    ) -> list[tuple[str, datetime]]:
        postgres = self._connection.dialect.name == "postgresql"
        kept = not_(expired_calls.due(scope, postgres))
        conditions = [
            subjects.c.tenant_id == scope.tenant_id,
            subjects.c.kind.in_(sorted(kinds)),
            subjects.c.status != SubjectStatus.ERASED.value,
            subjects.c.created_at < scope.before,
            *(~exists().where(calls.c[name] == subjects.c.id, kept) for name in _PARTIES),
        ]
        if scope.held:
            held = sorted(scope.held)
            conditions.append(~expired_calls.member(subjects.c.id, held, postgres))
        if among is not None:
            conditions.append(subjects.c.id.in_(among))
        query = select(subjects.c.id, subjects.c.created_at).where(and_(*conditions))
        return [(row[0], row[1]) for row in self._connection.execute(query.order_by(subjects.c.id))]

    def own_subjects(self, kinds: Collection[str]) -> list[OwnSubject]:
        query = (
            select(
                subjects.c.id,
                subjects.c.kind,
                subjects.c.relationship_end,
                subjects.c.last_transaction,
            )
            .where(
                subjects.c.tenant_id.is_(None),
                subjects.c.kind.in_(sorted(kinds)),
                subjects.c.status != SubjectStatus.ERASED.value,
            )
            .order_by(subjects.c.id)
        )
        return [OwnSubject(*row) for row in self._connection.execute(query)]

    def own_contacts(
        self, kinds: Collection[str], among: Sequence[str] | None = None
    ) -> list[OwnContact]:
        return contacts_store.own_contacts(self._connection, kinds, among)

    def lock_subjects(self, subject_ids: Collection[str]) -> None:
        contacts_store.lock_subjects(self._connection, subject_ids)

    def closed_requests(self) -> list[ClosedRequest]:
        return requests_store.closed(self._connection)

    def litigation_holds_on(self, subject_ids: Collection[str]) -> dict[str, set[str]]:
        held: dict[str, set[str]] = {}
        for chunk in in_chunks(sorted(subject_ids)):
            rows = self._connection.execute(
                select(litigation_holds.c.subject_id, litigation_holds.c.ground).where(
                    litigation_holds.c.subject_id.in_(chunk), litigation_holds.c.lifted_at.is_(None)
                )
            )
            for subject_id, ground in rows:
                held.setdefault(subject_id, set()).add(ground)
        return held

    def delete_requests(self, request_ids: Sequence[str]) -> list[str]:
        return requests_store.delete_closed(self._connection, request_ids)

    def consent_records(self, subject_ids: Collection[str] | None = None) -> list[ConsentRecord]:
        return consent_store.records(self._connection, subject_ids)

    def delete_consent_records(self, ids: Sequence[int]) -> list[int]:
        return consent_store.delete_records(self._connection, ids)

    def campaign_sends(self, subject_ids: Collection[str] | None = None) -> list[SentRecord]:
        return records_store.sends(self._connection, subject_ids)

    def marketing_bases(self, subject_ids: Collection[str] | None = None) -> list[BasisRecord]:
        return records_store.bases(self._connection, subject_ids)

    def disclosure_entries(
        self, subject_ids: Collection[str] | None = None
    ) -> list[DisclosureRecord]:
        return records_store.entries(self._connection, subject_ids)

    def delete_kept_records(self, store: SweepStore, ids: Sequence[bytes]) -> list[bytes]:
        return records_store.delete_records(self._connection, store, ids)

    def downloads_expired(self, bound: datetime) -> Due:
        return downloads_store.count_expired(self._connection, bound)

    def delete_downloads(self, bound: datetime, limit: int) -> tuple[Removed, list[str]]:
        return downloads_store.delete_expired(self._connection, bound, limit)

    def suppression_entries(self) -> int:
        return int(
            self._connection.execute(
                select(func.count()).select_from(marketing_suppressions)
            ).scalar_one()
        )

    def start_sweep(self, target: Target, actor: str, at: datetime) -> SweepRecord:
        values = {
            "rule": target.rule,
            "store": target.store.value,
            "tenant_id": target.tenant_id,
            "as_of": target.as_of,
            "retention": target.retention,
            "kept_from": target.kept_from,
            "actor": actor,
            "started_at": at,
            "finished_at": None,
            "state": SweepState.RUNNING.value,
            "removed": 0,
            "held": 0,
            "batches": 0,
            "oldest": None,
            "digest": "0" * 64,
            "heartbeat_at": at,
        }
        sweep_id = self._connection.execute(
            insert(retention_sweeps).values(values).returning(retention_sweeps.c.id)
        ).scalar_one()
        return _record({**values, "id": sweep_id})

    def running_sweep(self, target: Target) -> SweepRecord | None:
        row = self._connection.execute(
            select(retention_sweeps)
            .where(
                retention_sweeps.c.tenant_id == target.tenant_id,
                retention_sweeps.c.state == SweepState.RUNNING.value,
                retention_sweeps.c.rule == target.rule,
                retention_sweeps.c.store == target.store.value,
            )
            .order_by(retention_sweeps.c.id.desc())
            .limit(1)
        ).first()
        return None if row is None else _record(row._mapping)

    def save_sweep(self, record: SweepRecord) -> None:
        self._connection.execute(
            update(retention_sweeps)
            .where(retention_sweeps.c.id == record.id)
            .values(
                finished_at=record.finished_at,
                state=record.state.value,
                removed=record.removed,
                held=record.held,
                batches=record.batches,
                oldest=record.oldest,
                digest=record.digest,
                heartbeat_at=record.heartbeat_at,
            )
        )

    def sweeps(self, limit: int) -> list[SweepRecord]:
        rows = self._connection.execute(
            select(retention_sweeps).order_by(retention_sweeps.c.id.desc()).limit(limit)
        )
        return [_record(row._mapping) for row in rows]


_PARTIES = expired_calls.PARTIES
_RESTRICTION_HOLD = {
    RestrictionGround.NEEDED_FOR_LEGAL_CLAIMS: HoldKind.LEGAL_CLAIMS.value,
    RestrictionGround.UNLAWFUL_PROCESSING_ERASURE_OPPOSED: ERASURE_OPPOSED,
}
"""How a restriction that keeps the data is listed among a plan's holds."""


def _record(row: Mapping[str, Any] | RowMapping) -> SweepRecord:
    target = Target(
        rule=row["rule"],
        store=SweepStore(row["store"]),
        tenant_id=row["tenant_id"],
        as_of=row["as_of"],
        retention=row["retention"],
        kept_from=row["kept_from"],
    )
    return SweepRecord(
        id=int(row["id"]),
        target=target,
        actor=row["actor"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        state=SweepState(row["state"]),
        removed=int(row["removed"]),
        held=int(row["held"]),
        batches=int(row["batches"]),
        oldest=row["oldest"],
        digest=row["digest"],
        heartbeat_at=row["heartbeat_at"],
    )
