"""The ports services depend on; adapters implement them, tests use the doubles beside them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import Protocol, Self

from dataward.domain.clock import Clock

__all__ = ["Clock", "RegisterRepository", "StoredRegister", "UnitOfWork"]


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


class UnitOfWork(Protocol):
    """One transaction over every repository; nothing is kept unless `commit()` is called."""

    @property
    def registers(self) -> RegisterRepository: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...
