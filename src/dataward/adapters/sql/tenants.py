"""Tenants, on SQLAlchemy Core."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Column, Connection, Integer, String, Table, insert, select, update

from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.types import UTCDateTime
from dataward.adapters.sql.unlink import RegisteredStep
from dataward.domain.tenants import TENANT_NAME_CHARS, Tenant

tenants = Table(
    "tenants",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(TENANT_NAME_CHARS), nullable=False),
    Column("region", String(2), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("call_retention", String(32), nullable=False),
    Column("service_level_seconds", Integer, nullable=False),
    Column("short_abandon_seconds", Integer, nullable=False),
    Column("controller_contact", String(36), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("breach_notice_hours", Integer, nullable=False, server_default="24"),
    comment="Customer organisations: controllers of their call data, we their processor.",
)


class SqlTenantRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, tenant: Tenant) -> None:
        self._connection.execute(
            insert(tenants).values(
                id=tenant.id,
                name=tenant.name,
                region=tenant.region,
                timezone=tenant.timezone,
                call_retention=tenant.call_retention,
                service_level_seconds=tenant.service_level_seconds,
                short_abandon_seconds=tenant.short_abandon_seconds,
                controller_contact=(
                    str(tenant.controller_contact) if tenant.controller_contact else None
                ),
                created_at=tenant.created_at,
                breach_notice_hours=tenant.breach_notice_hours,
            )
        )

    def get(self, tenant_id: str) -> Tenant | None:
        row = self._connection.execute(select(tenants).where(tenants.c.id == tenant_id)).first()
        return _tenant(row._mapping) if row else None

    def all(self) -> list[Tenant]:
        rows = self._connection.execute(select(tenants).order_by(tenants.c.id))
        return [_tenant(row._mapping) for row in rows]


def _tenant(row: Any) -> Tenant:
    return Tenant(
        id=row["id"],
        name=row["name"],
        region=row["region"],
        timezone=row["timezone"],
        call_retention=row["call_retention"],
        service_level_seconds=row["service_level_seconds"],
        short_abandon_seconds=row["short_abandon_seconds"],
        created_at=row["created_at"],
        controller_contact=UUID(row["controller_contact"]) if row["controller_contact"] else None,
        breach_notice_hours=row["breach_notice_hours"],
    )


def _unlink_controller_contact(connection: Connection, subject_id: str, _at: datetime) -> int:
    """A shredded controller contact leaves its tenant without one (to be set anew)."""
    return connection.execute(
        update(tenants)
        .where(tenants.c.controller_contact == subject_id)
        .values(controller_contact=None)
    ).rowcount


UNLINK = RegisteredStep("tenant_contacts", _unlink_controller_contact, (tenants.name,))
