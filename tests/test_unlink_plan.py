"""Erasure reaches every store: each table holding a reference to a subject is covered by a
step of the unlink plan bootstrap binds, or is named below with why it keeps the reference.

A reference is a column that points at `subjects.id` by a foreign key, or that by its name
holds a subject's id (`subject_id`, `subject_ref`, `*_ref` of a call's party, a tenant's
`controller_contact`), or a quarantined line's party index. A new store of personal data fails
here until its step is in `adapters/sql/unlink_plan.py`.
"""

from __future__ import annotations

import re

from sqlalchemy import Column

from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.unlink_plan import unlink_plan
from dataward.bootstrap import bootstrap
from dataward.config import Settings
from dataward.domain.clock import FixedClock
from tests.builders import NOW

REFERENCE = re.compile(
    r"^(subject_id|subject_ref|caller_ref|callee_ref|agent_ref|controller_contact)$"
)

KEPT = {
    "subjects": "the subject's own row: deleted by the erasure itself, after every step",
    "identifiers": "the subject's identifiers: deleted by the erasure itself, after every step",
    "tombstones": "what remains of an erased subject: its id, kind, when and why, no data",
    "audit_log": "the tamper-evident record keeps the subject's random id and no identifier",
}
"""Tables that keep a subject reference by design, each with why."""

INDEXED = {"quarantine_parties": "blind_index"}
"""Tables that refer to a subject through an identifier's blind index."""


def _refers(column: Column[object]) -> bool:
    by_key = any(fk.column.table.name == "subjects" for fk in column.foreign_keys)
    return by_key or bool(REFERENCE.match(column.name))


def _referring_tables() -> set[str]:
    found = {t.name for t in metadata.sorted_tables if any(_refers(c) for c in t.columns)}
    return found | set(INDEXED)


def test_every_table_that_refers_to_a_subject_has_an_unlink_step() -> None:
    covered = {table for step in unlink_plan() for table in step.tables}
    missing = _referring_tables() - covered - KEPT.keys()
    assert not missing, f"no unlink step covers: {sorted(missing)}"


def test_every_step_covers_tables_that_exist_and_each_table_once() -> None:
    tables = {t.name for t in metadata.sorted_tables}
    listed = [table for step in unlink_plan() for table in step.tables]
    assert set(listed) <= tables
    assert len(listed) == len(set(listed))
    assert len({step.name for step in unlink_plan()}) == len(unlink_plan())


def test_the_reference_finder_finds_what_it_should() -> None:
    """The finder itself: the stores known to hold references are found by it."""
    found = _referring_tables()
    expected = {"calls", "consent_events", "rights_requests", "tenants", "litigation_holds"}
    assert expected <= found
    assert KEPT.keys() <= found | {"subjects"}


def test_bootstrap_binds_the_plan_into_every_unit_of_work(tmp_path: object) -> None:
    wired = bootstrap(Settings(data_dir=tmp_path), clock=FixedClock(NOW))  # type: ignore[arg-type]
    assert [s.name for s in wired.unlink] == [s.name for s in unlink_plan()]
    assert wired.uow()._unlink == wired.unlink


def test_a_plan_missing_a_store_is_caught() -> None:
    for left_out in unlink_plan():
        covered = {t for step in unlink_plan() if step is not left_out for t in step.tables}
        assert set(left_out.tables) & (_referring_tables() - covered), left_out.name
