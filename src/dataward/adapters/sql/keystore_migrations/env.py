"""Alembic environment of the key store (its own database; see `dataward.adapters.sql.migrate`)."""

from __future__ import annotations

from alembic import context

from dataward.adapters.vault.keystore_tables import keystore_metadata

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=keystore_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        version_table="keystore_alembic_version",
    )
    context.run_migrations()
