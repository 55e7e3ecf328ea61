"""The port of the stored registers: every version loaded, and the one in force."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
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
