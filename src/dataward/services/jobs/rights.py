"""Who may ask for a job, and whose jobs a reader may see.

A job is asked for by who may do its work: an ingest needs `ingest_calls` on its tenant; a
fulfilment `manage_requests`; the outbox, the sweeps and the alerts `run_maintenance`. It is
checked when the job is recorded and again when it runs, as the same actor. A job is seen by
whoever may run maintenance, by whoever may ingest its tenant's calls (an ingest's), and by
its own actor; to anyone else it does not exist.
"""

from __future__ import annotations

from collections.abc import Mapping

from dataward.domain.errors import ActionNotAllowed
from dataward.domain.jobs import JobKind, JobScope
from dataward.domain.permissions import require, tenants_in_reach
from dataward.domain.register.model import Register, StaffAction
from dataward.domain.subjects import Actor

ACTION_OF: Mapping[JobKind, StaffAction] = {
    JobKind.INGEST: StaffAction.INGEST_CALLS,
    JobKind.FULFIL: StaffAction.MANAGE_REQUESTS,
    JobKind.OUTBOX: StaffAction.RUN_MAINTENANCE,
    JobKind.RETENTION_SWEEP: StaffAction.RUN_MAINTENANCE,
    JobKind.KEY_SWEEP: StaffAction.RUN_MAINTENANCE,
    JobKind.ALERTS: StaffAction.RUN_MAINTENANCE,
}


def may_do(register: Register, actor: Actor, kind: JobKind, tenant_id: str | None) -> None:
    """`ActionNotAllowed` unless the actor may do the job's work (on its tenant)."""
    if kind is JobKind.INGEST:
        require(register, actor, ACTION_OF[kind], tenant_id=tenant_id)
    else:
        require(register, actor, ACTION_OF[kind])


def allowed(register: Register, actor: Actor, action: StaffAction, tenant: str | None) -> bool:
    try:
        if tenant is None:
            require(register, actor, action)
        else:
            require(register, actor, action, tenant_id=tenant)
    except ActionNotAllowed:
        return False
    return True


def scope_of(register: Register, actor: Actor) -> JobScope:
    """The jobs `actor` may see."""
    if allowed(register, actor, StaffAction.RUN_MAINTENANCE, None):
        return JobScope(everything=True, asker=actor)
    role = next((r for r in register.staff_roles if r.key == actor.role), None)
    if role is None or StaffAction.INGEST_CALLS not in role.actions:
        return JobScope(everything=False, asker=actor)
    reach = tenants_in_reach(register, actor)
    tenants = None if reach is None else tuple(t for t in reach if t is not None)
    return JobScope(everything=False, asker=actor, ingest_tenants=tenants)
