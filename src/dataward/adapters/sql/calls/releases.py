"""The privacy-budget ledger: one row per report released with differential-privacy noise (its
tenant, who, when, what report, the budget its mechanism certified, and how many cells), so
the budget spent on a tenant's data is a sum, not a search of the audit log. No personal data."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import (
    Column,
    Connection,
    Date,
    Float,
    Integer,
    String,
    Table,
    func,
    insert,
    select,
    text,
)

from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.types import UTCDateTime
from dataward.services.calls.ports import NewRelease

RELEASE_CLASS = int.from_bytes(b"dwdp", "big", signed=True)
"""The first half of a tenant's release lock (PostgreSQL)."""

dp_releases = Table(
    "dp_releases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tenant_id", String(64), nullable=False, index=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("report", String(64), nullable=False, comment="by and period: queue/day"),
    Column("first_day", Date, nullable=True),
    Column("last_day", Date, nullable=True),
    Column("epsilon", Float, nullable=False, comment="The budget the mechanism certified"),
    Column("cells", Integer, nullable=False),
    comment="Reports released with differential-privacy noise: the budget each spent.",
)


class SqlReleaseRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, release: NewRelease) -> None:
        self._connection.execute(
            insert(dp_releases).values(
                tenant_id=release.tenant_id,
                at=release.at,
                actor=release.actor,
                report=release.report,
                first_day=release.first,
                last_day=release.last,
                epsilon=release.epsilon,
                cells=release.cells,
            )
        )

    def lock(self, tenant_id: str) -> None:
        """Serialise the tenant's releases to the end of this transaction (PostgreSQL; SQLite
        serialises every writer)."""
        if self._connection.dialect.name == "postgresql":
            digest = hashlib.blake2b(tenant_id.encode(), digest_size=4).digest()
            self._connection.execute(
                text("SELECT pg_advisory_xact_lock(:c, :k)"),
                {"c": RELEASE_CLASS, "k": int.from_bytes(digest, "big", signed=True)},
            )

    def spent(self, tenant_id: str, since: datetime | None = None) -> float:
        query = select(func.coalesce(func.sum(dp_releases.c.epsilon), 0.0)).where(
            dp_releases.c.tenant_id == tenant_id
        )
        if since is not None:
            query = query.where(dp_releases.c.at >= since)
        return float(self._connection.execute(query).scalar_one())
