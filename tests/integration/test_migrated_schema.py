"""The suite's fresh databases are made by replaying the SQL the migrations sent once
(`tests.migrated_schema`): a replayed database must be the one Alembic makes, or every SQL test
would run on a schema no installation has."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy import table as table_of

from dataward.adapters.sql import migrate
from dataward.adapters.sql.engine import make_engine
from tests import migrated_schema
from tests.conftest import _fresh_database


def _shape(engine: Engine) -> dict[str, Any]:
    """Every table with its columns, indexes, keys and checks, as the database reports them."""
    found = inspect(engine)
    shape: dict[str, Any] = {}
    for table in sorted(found.get_table_names()):
        shape[table] = {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"]) for c in found.get_columns(table)
            ],
            "indexes": sorted(
                (i["name"] or "", tuple(str(c) for c in i["column_names"]), bool(i["unique"]))
                for i in found.get_indexes(table)
            ),
            "primary": found.get_pk_constraint(table)["constrained_columns"],
            "foreign": sorted(
                (tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]))
                for f in found.get_foreign_keys(table)
            ),
            "unique": sorted(tuple(u["column_names"]) for u in found.get_unique_constraints(table)),
            "checks": sorted(c["sqltext"] for c in found.get_check_constraints(table)),
            "rows": _rows(engine, table),
        }
    shape["(triggers and functions)"] = _routines(engine)
    return shape


def _rows(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(select(func.count()).select_from(table_of(table))).scalar_one()
        )


def _routines(engine: Engine) -> list[str]:
    """What the inspector does not show: triggers (the audit log's guards) and functions."""
    if engine.dialect.name == "sqlite":
        query = "SELECT type || ' ' || name || ' ' || sql FROM sqlite_master WHERE type = 'trigger'"
    else:
        query = (
            "SELECT 'trigger ' || t.tgname || ' ' || pg_get_triggerdef(t.oid) FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal "
            "AND c.relnamespace = current_schema()::regnamespace "
            "UNION ALL SELECT 'function ' || p.proname || ' ' || pg_get_functiondef(p.oid) "
            "FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace"
        )
    with engine.connect() as connection:
        found = [str(row[0]) for row in connection.execute(text(query))]
    schema = _schema(engine)
    return sorted(line.replace(f"{schema}.", "") if schema else line for line in found)


def _schema(engine: Engine) -> str | None:
    if engine.dialect.name == "sqlite":
        return None
    with engine.connect() as connection:
        return str(connection.execute(text("SELECT current_schema()")).scalar_one())


@pytest.fixture
def more_urls(backend: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    for first in _fresh_database(backend, tmp_path / "first.db"):
        for second in _fresh_database(backend, tmp_path / "second.db"):
            yield first, second


@pytest.mark.parametrize("store", ["main", "keystore"])
def test_a_replayed_database_is_the_one_the_migrations_make(
    database_url: str, more_urls: tuple[str, str], store: migrate.Store
) -> None:
    engines = [make_engine(url) for url in (database_url, *more_urls)]
    by_alembic, first, replayed = engines
    try:
        migrated_schema.alembic_upgrade(by_alembic, store=store)
        migrate.upgrade(first, store=store)  # records, if this process had no recording yet
        migrate.upgrade(replayed, store=store)  # replays
        migrate.upgrade(replayed, store=store)  # and is a no-op on a migrated database
        assert migrated_schema.recorded(replayed.dialect.name, store) is not None
        assert _shape(by_alembic)  # the comparison compares something
        assert _shape(replayed) == _shape(by_alembic)
        assert migrate.current_revision(replayed, store=store) == migrate.current_revision(
            by_alembic, store=store
        )
    finally:
        for engine in engines:
            engine.dispose()
