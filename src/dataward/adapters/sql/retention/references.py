"""Whether anything of a subject is left: every record of every store that refers to it.

The stores are those of the unlink plan (`unlink_plan.py`): every table an erasure must reach
because it refers to a subject, which `tests/test_unlink_plan.py` holds complete. A table of
the plan refers by a column that points at `subjects.id` (a foreign key) or is named as a
subject reference (`subject_id`, a call's `caller_ref`, `callee_ref` and `agent_ref`, a
tenant's `controller_contact`); a quarantined line's index of parties by one of the subject's
identifiers' blind indexes (`BY_INDEX`); a quarantined line itself through that index
(`THROUGH`). A table of the plan that refers in none of these ways stops `references()` with
`UnknownReference`, so a new store is either picked up or noticed, never passed over. The
subject's own rows (`subjects`, `identifiers`), its tombstone and the audit log (a random id,
no identifier) are not in the plan and are no record of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from sqlalchemy import Column, ColumnElement, Table, select

from dataward.adapters.sql.calls.tables import quarantine_parties
from dataward.adapters.sql.registry.tables import identifiers
from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.unlink import UnlinkPlan
from dataward.adapters.sql.unlink_plan import unlink_plan

SUBJECT_COLUMNS: Final = frozenset(
    {"subject_id", "subject_ref", "caller_ref", "callee_ref", "agent_ref", "controller_contact"}
)
"""Column names that hold a subject's id without a foreign key."""
BY_INDEX: Final = {quarantine_parties.name: "blind_index"}
"""Tables that name a subject by one of its identifiers' blind indexes."""
THROUGH: Final = {"call_quarantine": quarantine_parties.name}
"""Tables that name a subject only through another table of the plan (a line's parties)."""
NOT_RECORDS: Final = frozenset({"purpose_notices"})
"""Tables of the plan whose rows are our own acts toward a subject, not a record of it: a
notice we sent of a change of the register. Were it to keep a contact, telling a person of a
change would make us keep them longer, the opposite of what the notice is for; the rows still
go with the subject's erasure (the contacts' sweep shreds through the plan)."""


class UnknownReference(LookupError):
    """A table of the unlink plan whose reference to a subject is not known here."""


@dataclass(frozen=True, slots=True)
class Reference:
    """One way a table refers to a subject: by `column` (a blind index for `BY_INDEX`)."""

    table: str
    column: str


def references(plan: UnlinkPlan, tables: Mapping[str, Table]) -> tuple[Reference, ...]:
    """Every reference to a subject of the plan's tables, in the plan's order."""
    found: list[Reference] = []
    for step in plan:
        for name in step.tables:
            if name in NOT_RECORDS:
                continue
            columns = [c.name for c in tables[name].columns if _refers(c)]
            if name in BY_INDEX:
                found.append(Reference(name, BY_INDEX[name]))
            elif columns:
                found += [Reference(name, column) for column in columns]
            elif THROUGH.get(name) not in {t for s in plan for t in s.tables}:
                raise UnknownReference(
                    f"{name}: no column refers to a subject; name it in references.py"
                )
    return tuple(found)


@cache
def record_references() -> tuple[Reference, ...]:
    """The references of the unlink plan bootstrap binds, over the main database's tables."""
    return references(unlink_plan(), {table.name: table for table in metadata.sorted_tables})


def has_records(subject_id: ColumnElement[Any]) -> ColumnElement[bool]:
    """True where a record of any store refers to the subject whose id is `subject_id` (a
    column of the enclosing query, which each test correlates to)."""
    tables = {table.name: table for table in metadata.sorted_tables}
    tests = [_refers_to(tables[ref.table], ref, subject_id) for ref in record_references()]
    condition = tests[0]
    for test in tests[1:]:
        condition = condition | test
    return condition


def _refers_to(table: Table, ref: Reference, subject_id: ColumnElement[Any]) -> ColumnElement[bool]:
    """EXISTS a row of `table` naming the subject, correlated to the enclosing query alone."""
    if ref.table in BY_INDEX:
        named = table.join(identifiers, table.c[ref.column] == identifiers.c.blind_index)
        query = select(1).select_from(named).where(identifiers.c.subject_id == subject_id)
        return query.correlate_except(table, identifiers).exists()
    query = select(1).select_from(table).where(table.c[ref.column] == subject_id)
    return query.correlate_except(table).exists()


def _refers(column: Column[Any]) -> bool:
    by_key = any(fk.column.table.name == "subjects" for fk in column.foreign_keys)
    return by_key or column.name in SUBJECT_COLUMNS
