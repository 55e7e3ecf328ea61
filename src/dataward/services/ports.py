"""The ports services depend on; adapters implement them, tests use the doubles beside them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import Any, Protocol, Self
from uuid import UUID

from dataward.domain.clock import Clock
from dataward.domain.subjects import Subject, Tombstone

__all__ = [
    "Clock",
    "RegisterRepository",
    "StoredRegister",
    "SubjectRepository",
    "UnitOfWork",
    "Vault",
]


@dataclass(frozen=True, slots=True)
class StoredRegister:
    id: int
    version: str
    last_updated: date
    sha256: str
    source: str
    document: str
    loaded_at: datetime
    active: bool


class RegisterRepository(Protocol):
    def add(
        self,
        *,
        version: str,
        last_updated: date,
        sha256: str,
        source: str,
        document: str,
        loaded_at: datetime,
    ) -> StoredRegister: ...

    def by_sha256(self, sha256: str) -> StoredRegister | None: ...

    def active(self) -> StoredRegister | None: ...

    def activate(self, register_id: int) -> None: ...

    def history(self) -> Sequence[StoredRegister]: ...


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

    def set_flag(self, subject_id: UUID | str, flag: str | None) -> None: ...

    def add_identifiers(self, rows: Sequence[dict[str, Any]]) -> None: ...

    def find_by_index(self, scope: str, kind: str, blind_index: bytes) -> str | None: ...

    def identifiers_of(self, subject_id: UUID | str) -> Sequence[StoredIdentifierLike]: ...

    def tombstone(self, subject_id: UUID | str) -> Tombstone | None: ...

    def erase(
        self, subject: Subject, *, at: datetime, reason: str, request_ref: str | None
    ) -> dict[str, int]: ...


class Vault(Protocol):
    """Per-subject data keys, sealing and opening identifiers, and blind indexes."""

    def create_keys(self, subject_ids: Sequence[str]) -> None: ...

    def seal(self, subject_id: str, plaintext: str) -> bytes: ...

    def open(self, subject_id: str, ciphertext: bytes) -> str: ...

    def blind_index(self, kind: str, normalised: str) -> bytes: ...

    def destroy_key(self, subject_id: str) -> bool: ...

    def has_key(self, subject_id: str) -> bool: ...


class UnitOfWork(Protocol):
    """One transaction over every repository; nothing is kept unless `commit()` is called."""

    @property
    def registers(self) -> RegisterRepository: ...

    @property
    def subjects(self) -> SubjectRepository: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def purge_freed_pages(self) -> None:
        """Make committed deletions physically final (outside the `with` block)."""
        ...
