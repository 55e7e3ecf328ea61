"""In-memory doubles of the ports, for service tests that need no database.

Each fake keeps its rows in plain lists and dicts and counts commits, as cosmicpython's
`FakeUnitOfWork` does; the SQL adapters are tested for real in `tests/integration`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from types import TracebackType
from typing import Any, Self, TypeVar
from uuid import UUID

from dataward.domain.audit import AuditDraft, AuditEntry, seal, to_json_line
from dataward.domain.audit_search import AuditSearch, SearchSlice
from dataward.domain.calendar import bank_holidays
from dataward.domain.clock import Clock
from dataward.domain.processing.consent import ConsentEvent
from dataward.domain.processing.legal_hold import ErasureHold
from dataward.domain.processing.litigation_holds import LitigationHold
from dataward.domain.processing.purpose_notice import Assessment, PendingChange
from dataward.domain.processing.restrictions import Objection, ObjectionOutcome, Restriction
from dataward.domain.register.model import Register
from dataward.domain.subjects import Actor, Subject, SubjectStatus, Tombstone
from dataward.domain.tenants import Tenant
from dataward.services.context import UseCase
from dataward.services.ports import NewStoredRegister, StoredRegister

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class FakeStoredIdentifier:
    id: int
    subject_id: str
    type: str
    ciphertext: bytes


class FakeRegisterRepository:
    def __init__(self) -> None:
        self.rows: list[StoredRegister] = []

    def add(self, register: NewStoredRegister) -> StoredRegister:
        stored = StoredRegister(
            id=len(self.rows) + 1,
            version=register.version,
            last_updated=register.last_updated,
            sha256=register.sha256,
            source=register.source,
            document=register.document,
            loaded_at=register.loaded_at,
            active=False,
        )
        self.rows.append(stored)
        return stored

    def by_sha256(self, sha256: str) -> StoredRegister | None:
        return next((r for r in self.rows if r.sha256 == sha256), None)

    def active(self) -> StoredRegister | None:
        return next((r for r in self.rows if r.active), None)

    def activate(self, register_id: int) -> None:
        self.rows = [replace(r, active=r.id == register_id) for r in self.rows]

    def history(self) -> Sequence[StoredRegister]:
        return list(self.rows)


class FakeSubjectRepository:
    def __init__(self) -> None:
        self.subjects: dict[str, Subject] = {}
        self.identifiers: list[FakeStoredIdentifier] = []
        self.indexes: dict[tuple[str, str, bytes], str] = {}
        self.tombstones: dict[str, Tombstone] = {}

    def add(self, subject: Subject) -> None:
        self.subjects[str(subject.id)] = subject

    def add_many(self, many: Sequence[Subject]) -> None:
        for subject in many:
            self.add(subject)

    def get_many(self, subject_ids: Sequence[str]) -> dict[str, Subject]:
        found = {key: self.get(key) for key in subject_ids}
        return {k: v for k, v in found.items() if v is not None and not v.erased}

    def get(self, subject_id: UUID | str) -> Subject | None:
        key = str(subject_id)
        if key in self.subjects:
            return self.subjects[key]
        stone = self.tombstones.get(key)
        if stone is None:
            return None
        return Subject(stone.subject_id, "erased", None, SubjectStatus.ERASED, stone.erased_at)

    def set_flag(self, subject_id: UUID | str, flag: str | None) -> None:
        key = str(subject_id)
        self.subjects[key] = replace(self.subjects[key], dco_flag=flag)

    def set_relationship(
        self, subject_id: UUID | str, *, ended: date, last_transaction: date | None
    ) -> None:
        key = str(subject_id)
        self.subjects[key] = replace(
            self.subjects[key], relationship_end=ended, last_transaction=last_transaction
        )

    def add_identifiers(self, rows: Sequence[dict[str, Any]]) -> None:
        for row in rows:
            self.identifiers.append(
                FakeStoredIdentifier(
                    len(self.identifiers) + 1, row["subject_id"], row["type"], row["ciphertext"]
                )
            )
            self.indexes[(row.get("scope", ""), row["type"], row.get("blind_index", b""))] = row[
                "subject_id"
            ]

    def find_by_index(self, scope: str, kind: str, blind_index: bytes) -> str | None:
        return self.indexes.get((scope, kind, blind_index))

    def find_many_by_index(
        self, scope: str, kind: str, blind_indexes: Sequence[bytes]
    ) -> dict[bytes, str]:
        found = {index: self.indexes.get((scope, kind, index)) for index in blind_indexes}
        return {index: subject for index, subject in found.items() if subject is not None}

    def identifiers_of(self, subject_id: UUID | str) -> Sequence[FakeStoredIdentifier]:
        return [i for i in self.identifiers if i.subject_id == str(subject_id)]

    def identifiers_of_many(
        self, subject_ids: Sequence[str]
    ) -> dict[str, list[FakeStoredIdentifier]]:
        return _by_subject(subject_ids, self.identifiers_of)

    def blind_indexes_of(self, subject_id: UUID | str, scope: str, kind: str) -> list[bytes]:
        return [
            index
            for (at, of, index), owner in self.indexes.items()
            if owner == str(subject_id) and (at, of) == (scope, kind)
        ]

    def tombstone(self, subject_id: UUID | str) -> Tombstone | None:
        return self.tombstones.get(str(subject_id))

    def tombstoned_ids(self) -> Iterable[str]:
        return list(self.tombstones)

    def erase(
        self, subject: Subject, *, at: datetime, reason: str, request_ref: str | None
    ) -> dict[str, int]:
        key = str(subject.id)
        before = len(self.identifiers)
        self.identifiers = [i for i in self.identifiers if i.subject_id != key]
        removed = self.subjects.pop(key, None)
        self.tombstones[key] = Tombstone(subject.id, at, reason, request_ref)
        return {"identifiers": before - len(self.identifiers), "subjects": int(bool(removed))}


class FakeConsentRepository:
    def __init__(self) -> None:
        self.events: list[ConsentEvent] = []

    def add(self, event: ConsentEvent) -> int:
        sequence = len(self.events) + 1
        self.events.append(replace(event, sequence=sequence))
        return sequence

    def events_for(self, subject_id: UUID | str) -> Sequence[ConsentEvent]:
        return [e for e in self.events if str(e.subject_id) == str(subject_id)]

    def events_for_many(self, subject_ids: Sequence[str]) -> dict[str, list[ConsentEvent]]:
        return _by_subject(subject_ids, self.events_for)


class FakeRestrictionRepository:
    def __init__(self) -> None:
        self.rows: dict[str, Restriction] = {}

    def add(self, restriction: Restriction) -> None:
        self.rows[str(restriction.id)] = restriction

    def get(self, restriction_id: UUID | str) -> Restriction | None:
        return self.rows.get(str(restriction_id))

    def for_subject(self, subject_id: UUID | str) -> Sequence[Restriction]:
        return [r for r in self.rows.values() if str(r.subject_id) == str(subject_id)]

    def for_subjects(self, subject_ids: Sequence[str]) -> dict[str, list[Restriction]]:
        return _by_subject(subject_ids, self.for_subject)

    def record_lift(self, lifted: Restriction) -> bool:
        stored = self.rows.get(str(lifted.id))
        if stored is None or stored.lifted_at is not None:
            return False
        self.rows[str(lifted.id)] = lifted
        return True


class FakeObjectionRepository:
    def __init__(self) -> None:
        self.rows: dict[str, Objection] = {}

    def add(self, objection: Objection) -> None:
        self.rows[str(objection.id)] = objection

    def get(self, objection_id: UUID | str) -> Objection | None:
        return self.rows.get(str(objection_id))

    def for_subject(self, subject_id: UUID | str) -> Sequence[Objection]:
        return [o for o in self.rows.values() if str(o.subject_id) == str(subject_id)]

    def for_subjects(self, subject_ids: Sequence[str]) -> dict[str, list[Objection]]:
        return _by_subject(subject_ids, self.for_subject)

    def record_decision(self, decided: Objection) -> bool:
        stored = self.rows.get(str(decided.id))
        if stored is None or stored.outcome is not ObjectionOutcome.PENDING:
            return False
        self.rows[str(decided.id)] = decided
        return True


@dataclass
class FakeStaffToken:
    actor_id: str
    role: str
    tenant_id: str | None
    token_hash: str
    created_at: datetime
    revoked_at: datetime | None = None


class FakeStaffRepository:
    def __init__(self) -> None:
        self.rows: list[FakeStaffToken] = []

    def add(
        self, *, actor_id: str, role: str, tenant_id: str | None, token_hash: str, at: datetime
    ) -> int:
        self.rows.append(FakeStaffToken(actor_id, role, tenant_id, token_hash, at))
        return len(self.rows)

    def by_hash(self, token_hash: str) -> FakeStaffToken | None:
        return next((r for r in self.rows if r.token_hash == token_hash), None)

    def all(self) -> list[FakeStaffToken]:
        return list(self.rows)

    def revoke(self, actor_id: str, at: datetime) -> int:
        live = [r for r in self.rows if r.actor_id == actor_id and r.revoked_at is None]
        for row in live:
            row.revoked_at = at
        return len(live)


class FakeAuditLog:
    """The chain in a list, sealed by the same domain code as the SQL log."""

    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    def append(self, *drafts: AuditDraft) -> list[AuditEntry]:
        sealed = seal(drafts, self.head())
        self.entries.extend(sealed)
        return sealed

    def head(self) -> AuditEntry | None:
        return self.entries[-1] if self.entries else None

    def count(self) -> int:
        return len(self.entries)

    def iter_entries(self, batch: int = 1000) -> Iterator[AuditEntry]:
        del batch
        return iter(list(self.entries))

    def entries_about(self, subject_ref: str, batch: int = 1000) -> Iterator[AuditEntry]:
        del batch
        return iter([e for e in self.entries if e.subject_ref == subject_ref])

    def search(self, query: AuditSearch, part: SearchSlice) -> list[AuditEntry]:
        subject = None if query.subject is None else str(query.subject)
        found = [
            e
            for e in self.entries
            if e.seq < part.before_seq
            and (part.after is None or e.seq > part.after)
            and (subject is None or e.subject_ref == subject)
            and (query.actor is None or e.actor == query.actor)
            and (query.action is None or e.action == query.action)
            and (query.since is None or e.at >= query.since)
            and (query.before is None or e.at < query.before)
        ]
        return found[: part.limit]

    def export(self, out: Any) -> int:
        for entry in self.entries:
            out.write(to_json_line(entry))
        return len(self.entries)


class FakeTenantRepository:
    def __init__(self) -> None:
        self.rows: dict[str, Tenant] = {}

    def add(self, tenant: Tenant) -> None:
        self.rows[tenant.id] = tenant

    def get(self, tenant_id: str) -> Tenant | None:
        return self.rows.get(tenant_id)

    def all(self) -> Sequence[Tenant]:
        return sorted(self.rows.values(), key=lambda t: t.id)


class FakeHoldRepository:
    """Erasures kept partial by a legal hold, by subject id (what the gate asks of them)."""

    def __init__(self) -> None:
        self.rows: dict[str, ErasureHold] = {}

    def add(self, hold: ErasureHold) -> None:
        self.rows[hold.subject_id] = hold

    def get(self, subject_id: str) -> ErasureHold | None:
        return self.rows.get(subject_id)

    def get_many(self, subject_ids: Sequence[str]) -> dict[str, ErasureHold]:
        return {s: self.rows[s] for s in subject_ids if s in self.rows}


class FakeLitigationHoldRepository:
    """Litigation holds by id, in the order placed."""

    def __init__(self) -> None:
        self.rows: dict[str, LitigationHold] = {}

    def add(self, hold: LitigationHold) -> None:
        self.rows[str(hold.id)] = hold

    def get(self, hold_id: UUID | str) -> LitigationHold | None:
        return self.rows.get(str(hold_id))

    def active_for(self, subject_id: UUID | str) -> list[LitigationHold]:
        return [h for h in self.rows.values() if str(h.subject_id) == str(subject_id) and h.active]

    def listed(
        self, *, tenants: Sequence[str | None] | None = None, include_lifted: bool = False
    ) -> list[LitigationHold]:
        found = [
            h
            for h in self.rows.values()
            if (include_lifted or h.active) and (tenants is None or h.tenant_id in tenants)
        ]
        return sorted(found, key=lambda h: (h.review_on, h.placed_at, str(h.id)))

    def set_review(self, hold_id: UUID | str, review_on: date) -> None:
        self.rows[str(hold_id)] = replace(self.rows[str(hold_id)], review_on=review_on)

    def lift(self, hold_id: UUID | str, *, at: datetime, by: str) -> bool:
        hold = self.rows[str(hold_id)]
        if not hold.active:
            return False
        self.rows[str(hold_id)] = replace(hold, lifted_at=at, lifted_by=by)
        return True


class FakeErasedNumberRepository:
    """Erased numbers' entries by (tenant, digest)."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, bytes], tuple[datetime, date]] = {}

    def add(
        self, tenant_id: str, digests: Sequence[bytes], *, at: datetime, keep_until: date
    ) -> int:
        for digest in digests:
            self.rows[(tenant_id, digest)] = (at, keep_until)
        return len(digests)

    def any(self, tenant_id: str) -> bool:
        return any(t == tenant_id for t, _ in self.rows)

    def erased_at(self, tenant_id: str, digests: Sequence[bytes]) -> dict[bytes, datetime]:
        return {d: self.rows[(tenant_id, d)][0] for d in digests if (tenant_id, d) in self.rows}

    def expire(self, *, before: date) -> int:
        gone = [k for k, (_, until) in self.rows.items() if until < before]
        for key in gone:
            del self.rows[key]
        return len(gone)


class FakeKeyOwners:
    """Owners of keys among the fake subjects; one transaction at a time, so every batch's
    fence is free and holding one is nothing. `held` lists the batches held."""

    def __init__(self, subjects: FakeSubjectRepository) -> None:
        self._subjects = subjects
        self.held: list[str] = []

    def owned(self, key_ids: Sequence[str]) -> set[str]:
        return {key for key in key_ids if key in self._subjects.subjects}

    def hold(self, batch: str) -> None:
        self.held.append(batch)

    def fence(self, batch: str) -> bool:  # noqa: ARG002
        return True


class FakePurposeNoticeRepository:
    """Changes of purpose in memory: none recorded unless a test adds them."""

    def __init__(self) -> None:
        self.changes: list[PendingChange] = []
        self.assessed: list[Assessment] = []
        self.sent_to: dict[str, int] = {}

    def changes_up_to(self, version: str) -> list[PendingChange]:
        del version
        return list(self.changes)

    def assessments(self) -> list[Assessment]:
        return list(self.assessed)

    def told(self, subject_ids: Sequence[str]) -> dict[str, int]:
        return {s: self.sent_to[s] for s in subject_ids if s in self.sent_to}

    def record_changes(self, register_id: int, changes: Sequence[object]) -> None:
        """Noted, as the store notes them; a test of the gate adds `PendingChange`s itself."""
        self.recorded = [*getattr(self, "recorded", []), (register_id, list(changes))]


class FakeUnitOfWork:
    """Every repository in memory; `commits` counts how often a use case committed."""

    def __init__(self) -> None:
        self.registers = FakeRegisterRepository()
        self.subjects = FakeSubjectRepository()
        self.consents = FakeConsentRepository()
        self.restrictions = FakeRestrictionRepository()
        self.objections = FakeObjectionRepository()
        self.staff = FakeStaffRepository()
        self.tenants = FakeTenantRepository()
        self.audit = FakeAuditLog()
        self.holds = FakeHoldRepository()
        self.litigation_holds = FakeLitigationHoldRepository()
        self.erased_numbers = FakeErasedNumberRepository()
        self.key_owners = FakeKeyOwners(self.subjects)
        self.purpose_notices = FakePurposeNoticeRepository()
        self.commits = 0

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    def commit(self) -> None:
        self.commits += 1

    def purge_freed_pages(self) -> bool:
        return True


class FakeVault:
    """Seals by tagging the plaintext with the subject; `opened` records every open."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.opened: list[str] = []
        self.batches: set[str] = set()

    def create_keys(self, subject_ids: Sequence[str], *, batch: str | None = None) -> None:
        if batch is not None:
            self.heartbeat(batch)
        self.keys.update(subject_ids)

    def enrol(
        self, plaintexts: Mapping[str, Sequence[str]], *, batch: str | None = None
    ) -> dict[str, list[bytes]]:
        self.create_keys(list(plaintexts), batch=batch)
        return {sid: [self.seal(sid, text) for text in texts] for sid, texts in plaintexts.items()}

    def open_batch(self, label: str) -> str:
        name = f"{label}-{len(self.batches) + 1}"
        self.batches.add(name)
        return name

    def heartbeat(self, batch: str) -> None:
        assert batch in self.batches

    def close_batch(self, batch: str) -> None:
        self.batches.discard(batch)

    def seal(self, subject_id: str, plaintext: str) -> bytes:
        return f"{subject_id}|{plaintext}".encode()

    def open(self, subject_id: str, ciphertext: bytes) -> str:
        owner, _, plaintext = ciphertext.decode().partition("|")
        assert owner == subject_id
        self.opened.append(subject_id)
        return plaintext

    def blind_index(self, scope: str, kind: str, normalised: str) -> bytes:
        return f"{scope}:{kind}:{normalised}".encode()

    def destroy_key(self, subject_id: str) -> bool:
        had = subject_id in self.keys
        self.keys.discard(subject_id)
        return had

    def destroy_keys(self, subject_ids: Sequence[str]) -> int:
        return sum(self.destroy_key(s) for s in subject_ids)

    def record_key(self, scope: str, purpose: str) -> bytes:
        return hashlib.sha256(f"{purpose}|{scope}".encode()).digest()

    def has_key(self, subject_id: str) -> bool:
        return subject_id in self.keys

    def purge_freed_pages(self) -> bool:
        return True


def use_case(
    uow: FakeUnitOfWork,
    clock: Clock,
    register: Register,
    actor: Actor,
    vault: FakeVault | None = None,
) -> UseCase:
    """A use case's context over these fakes; the bank holidays are the real ones (no I/O)."""
    return UseCase(uow, vault or FakeVault(), clock, bank_holidays(), register, actor)


def _by_subject(
    subject_ids: Sequence[str], one: Callable[[str], Sequence[T]]
) -> dict[str, list[T]]:
    """A batch read of the fakes: the single read of each subject, those with any."""
    found = {subject_id: list(one(subject_id)) for subject_id in dict.fromkeys(subject_ids)}
    return {subject_id: rows for subject_id, rows in found.items() if rows}
