"""The tables of the main database, on SQLAlchemy Core.

Each later use case adds its tables here (or in a module beside this one that shares
`metadata`) together with an Alembic revision; `tests/integration/test_migrations.py` fails
when the two disagree.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)

from dataward.adapters.sql.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

registers = Table(
    "registers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("version", String(64), nullable=False),
    Column("last_updated", Date, nullable=False),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("source", String(500), nullable=False),
    Column("document", Text, nullable=False, comment="The register YAML exactly as loaded"),
    Column("loaded_at", UTCDateTime(), nullable=False),
    Column("active", Boolean, nullable=False, server_default=text("false")),
    comment="Every register version ever loaded; exactly one is active.",
)
Index(
    "uq_registers_one_active",
    registers.c.active,
    unique=True,
    sqlite_where=registers.c.active,
    postgresql_where=registers.c.active,
)
