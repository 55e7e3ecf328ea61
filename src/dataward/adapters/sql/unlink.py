"""Steps that remove a subject's pseudonymous references from every store, run by shredding.

Each store that holds subject references defines its step beside its tables, naming the tables
it covers; `unlink_plan` lists them all in one place, and bootstrap hands that plan to the unit
of work, so shredding reaches every store listed (a test checks that every table holding a
subject reference is covered). A step runs inside the shredding transaction, before the subject's
identifiers are deleted (a step may still read their blind indexes), at the erasure's time, and
returns how many rows it changed, for the erasure report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Table, delete

UnlinkStep = Callable[[Connection, str, datetime], int]
"""(connection, subject id, when the erasure happens) -> rows changed."""


@dataclass(frozen=True)
class RegisteredStep:
    name: str
    step: UnlinkStep
    tables: tuple[str, ...]
    """The tables whose subject references the step removes."""


UnlinkPlan = tuple[RegisteredStep, ...]
"""Every store's step, in the order they run."""


def rows_of_subject(table: Table) -> RegisteredStep:
    """The step of a table whose rows are a subject's by its `subject_id`: delete them."""

    def step(connection: Connection, subject_id: str, _at: datetime) -> int:
        return int(
            connection.execute(delete(table).where(table.c.subject_id == subject_id)).rowcount
        )

    return RegisteredStep(table.name, step, (table.name,))
