"""Rotating the master key that wraps every data key, as a use case: who may, and its record.

The re-wrapping itself is the key store's (`adapters.vault.rotation`, bound by the entry
point); this checks `run_maintenance` first and audits the rotation once it has finished, with
the two keys' fingerprints, never a key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from dataward.domain.audit import AuditAction
from dataward.domain.permissions import require
from dataward.domain.register.model import StaffAction
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase


class Rotated(Protocol):
    """What a finished rotation reports."""

    @property
    def from_fingerprint(self) -> str: ...

    @property
    def to_fingerprint(self) -> str: ...

    @property
    def rewrapped(self) -> int: ...

    @property
    def resumed(self) -> bool: ...


R = TypeVar("R", bound=Rotated)


def rotate_master_key(ctx: UseCase, rotate: Callable[[], R]) -> R:
    """Check the actor may, run `rotate` (which resumes an interrupted rotation), audit it."""
    require(ctx.register, ctx.actor, StaffAction.RUN_MAINTENANCE)
    result = rotate()
    details = {
        "from_master": result.from_fingerprint,
        "to_master": result.to_fingerprint,
        "rewrapped": result.rewrapped,
        "resumed": result.resumed,
    }
    with ctx.uow:
        record(ctx.uow, ctx.clock, ctx.actor, Audited(AuditAction.KEYS_ROTATED, details=details))
        ctx.uow.commit()
    return result
