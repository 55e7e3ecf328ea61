"""Tenants: the customer organisations whose telephony activity we process as their processor.

Each tenant is the controller of its call data: it sets how long calls are kept (its contract;
the register's default otherwise), the region its national numbers are read in, the zone its
PBX writes local times in, and the service-level threshold of its reports. Its controller
contact is a person, so it lives in the vault as a subject; the tenant holds the reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers

from dataward.domain.errors import DatawardError, InvalidValue
from dataward.domain.processing.retention import add_duration
from dataward.domain.register.model import Duration

TENANT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")
TENANT_NAME_CHARS: Final = 200
"""The longest organisation name a tenant keeps: its column's width."""

LONGEST_CALL_RETENTION: Final = Duration(years=100)
"""No contract keeps call records longer; every date computed from a retention (how long an
erased number is remembered, which calls are past retention) then stays on the calendar."""
CALL_RETENTIONS: Final = "a duration like P13M, from one day (P1D) to a hundred years (P100Y)"
_FROM: Final = date(2000, 1, 1)


def check_call_retention(text: str) -> Duration:
    """A tenant's call retention, parsed; `InvalidValue` for anything but a duration from one
    day to `LONGEST_CALL_RETENTION` (measured from a fixed day, so the bound does not move)."""
    try:
        retention = Duration.parse(text)
    except ValueError:
        raise InvalidValue("call_retention", CALL_RETENTIONS) from None
    longest = LONGEST_CALL_RETENTION
    if (
        retention.years > longest.years
        or retention.months > 12 * longest.years
        or retention.days > 366 * longest.years
        or not _FROM < add_duration(_FROM, retention) <= add_duration(_FROM, longest)
    ):
        raise InvalidValue("call_retention", CALL_RETENTIONS)
    return retention


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
    breach_notice_hours: int = 24
    """The hours its contract gives us to tell it of a breach of its data (Art. 33(2))."""

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
    if len(tenant.name) > TENANT_NAME_CHARS:
        raise TenantRefused(f"name: at most {TENANT_NAME_CHARS} characters")
    if tenant.region not in phonenumbers.SUPPORTED_REGIONS:
        raise TenantRefused("region: not a dialling region (e.g. GB)")
    try:
        ZoneInfo(tenant.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise TenantRefused("timezone: not a time zone (e.g. Europe/London)") from None
    check_call_retention(tenant.call_retention)
    if not 1 <= tenant.service_level_seconds <= 3600:
        raise TenantRefused("service_level_seconds: between 1 and 3600")
    if not 0 <= tenant.short_abandon_seconds <= 600:
        raise TenantRefused("short_abandon_seconds: between 0 and 600")
    if not 1 <= tenant.breach_notice_hours <= 72:
        raise TenantRefused("breach_notice_hours: between 1 and 72")
