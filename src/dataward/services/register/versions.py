"""The register's versions as loaded, and what changed between two of them.

Every role may read them: the register is the published policy, and a version's record names
who loaded it nowhere (its source is the file's name as given at loading, its text the policy).
The diff is the same one `dataward policy diff` shows between two files
(`domain.register.diff`), here between two stored versions, each parsed by the parser bound at
start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dataward.domain.errors import NotFound
from dataward.domain.register.diff import RegisterDiff, diff_registers
from dataward.services.context import UseCase
from dataward.services.register.ports import StoredRegister
from dataward.services.register.store import RegisterParser


@dataclass(frozen=True, slots=True)
class RegisterVersion:
    id: int
    version: str
    last_updated: date
    sha256: str
    loaded_at: datetime
    active: bool


@dataclass(frozen=True, slots=True)
class VersionDiff:
    old: RegisterVersion
    new: RegisterVersion
    diff: RegisterDiff


def _version(stored: StoredRegister) -> RegisterVersion:
    return RegisterVersion(
        stored.id,
        stored.version,
        stored.last_updated,
        stored.sha256,
        stored.loaded_at,
        stored.active,
    )


def register_versions(ctx: UseCase) -> list[RegisterVersion]:
    """Every version loaded, oldest first."""
    with ctx.uow as uow:
        return [_version(stored) for stored in uow.registers.history()]


def diff_versions(ctx: UseCase, old_id: int, new_id: int, parse: RegisterParser) -> VersionDiff:
    """What changed from stored version `old_id` to `new_id` (NotFound for an unknown id)."""
    with ctx.uow as uow:
        history = {stored.id: stored for stored in uow.registers.history()}
    old, new = history.get(old_id), history.get(new_id)
    if old is None or new is None:
        raise NotFound("register version", str(old_id if old is None else new_id))
    changes = diff_registers(
        parse(old.document, f"register {old.version}").register,
        parse(new.document, f"register {new.version}").register,
    )
    return VersionDiff(_version(old), _version(new), changes)
