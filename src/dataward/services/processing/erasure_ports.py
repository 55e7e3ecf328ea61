"""Ports of what erasure leaves or finishes: the marketing suppression list, erasures kept
partial by a legal hold, litigation holds that keep a subject from erasure, erased callers'
numbers, and the owners of keys the sweep checks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from dataward.domain.processing.legal_hold import ErasureHold
from dataward.domain.processing.litigation_holds import LitigationHold


class SuppressionRepository(Protocol):
    """Digests of e-mail addresses and phone numbers never to be added for marketing again."""

    def add(self, entries: Iterable[tuple[bytes, str]], *, source: str, at: datetime) -> int: ...

    def suppressed(self, digests: Sequence[bytes]) -> set[bytes]: ...

    def indexes_of(
        self, subject_id: str, scope: str, kinds: Sequence[str]
    ) -> list[tuple[str, bytes]]: ...


class HoldRepository(Protocol):
    """Subjects erased but for what a legal hold keeps, with the date the rest goes."""

    def add(self, hold: ErasureHold) -> None: ...

    def get(self, subject_id: str) -> ErasureHold | None: ...

    def get_many(self, subject_ids: Sequence[str]) -> dict[str, ErasureHold]:
        """The holds of those of the subjects that have one, by subject id."""
        ...

    def due(self, on: date) -> Sequence[ErasureHold]: ...

    def undated(self) -> Sequence[ErasureHold]: ...

    def delete_identifiers(self, subject_id: str, kinds: Sequence[str]) -> int: ...

    def unlink_except(
        self, subject_id: str, at: datetime, keep: Sequence[str] = ()
    ) -> dict[str, int]: ...


class LitigationHoldRepository(Protocol):
    """Litigation holds, active and lifted (`domain.processing.litigation_holds`)."""

    def add(self, hold: LitigationHold) -> None: ...

    def get(self, hold_id: UUID | str) -> LitigationHold | None: ...

    def active_for(self, subject_id: UUID | str) -> Sequence[LitigationHold]: ...

    def listed(
        self, *, tenants: Sequence[str | None] | None = None, include_lifted: bool = False
    ) -> Sequence[LitigationHold]:
        """Soonest review first; only those of `tenants` (None: our own subjects) if given."""
        ...

    def set_review(self, hold_id: UUID | str, review_on: date) -> None: ...

    def lift(self, hold_id: UUID | str, *, at: datetime, by: str) -> bool:
        """False when the hold was lifted already."""
        ...


class StatementRepository(Protocol):
    """Supplementary statements (Art. 16), sealed under the subject's key."""

    def add(
        self,
        *,
        statement_id: str,
        subject_id: str,
        request_id: str | None,
        ciphertext: bytes,
        at: datetime,
    ) -> None: ...

    def of(self, subject_id: str) -> list[bytes]: ...


class ErasedNumberRepository(Protocol):
    """Keyed digests of callers' numbers erased in each tenant, with when (`erased_numbers`)."""

    def add(
        self, tenant_id: str, digests: Sequence[bytes], *, at: datetime, keep_until: date
    ) -> int: ...

    def any(self, tenant_id: str) -> bool: ...

    def erased_since(self, tenant_id: str, since: datetime) -> bool: ...

    def erased_at(self, tenant_id: str, digests: Sequence[bytes]) -> dict[bytes, datetime]: ...

    def expire(self, *, before: date) -> int: ...


class KeyOwnerRepository(Protocol):
    """What a key in the key store seals: a subject, a rights request, an ingest's quarantine."""

    def owned(self, key_ids: Sequence[str]) -> set[str]:
        """The ids among these that name a live record of the main database."""
        ...

    def hold(self, batch: str) -> None:
        """This transaction will own keys of `batch`: the batch's fence cannot be taken until
        it ends (PostgreSQL: a shared advisory lock; SQLite: the write lock it holds)."""
        ...

    def fence(self, batch: str) -> bool:
        """Take the batch's fence for the rest of this transaction, without waiting: False if
        a transaction that may own keys of it is under way. While the fence is held no such
        transaction can commit, nor start."""
        ...
