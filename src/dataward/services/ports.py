"""The ports services depend on; adapters implement them, tests use the doubles beside them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from types import TracebackType
from typing import Any, Protocol, Self
from uuid import UUID

from dataward.domain.audit import AuditDraft, AuditEntry
from dataward.domain.audit_search import AuditSearch, SearchSlice
from dataward.domain.breaches.affected import AffectedCount, AffectedScope
from dataward.domain.clock import Clock
from dataward.domain.subjects import Subject, Tombstone
from dataward.domain.tenants import Tenant
from dataward.services.breaches.ports import BreachRepository
from dataward.services.calls.ports import (
    CallRepository,
    NewIngest,
    Parser,
    ReleaseRepository,
    RollupRepository,
)
from dataward.services.cookies.ports import CookieChoiceRepository
from dataward.services.jobs.figure_ports import Figures
from dataward.services.jobs.ports import JobRepository
from dataward.services.keys.ports import DoomedKeyRepository
from dataward.services.marketing.ports import MarketingRepository
from dataward.services.organisation.account_ports import AccountRepository
from dataward.services.outreach.ports import MessageRepository
from dataward.services.processing.consent_ports import (
    ConsentRepository,
    ObjectionRepository,
    RestrictionRepository,
)
from dataward.services.processing.erasure_ports import (
    ErasedNumberRepository,
    HoldRepository,
    KeyOwnerRepository,
    LitigationHoldRepository,
    StatementRepository,
    SuppressionRepository,
)
from dataward.services.quarantine.ports import NewQuarantineLine, QuarantineRepository
from dataward.services.register.ports import (
    NewStoredRegister,
    PurposeNoticeRepository,
    RegisterRepository,
    StoredRegister,
)
from dataward.services.retention.ports import RetentionRepository
from dataward.services.rights.complaint_ports import ComplaintRepository
from dataward.services.rights.download_ports import DownloadRepository
from dataward.services.rights.request_ports import Mailer, RequestRepository
from dataward.services.sharing.ports import SharingRepository

__all__ = [
    "AffectedDataRepository",
    "AuditLog",
    "CallRepository",
    "Clock",
    "ConsentRepository",
    "Mailer",
    "NewIngest",
    "NewQuarantineLine",
    "NewStoredRegister",
    "ObjectionRepository",
    "Parser",
    "QuarantineRepository",
    "RegisterRepository",
    "RequestRepository",
    "RestrictionRepository",
    "RollupRepository",
    "StoredRegister",
    "SubjectRepository",
    "UnitOfWork",
    "Vault",
]


class StoredIdentifierLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def subject_id(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def ciphertext(self) -> bytes: ...


class SubjectRepository(Protocol):
    def add(self, subject: Subject) -> None: ...

    def add_many(self, many: Sequence[Subject]) -> None: ...

    def get(self, subject_id: UUID | str) -> Subject | None:
        """The subject; an erased one comes back from its tombstone with status ERASED."""
        ...

    def get_many(self, subject_ids: Sequence[str]) -> dict[str, Subject]:
        """The live subjects among these ids; erased and unknown ones are absent."""
        ...

    def set_flag(self, subject_id: UUID | str, flag: str | None) -> None: ...

    def set_relationship(
        self, subject_id: UUID | str, *, ended: date, last_transaction: date | None
    ) -> None: ...

    def add_identifiers(self, rows: Sequence[dict[str, Any]]) -> None: ...

    def find_by_index(self, scope: str, kind: str, blind_index: bytes) -> str | None: ...

    def find_many_by_index(
        self, scope: str, kind: str, blind_indexes: Sequence[bytes]
    ) -> dict[bytes, str]: ...

    def blind_indexes_of(self, subject_id: UUID | str, scope: str, kind: str) -> list[bytes]:
        """The blind indexes of the subject's identifiers of `kind` in `scope`."""
        ...

    def identifiers_of(self, subject_id: UUID | str) -> Sequence[StoredIdentifierLike]: ...

    def identifiers_of_many(
        self, subject_ids: Sequence[str]
    ) -> Mapping[str, Sequence[StoredIdentifierLike]]:
        """`identifiers_of` of each subject that has any, by subject id, in one read."""
        ...

    def tombstone(self, subject_id: UUID | str) -> Tombstone | None: ...

    def tombstoned_ids(self) -> Iterable[str]: ...

    def erase(
        self, subject: Subject, *, at: datetime, reason: str, request_ref: str | None
    ) -> dict[str, int]: ...


class Vault(Protocol):
    """Per-subject data keys, sealing and opening identifiers, and blind indexes."""

    def create_keys(self, subject_ids: Sequence[str], *, batch: str | None = None) -> None: ...

    def enrol(
        self, plaintexts: Mapping[str, Sequence[str]], *, batch: str | None = None
    ) -> dict[str, list[bytes]]:
        """New subjects: create their keys and seal their identifiers, in order. With `batch`
        the keys are named by it and its heartbeat refreshed (`KeyBatchLost` once the sweep
        has claimed it)."""
        ...

    def open_batch(self, label: str) -> str:
        """Register a batch of keys whose records land in a main-database transaction."""
        ...

    def heartbeat(self, batch: str) -> None:
        """The batch is alive; `KeyBatchLost` if the sweep has claimed it."""
        ...

    def close_batch(self, batch: str) -> None:
        """Every key of the batch is settled (its records landed, or it was destroyed)."""
        ...

    def seal(self, subject_id: str, plaintext: str) -> bytes: ...

    def open(self, subject_id: str, ciphertext: bytes) -> str: ...

    def blind_index(self, scope: str, kind: str, normalised: str) -> bytes: ...

    def destroy_key(self, subject_id: str) -> bool: ...

    def destroy_keys(self, subject_ids: Sequence[str]) -> int: ...

    def record_key(self, scope: str, purpose: str) -> bytes:
        """A key for keyed digests of records in one scope (derived from the index key)."""
        ...

    def purge_freed_pages(self) -> bool:
        """Make destroyed keys physically gone from the key store's files; False if it could
        not yet (a reader held SQLite's write-ahead log)."""
        ...

    def has_key(self, subject_id: str) -> bool: ...


class StaffTokenLike(Protocol):
    @property
    def actor_id(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def tenant_id(self) -> str | None: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def revoked_at(self) -> datetime | None: ...


class StaffRepository(Protocol):
    def add(
        self, *, actor_id: str, role: str, tenant_id: str | None, token_hash: str, at: datetime
    ) -> int: ...

    def by_hash(self, token_hash: str) -> StaffTokenLike | None: ...

    def revoke(self, actor_id: str, at: datetime) -> int: ...

    def all(self) -> Sequence[StaffTokenLike]: ...


class TextSink(Protocol):
    def write(self, text: str, /) -> object: ...


class AuditLog(Protocol):
    """The hash-chained audit log: append inside the caller's transaction, read in seq order."""

    def append(self, *drafts: AuditDraft) -> list[AuditEntry]:
        """Seal the drafts after the head, serialised against every other appender."""
        ...

    def head(self) -> AuditEntry | None: ...

    def count(self) -> int: ...

    def iter_entries(self, batch: int = 1000) -> Iterator[AuditEntry]: ...

    def entries_about(self, subject_ref: str, batch: int = 1000) -> Iterator[AuditEntry]:
        """The entries whose `subject_ref` is this subject's, in seq order."""
        ...

    def search(self, query: AuditSearch, part: SearchSlice) -> Sequence[AuditEntry]:
        """The entries `query` finds in `part` of the log, in seq order (one read)."""
        ...

    def export(self, out: TextSink) -> int:
        """Every entry as JSON Lines to `out`; returns how many."""
        ...


class TenantRepository(Protocol):
    def add(self, tenant: Tenant) -> None: ...

    def get(self, tenant_id: str) -> Tenant | None: ...

    def all(self) -> Sequence[Tenant]: ...


class AffectedDataRepository(Protocol):
    """Who a breach's scope concerns, read from the data (`domain.breaches.affected`)."""

    def count(self, scope: AffectedScope) -> AffectedCount:
        """How many people and records of the scope's stores fall in its window, counted by
        the database."""
        ...

    def subject_ids(self, scope: AffectedScope) -> Iterator[UUID]:
        """The distinct subjects the scope concerns that still exist (an erased person is
        told nothing), in no order, streamed: read them inside the unit of work."""
        ...


class Lease(Protocol):
    """A name held across processes (`UnitOfWork.lease`)."""

    @property
    def had(self) -> bool:
        """Whether the lease was had when asked for (False: another holder has it)."""
        ...

    def held(self) -> bool:
        """Whether it is still held now: a holder whose hold ended under it (its database
        connection lost) must stop before another holder's work meets its own."""
        ...


class UnitOfWork(Protocol):
    """One transaction over every repository; nothing is kept unless `commit()` is called."""

    @property
    def registers(self) -> RegisterRepository: ...

    @property
    def subjects(self) -> SubjectRepository: ...

    @property
    def staff(self) -> StaffRepository: ...

    @property
    def accounts(self) -> AccountRepository: ...

    @property
    def tenants(self) -> TenantRepository: ...

    @property
    def consents(self) -> ConsentRepository: ...

    @property
    def restrictions(self) -> RestrictionRepository: ...

    @property
    def objections(self) -> ObjectionRepository: ...

    @property
    def audit(self) -> AuditLog: ...

    @property
    def calls(self) -> CallRepository: ...

    @property
    def quarantine(self) -> QuarantineRepository: ...

    @property
    def rollups(self) -> RollupRepository: ...

    @property
    def requests(self) -> RequestRepository: ...

    @property
    def complaints(self) -> ComplaintRepository: ...

    @property
    def suppressions(self) -> SuppressionRepository: ...

    @property
    def holds(self) -> HoldRepository: ...

    @property
    def litigation_holds(self) -> LitigationHoldRepository: ...

    @property
    def statements(self) -> StatementRepository: ...

    @property
    def downloads(self) -> DownloadRepository: ...

    @property
    def erased_numbers(self) -> ErasedNumberRepository: ...

    @property
    def key_owners(self) -> KeyOwnerRepository: ...

    @property
    def doomed_keys(self) -> DoomedKeyRepository: ...

    @property
    def retention(self) -> RetentionRepository: ...

    @property
    def releases(self) -> ReleaseRepository: ...

    @property
    def messages(self) -> MessageRepository: ...

    @property
    def marketing(self) -> MarketingRepository: ...

    @property
    def sharing(self) -> SharingRepository: ...

    @property
    def purpose_notices(self) -> PurposeNoticeRepository: ...

    @property
    def breaches(self) -> BreachRepository: ...

    @property
    def breach_data(self) -> AffectedDataRepository: ...

    @property
    def cookie_choices(self) -> CookieChoiceRepository: ...

    @property
    def jobs(self) -> JobRepository: ...

    @property
    def figures(self) -> Figures: ...

    def lease(self, name: str) -> AbstractContextManager[Lease]:
        """Hold `name` across processes for a block; yields a lease not `had` when another
        holds it."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def purge_freed_pages(self) -> bool:
        """Make committed deletions physically final (outside the `with` block)."""
        ...
