"""A fresh database per test, made at the cost of a replay rather than of every migration.

Most SQL tests start from an empty database migrated to head, on SQLite and on PostgreSQL, and
running the migrations (Alembic, 26 revisions and more) costs a few hundred milliseconds each
time: minutes over the suite. The first time a test process migrates an empty database of a
dialect and store to head, the SQL the migrations sent (DDL, the version row, any data step's
statements, in order, with their parameters) is recorded as it runs; later empty databases of
the same dialect and store get that SQL replayed in one transaction. A database that is not
empty, or a revision other than head, goes through Alembic as before, so the tests of upgrades
from earlier revisions are untouched. A recording that names its database's own schema (it
would not replay elsewhere) is not kept.

`tests/integration/test_migrated_schema.py` checks that a replayed database has the same tables,
columns, indexes, constraints and revision as one Alembic made, on both backends.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event, inspect, text

from dataward import installation
from dataward.adapters.sql import migrate

alembic_upgrade = migrate.upgrade


@dataclass
class _Script:
    statements: list[tuple[str, Any, bool]] = field(default_factory=list)


_TRANSACTION = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK)\b", re.IGNORECASE)

_scripts: dict[tuple[str, str], _Script | None] = {}
"""(dialect, store) -> the recorded SQL; None where a recording could not be kept."""


def upgrade(
    engine: Engine,
    revision: str = "head",
    *,
    store: migrate.Store = "main",
    name_digest: migrate.NameDigest | None = None,
) -> None:
    """`migrate.upgrade`, replayed from a recording where the database is empty."""
    if revision != "head" or not _empty(engine):
        alembic_upgrade(engine, revision, store=store, name_digest=name_digest)
        return
    key = (engine.dialect.name, store)
    if key not in _scripts:
        _scripts[key] = _record(engine, store, name_digest)
        return
    script = _scripts[key]
    if script is None:
        alembic_upgrade(engine, revision, store=store, name_digest=name_digest)
        return
    replay(engine, script)


def replay(engine: Engine, script: _Script) -> None:
    """The recorded statements, in one transaction (the recording's own BEGINs left out)."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("BEGIN IMMEDIATE")
        for statement, parameters, many in script.statements:
            if many:
                cursor.executemany(statement, parameters)
            elif parameters:
                cursor.execute(statement, parameters)
            else:
                cursor.execute(statement)
        cursor.close()
        raw.commit()
    finally:
        raw.close()


def recorded(dialect: str, store: migrate.Store = "main") -> _Script | None:
    return _scripts.get((dialect, store))


def _empty(engine: Engine) -> bool:
    return not inspect(engine).get_table_names()


def _record(
    engine: Engine, store: migrate.Store, name_digest: migrate.NameDigest | None
) -> _Script | None:
    script = _Script()

    def keep(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool
    ) -> None:
        if not _TRANSACTION.match(statement):
            script.statements.append((statement, parameters, many))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        alembic_upgrade(engine, store=store, name_digest=name_digest)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    own = _own_schema(engine)
    if own and any(re.search(rf"\b{re.escape(own)}\b", s) for s, _p, _m in script.statements):
        return None
    return script


def _own_schema(engine: Engine) -> str | None:
    """The schema a PostgreSQL database's objects land in (a test's own); None on SQLite."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    return str(schema) if schema != "public" else None


def install() -> None:
    """Route the suite's migrations through the recording, for this process (unless
    `DATAWARD_TEST_MIGRATIONS=alembic`: every database migrated by Alembic, as before)."""
    if os.environ.get("DATAWARD_TEST_MIGRATIONS") == "alembic":
        return
    for module in (migrate, installation):  # `installation` imported the name itself
        setattr(module, "upgrade", upgrade)  # noqa: B010
