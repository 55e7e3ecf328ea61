"""Steps that remove a subject's pseudonymous references from every store, run by shredding.

Each store that holds subject references registers its step when its module is imported (the
call store does the same in its own module), so shredding reaches every store that exists
without knowing them. A step runs inside the shredding transaction, before the subject's
identifiers are deleted (a step may still read their blind indexes), at the erasure's time, and
returns how many rows it changed, for the erasure report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

UnlinkStep = Callable[[Connection, str, datetime], int]
"""(connection, subject id, when the erasure happens) -> rows changed."""


@dataclass(frozen=True)
class RegisteredStep:
    name: str
    step: UnlinkStep


_STEPS: dict[str, RegisteredStep] = {}


def register_unlink_step(name: str, step: UnlinkStep) -> None:
    """Add (or replace, by name) the step that unlinks a subject from one store."""
    _STEPS[name] = RegisteredStep(name, step)


def unlink_steps() -> list[RegisteredStep]:
    return list(_STEPS.values())
