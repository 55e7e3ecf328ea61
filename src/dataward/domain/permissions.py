"""What a staff role may do besides using data for a purpose, from the register.

The gate decides every use of a subject's data for a purpose; these are the actions around it
(register a subject, erase one, record a consent, manage restrictions and objections, read the
audit log). A role may take an action only if the register lists it, and on a subject only
within the role's tenant scope, the same scope the gate applies.
"""

from __future__ import annotations

from dataward.domain.errors import ActionNotAllowed
from dataward.domain.gate import tenant_in_scope
from dataward.domain.register import Register, StaffAction
from dataward.domain.subjects import Actor

_NO_SUBJECT = object()


def require(
    register: Register,
    actor: Actor,
    action: StaffAction,
    *,
    tenant_id: str | object | None = _NO_SUBJECT,
) -> None:
    """Raise ActionNotAllowed unless the actor's role may take `action` (on that tenant's data)."""
    role = next((r for r in register.staff_roles if r.key == actor.role), None)
    if role is None or action not in role.actions:
        raise ActionNotAllowed(action.value, "the role does not have this action")
    if tenant_id is not _NO_SUBJECT and not tenant_in_scope(
        role.tenant_scope, actor, tenant_id if isinstance(tenant_id, str) else None
    ):
        raise ActionNotAllowed(action.value, "the subject is outside the role's tenant scope")
