"""The port of the stored registers: every version loaded, and the one in force."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from dataward.domain.processing.purpose_notice import Assessment, PendingChange, PurposeChange


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


@dataclass(frozen=True, slots=True)
class NewStoredRegister:
    """A register's text to keep, with what it says of itself and when it was loaded."""

    version: str
    last_updated: date
    sha256: str
    source: str
    document: str = field(repr=False)
    loaded_at: datetime


class RegisterRepository(Protocol):
    def add(self, register: NewStoredRegister) -> StoredRegister: ...

    def by_sha256(self, sha256: str) -> StoredRegister | None: ...

    def active(self) -> StoredRegister | None: ...

    def activate(self, register_id: int) -> None: ...

    def history(self) -> Sequence[StoredRegister]: ...


@dataclass(frozen=True, slots=True)
class NoticeQueued:
    """A notice of a register version queued for a subject, with its outbox message."""

    subject_id: UUID
    register_id: int
    message_id: UUID
    queued_at: datetime


class PurposeNoticeRepository(Protocol):
    """Changes of purpose: what each version changed, the DCO's assessments, who was told."""

    def record_changes(self, register_id: int, changes: Sequence[PurposeChange]) -> None: ...

    def changes_of(self, register_id: int) -> list[PurposeChange]: ...

    def changes_up_to(self, version: str) -> list[PendingChange]:
        """The changes recorded by `version` and every version stored before it."""
        ...

    def add_assessment(self, assessment: Assessment) -> None: ...

    def assessments(self) -> list[Assessment]: ...

    def told(self, subject_ids: Sequence[str]) -> dict[str, int]:
        """Per subject, the latest register version (its id) whose notice it was sent."""
        ...

    def to_tell(self, register_id: int, kinds: Sequence[str], before: datetime) -> list[str]:
        """Our own live subjects of `kinds` who came before `before`, neither sent this
        version's notice (or a later one) nor with one waiting in the outbox."""
        ...

    def queue(self, notices: Sequence[NoticeQueued]) -> None: ...

    def sent(self, message_id: str, at: datetime) -> None: ...

    def counts(self, register_id: int, kinds: Sequence[str], before: datetime) -> tuple[int, int]:
        """(subjects concerned, of them sent this version's notice or a later one)."""
        ...
