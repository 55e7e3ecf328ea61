"""What a retention plan or sweep works on: each tenant's calls and call parties, under the
tenant's call retention, as of a day; and the permission and day checks both make."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime

from dataward.domain.bounds import check_day
from dataward.domain.errors import ActionNotAllowed
from dataward.domain.permissions import require
from dataward.domain.register.model import Register, StaffAction
from dataward.domain.retention.cutoff import first_kept_day, start_of
from dataward.domain.retention.sweeps import SweepStore, Target
from dataward.domain.subjects import Actor
from dataward.domain.tenants import Tenant
from dataward.services.calls.parties import CALLER_KIND
from dataward.services.context import UseCase
from dataward.services.ports import UnitOfWork
from dataward.services.retention.ports import Scope

PARTY_KINDS = (CALLER_KIND,)
"""The subjects a tenant's calls make that are the tenant's: its callers. (Its agents are our
customer's users, `end_user` subjects of our own, kept under the customer-records rule.)"""


@dataclass(frozen=True, slots=True)
class TenantTargets:
    tenant_id: str
    calls: Target
    parties: Target
    quarantine: Target

    def scope(self, held: Collection[str]) -> Scope:
        """The tenant's items past retention. A caller goes once past retention counted from
        the later of its last call and the day we came to hold it (as our staff may erase a
        tenant's caller, `services.processing.processor_limits`): one a tenant registered
        without a call is kept as long as a call would be."""
        return Scope(self.tenant_id, start_of(self.calls.kept_from), frozenset(held))


def tenant_targets(register: Register, tenant: Tenant, as_of: date) -> TenantTargets:
    """The tenant's two targets: its calls, and the parties left without a call, both under its
    call retention (the register's call rule, whose period the tenant's contract sets)."""
    kept_from = first_kept_day(as_of, tenant.retention)
    rule, period = register.default_call_retention, tenant.call_retention

    def target(store: SweepStore) -> Target:
        return Target(rule, store, tenant.id, as_of, period, kept_from)

    return TenantTargets(
        tenant.id,
        target(SweepStore.CALLS),
        target(SweepStore.CALL_PARTIES),
        target(SweepStore.QUARANTINED_LINES),
    )


def holds_of(uow: UnitOfWork, tenant_id: str | None, now: datetime) -> dict[str, set[str]]:
    """The subjects a hold keeps, for a tenant's data: the tenant's own (its callers) and ours
    (its calls name our customers' users as agents); for our own data (None), ours."""
    held = uow.retention.held_subjects(tenant_id, now)
    if tenant_id is not None:
        for subject_id, kinds in uow.retention.held_subjects(None, now).items():
            held.setdefault(subject_id, set()).update(kinds)
    return held


def today_of(ctx: UseCase) -> date:
    """Today as the call store counts retention: the clock's UTC day."""
    return ctx.clock.now().astimezone(UTC).date()


def require_retention(ctx: UseCase) -> None:
    """Plans and sweeps reach every tenant's data: the maintenance action."""
    require(ctx.register, ctx.actor, StaffAction.RUN_MAINTENANCE)


def may_read_history(register: Register, actor: Actor) -> None:
    """The sweeps' evidence: for those who run them, and for auditors."""
    try:
        require(register, actor, StaffAction.RUN_MAINTENANCE)
    except ActionNotAllowed:
        require(register, actor, StaffAction.READ_AUDIT_LOG)


def checked_day(day: date) -> date:
    check_day("as_of", day)
    return day
