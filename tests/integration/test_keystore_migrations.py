"""The key store's Alembic revisions build exactly `keystore_metadata`, and undo it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from dataward.adapters.sql import migrate
from dataward.adapters.sql.engine import make_engine
from dataward.adapters.vault.keystore_tables import keystore_metadata

VERSION_TABLE = "keystore_alembic_version"


@pytest.fixture
def keystore(keystore_url: str) -> Iterator[Engine]:
    engine = make_engine(keystore_url)
    yield engine
    engine.dispose()


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "version_table": VERSION_TABLE}
        )
        return list(compare_metadata(context, keystore_metadata))


def test_keystore_migrations_and_tables_agree(keystore: Engine) -> None:
    migrate.upgrade(keystore, store="keystore")
    assert _differences(keystore) == []


def test_keystore_upgrade_downgrade_upgrade(keystore: Engine) -> None:
    migrate.upgrade(keystore, store="keystore")
    tables = set(inspect(keystore).get_table_names())
    assert set(keystore_metadata.tables) <= tables
    assert VERSION_TABLE in tables
    assert "alembic_version" not in tables  # the main database's history is not touched
    migrate.downgrade(keystore, "base", store="keystore")
    assert migrate.current_revision(keystore, store="keystore") is None
    assert not set(keystore_metadata.tables) & set(inspect(keystore).get_table_names())
    migrate.upgrade(keystore, store="keystore")
    assert _differences(keystore) == []
    assert migrate.current_revision(keystore, store="keystore") is not None
