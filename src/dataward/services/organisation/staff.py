"""Staff credentials for the API: issue a token once, keep only its hash, revoke at will.

Issuing and revoking tokens decides who may act in which role, so both need the register
action `manage_staff` (the DCO's, in the shipped register).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from dataward.domain.audit import AuditAction
from dataward.domain.bounds import ACTOR_CHARS
from dataward.domain.errors import DatawardError, NotFound, Unauthenticated
from dataward.domain.permissions import require
from dataward.domain.register.model import Register, StaffAction, StaffRoleScope
from dataward.domain.subjects import Actor
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.ports import StaffTokenLike, UnitOfWork


class StaffRefused(DatawardError):
    code = "staff_refused"


@dataclass(frozen=True, slots=True)
class IssuedToken:
    actor: Actor
    token: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class IssueToken:
    """A token for `actor_id` in a register role (and, for a tenant's role, the tenant)."""

    actor_id: str
    role: str
    tenant_id: str | None = None


def issue_token(ctx: UseCase, command: IssueToken) -> IssuedToken:
    """A new API token for `actor_id` in a register role; the token is shown once, never kept.

    The actor issuing it needs `manage_staff`; nothing is stored or recorded when it lacks it,
    nor for a tenant that does not exist (its administrator's token would open nothing today,
    and everything of a tenant later created under that name).
    """
    uow, clock, register, issued_by = ctx.uow, ctx.clock, ctx.register, ctx.actor
    actor_id, role, tenant_id = command.actor_id, command.role, command.tenant_id
    require(register, issued_by, StaffAction.MANAGE_STAFF)
    if not (actor_id.strip() and actor_id.isprintable() and len(actor_id) <= ACTOR_CHARS):
        raise StaffRefused(f"actor: 1 to {ACTOR_CHARS} printable characters, e.g. a login name")
    check_role(register, role, tenant_id)
    token = "dw_" + secrets.token_urlsafe(32)
    with uow:
        if tenant_id is not None and uow.tenants.get(tenant_id) is None:
            raise NotFound("tenant", tenant_id)
        uow.staff.add(
            actor_id=actor_id,
            role=role,
            tenant_id=tenant_id,
            token_hash=token_hash(token),
            at=clock.now(),
        )
        record(
            uow,
            clock,
            issued_by,
            Audited(
                AuditAction.STAFF_TOKEN_ISSUED,
                details={"for": actor_id, "role": role, "tenant": tenant_id or ""},
            ),
        )
        uow.commit()
    return IssuedToken(Actor(id=actor_id, role=role, tenant_id=tenant_id), token)


def check_role(register: Register, role: str, tenant_id: str | None) -> None:
    """Refuse a role the register lacks, or a tenant given or missing against its scope."""
    staff_role = next((r for r in register.staff_roles if r.key == role), None)
    if staff_role is None:
        known = ", ".join(r.key for r in register.staff_roles)
        raise StaffRefused(f"role: not a role of the register (it has: {known})")
    if staff_role.tenant_scope is StaffRoleScope.OWN_TENANT and tenant_id is None:
        raise StaffRefused(f"the role {role!r} acts for one tenant: give the tenant")
    if staff_role.tenant_scope is not StaffRoleScope.OWN_TENANT and tenant_id is not None:
        raise StaffRefused(f"the role {role!r} is not tied to a tenant")


def authenticate(uow: UnitOfWork, token: str | None) -> Actor:
    if not token:
        raise Unauthenticated("no credentials: send 'Authorization: Bearer <token>'")
    with uow:
        found = uow.staff.by_hash(token_hash(token))
    if found is None or found.revoked_at is not None:
        raise Unauthenticated("the token is not valid")
    return Actor(id=found.actor_id, role=found.role, tenant_id=found.tenant_id)


def revoke(ctx: UseCase, actor_id: str) -> int:
    """Revoke every live token of `actor_id`; how many. The actor revoking needs
    `manage_staff`."""
    uow, clock, register, revoked_by = ctx.uow, ctx.clock, ctx.register, ctx.actor
    require(register, revoked_by, StaffAction.MANAGE_STAFF)
    with uow:
        count = uow.staff.revoke(actor_id, clock.now())
        record(
            uow,
            clock,
            revoked_by,
            Audited(AuditAction.STAFF_TOKENS_REVOKED, details={"for": actor_id, "count": count}),
        )
        uow.commit()
    return count


def list_tokens(ctx: UseCase) -> list[StaffTokenLike]:
    """Every token issued (who, role, tenant, when, revoked): never the token itself."""
    uow = ctx.uow
    require(ctx.register, ctx.actor, StaffAction.MANAGE_STAFF)
    with uow:
        return list(uow.staff.all())
