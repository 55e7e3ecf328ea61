"""Tenants: the customer organisations whose telephony activity we process as their processor.

Each tenant is the controller of its call data: it sets how long calls are kept (its contract;
the register's default otherwise), the region its national numbers are read in, the zone its
PBX writes local times in, and the service-level threshold of its reports. Its controller
contact is a person, so it lives in the vault as a subject; the tenant holds the reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers

from dataward.domain.errors import DatawardError
from dataward.domain.register import Duration

TENANT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")


class TenantRefused(DatawardError):
    code = "tenant_refused"


@dataclass(frozen=True, slots=True)
class Tenant:
    id: str
    name: str
    region: str
    timezone: str
    call_retention: str
    service_level_seconds: int
    short_abandon_seconds: int
    created_at: datetime
    controller_contact: UUID | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def retention(self) -> Duration:
        return Duration.parse(self.call_retention)


def check_tenant(tenant: Tenant) -> None:
    """Refuse a tenant whose settings could not be applied, naming the setting."""
    if not TENANT_ID.match(tenant.id):
        raise TenantRefused(
            "id: use 3-64 lower-case letters, digits and hyphens, e.g. acme-telecom"
        )
    if not tenant.name.strip():
        raise TenantRefused("name: empty")
    if tenant.region not in phonenumbers.SUPPORTED_REGIONS:
        raise TenantRefused("region: not a dialling region (e.g. GB)")
    try:
        ZoneInfo(tenant.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise TenantRefused("timezone: not a time zone (e.g. Europe/London)") from None
    try:
        Duration.parse(tenant.call_retention)
    except ValueError:
        raise TenantRefused("call_retention: not a duration like P7Y, P13M or P30D") from None
    if not 1 <= tenant.service_level_seconds <= 3600:
        raise TenantRefused("service_level_seconds: between 1 and 3600")
    if not 0 <= tenant.short_abandon_seconds <= 600:
        raise TenantRefused("short_abandon_seconds: between 0 and 600")
