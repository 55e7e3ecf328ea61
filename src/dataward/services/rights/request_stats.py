"""The rights-request figures as a use case: per right and month of receipt, for the board and
the ICO (the definitions are `domain.requests.stats`'s).

They are the DCO's, who manages requests: reading them needs `manage_requests`, and count only
the requests within the role's tenant scope (a tenant's administrator its own tenant's, never
another's; the DCO every one). Counts only: no request is named, so the read is not audited.
"""

from __future__ import annotations

from datetime import date

from dataward.domain.permissions import require, tenants_in_reach
from dataward.domain.register.model import StaffAction
from dataward.domain.requests.model import uk_date
from dataward.domain.requests.stats import RequestStats, request_stats, stats_period
from dataward.services.context import UseCase


def read_request_stats(
    reading: UseCase, since: date | None = None, until: date | None = None
) -> RequestStats:
    """The figures of the requests received from `since` to `until` (both included; by
    default the twelve months of receipt to today); `reading` may only read."""
    actor = reading.actor
    require(reading.register, actor, StaffAction.MANAGE_REQUESTS, tenant_id=actor.tenant_id)
    period = stats_period(since, until, uk_date(reading.clock.now()))
    tenants = tenants_in_reach(reading.register, actor)
    with reading.uow as uow:
        return request_stats(uow.requests.facts(period, tenants), period)
