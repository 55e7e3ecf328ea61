"""What a staff role may do besides using data for a purpose, from the register.

The gate decides every use of a subject's data for a purpose; these are the actions around it
(register a subject, erase one, record a consent, manage restrictions and objections, read the
audit log). A role may take an action only if the register lists it, and on a subject only
within the role's tenant scope, the same scope the gate applies. An action on every tenant's
data at once (`GLOBAL_ACTIONS`: the key sweep, rotating the master key) is within the scope of
a role of every tenant alone: a tenant's administrator, or a role confined to our own data,
may not take it, whatever a register lists. An actor carries a tenant exactly when its role
acts for one tenant; any other pairing is refused, whatever the action.
"""

from __future__ import annotations

from collections.abc import Sequence

from dataward.domain.errors import ActionNotAllowed
from dataward.domain.processing.gate import tenant_in_scope
from dataward.domain.register.model import Register, StaffAction
from dataward.domain.register.terms import GLOBAL_ACTIONS, StaffRoleScope
from dataward.domain.subjects import Actor

_NO_SUBJECT = object()
SUBJECT_OUT_OF_SCOPE = "the subject is outside the role's tenant scope"
"""Why a role may not act on a subject of another tenant: the entry points answer it as they
answer an unknown subject, so that the answer does not tell whether the subject exists."""
_NARROWER = {
    StaffRoleScope.OWN_TENANT: "the role reaches one tenant's data only",
    StaffRoleScope.NONE: "the role reaches no tenant's data",
}


def require(
    register: Register,
    actor: Actor,
    action: StaffAction,
    *,
    tenant_id: str | object | None = _NO_SUBJECT,
) -> None:
    """Raise ActionNotAllowed unless the actor's role may take `action` (on that tenant's data;
    an action of `GLOBAL_ACTIONS` is on every tenant's, whatever `tenant_id` says)."""
    role = next((r for r in register.staff_roles if r.key == actor.role), None)
    if role is None or action not in role.actions:
        raise ActionNotAllowed(action.value, "the role does not have this action")
    # a tenant is the actor's only in a role that acts for one tenant: a role of ours given a
    # tenant (a DCO "of acme") would pass every check that asks whether the tenant acts
    if (role.tenant_scope is StaffRoleScope.OWN_TENANT) != (actor.tenant_id is not None):
        why = (
            "the role acts for one tenant and none is given"
            if actor.tenant_id is None
            else "the role is not tied to a tenant, and one is given"
        )
        raise ActionNotAllowed(action.value, why)
    if action in GLOBAL_ACTIONS:
        if role.tenant_scope is not StaffRoleScope.ALL_TENANTS:
            why = _NARROWER[role.tenant_scope]
            raise ActionNotAllowed(action.value, f"it reaches every tenant's data and {why}")
        return
    if tenant_id is not _NO_SUBJECT and not tenant_in_scope(
        role.tenant_scope, actor, tenant_id if isinstance(tenant_id, str) else None
    ):
        raise ActionNotAllowed(action.value, SUBJECT_OUT_OF_SCOPE)


def tenants_in_reach(register: Register, actor: Actor) -> Sequence[str | None] | None:
    """Whose records a list or a count may take for the actor's role: None for every tenant's
    and our own; else the tenants it reaches (None in it: our own records), by the role's
    tenant scope."""
    role = next((r for r in register.staff_roles if r.key == actor.role), None)
    if role is None:
        return []
    if role.tenant_scope is StaffRoleScope.ALL_TENANTS:
        return None if actor.tenant_id is None else []
    if role.tenant_scope is StaffRoleScope.OWN_TENANT:
        return [] if actor.tenant_id is None else [actor.tenant_id]
    return [None] if actor.tenant_id is None else []
