"""Alembic revisions build exactly the schema the code declares, and undo it, on each backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from dataward.adapters.sql import migrate
from dataward.adapters.sql.schema import metadata


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def test_migrations_and_models_agree(engine: Engine) -> None:
    migrate.upgrade(engine)
    assert _differences(engine) == []


def test_upgrade_downgrade_upgrade(engine: Engine) -> None:
    migrate.upgrade(engine)
    assert set(metadata.tables) <= set(inspect(engine).get_table_names())
    migrate.downgrade(engine, "base")
    assert migrate.current_revision(engine) is None
    assert not set(metadata.tables) & set(inspect(engine).get_table_names())
    migrate.upgrade(engine)
    assert _differences(engine) == []
    assert migrate.current_revision(engine) is not None
