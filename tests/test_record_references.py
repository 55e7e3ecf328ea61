"""A contact goes only once no store holds a record of it: the contacts' sweep reads every table
that refers to a subject (`adapters/sql/retention/references.py`, from the unlink plan), so a
new store is picked up by its column, or stops the finder until it is named; a table with a
subject column that is not read fails here."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table

from dataward.adapters.sql.retention.references import (
    NOT_RECORDS,
    Reference,
    UnknownReference,
    record_references,
    references,
)
from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.unlink import RegisteredStep
from dataward.adapters.sql.unlink_plan import unlink_plan
from tests.test_unlink_plan import INDEXED, KEPT, _refers

TABLES = {table.name: table for table in metadata.sorted_tables}


def _expected() -> set[Reference]:
    """Every subject reference the unlink plan's finder sees, but the subject's own rows, its
    tombstone and the audit log, which are no record of it, and our own acts toward it (a
    notice we sent), which must not keep it."""
    found = {
        Reference(table.name, column.name)
        for table in metadata.sorted_tables
        if table.name not in KEPT and table.name not in NOT_RECORDS
        for column in table.columns
        if _refers(column)
    }
    return found | {Reference(table, column) for table, column in INDEXED.items()}


def _no_step(_connection: object, _subject: str, _at: object) -> int:
    return 0


def test_every_table_that_refers_to_a_subject_keeps_a_contact() -> None:
    assert set(record_references()) == _expected()
    assert {"consent_events", "rights_requests", "restrictions", "objections"} <= {
        ref.table for ref in record_references()
    }
    assert "purpose_notices" not in {ref.table for ref in record_references()}
    assert any("purpose_notices" in step.tables for step in unlink_plan())


def test_a_store_left_out_of_the_plan_is_not_read_and_is_caught() -> None:
    for left_out in unlink_plan():
        if set(left_out.tables) <= NOT_RECORDS:
            continue
        plan = tuple(step for step in unlink_plan() if step is not left_out)
        read = {ref.table for ref in references(plan, TABLES)}
        assert read != {ref.table for ref in _expected()}, left_out.name


def test_a_new_store_is_picked_up_by_its_column_or_stops_the_finder() -> None:
    extra = MetaData()
    notes = Table("notes", extra, Column("id", Integer), Column("subject_id", String(36)))
    odd = Table("odd", extra, Column("id", Integer), Column("owner", String(36)))
    tables = {**TABLES, "notes": notes, "odd": odd}
    plan = (*unlink_plan(), RegisteredStep("notes", _no_step, ("notes",)))
    assert Reference("notes", "subject_id") in references(plan, tables)
    unknown = (*plan, RegisteredStep("odd", _no_step, ("odd",)))
    with pytest.raises(UnknownReference, match="odd"):
        references(unknown, tables)
