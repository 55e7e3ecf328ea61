"""The port of the stored registers: every version loaded, and the one in force."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


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
