"""Alembic, driven from code: no alembic.ini to find, the same on every backend.

Two stores, two migration histories: the main database (`migrations/`) and the key store
(`keystore_migrations/`), which lives in a database of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from typing import Literal

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

Store = Literal["main", "keystore"]
_LOCATIONS: dict[str, tuple[str, str]] = {
    "main": ("migrations", "alembic_version"),
    "keystore": ("keystore_migrations", "keystore_alembic_version"),
}


def alembic_config(engine: Engine, store: Store = "main") -> Config:
    folder, _table = _LOCATIONS[store]
    config = Config()
    location = resources.files("dataward.adapters.sql").joinpath(folder)
    config.set_main_option("script_location", str(location))
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    config.attributes["engine"] = engine
    return config


NameDigest = Callable[[str, str], bytes]
"""(tenant id, file name) -> the keyed digest an ingest record keeps of its file's name."""


def upgrade(
    engine: Engine,
    revision: str = "head",
    *,
    store: Store = "main",
    name_digest: NameDigest | None = None,
) -> None:
    """Upgrade `store`; `name_digest`, when the key store is at hand, lets revision 0015 keep a
    digest of each earlier ingest's file name as it replaces the name by a label."""
    config = alembic_config(engine, store)
    if name_digest is not None:
        config.attributes["ingest_name_digest"] = name_digest
    command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str, *, store: Store = "main") -> None:
    command.downgrade(alembic_config(engine, store), revision)


def current_revision(engine: Engine, *, store: Store = "main") -> str | None:
    _folder, table = _LOCATIONS[store]
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": table})
        return context.get_current_revision()


def has_column(engine: Engine, table: str, column: str) -> bool:
    """Whether the schema as it stands has this column (a data step that needs a revision)."""
    inspector = inspect(engine)
    if not inspector.has_table(table):
        return False
    return any(c["name"] == column for c in inspector.get_columns(table))
