"""Each controller we process for, with its contact, for the record of processing (Art. 30(2)(a)).

Every tenant in the tenants table is a controller of its call data. Its contact is the person
it named as its controller contact, a subject of ours held in the vault: read through the gate
for the purpose of keeping the records the law requires (`business_compliance`), each read
decided and audited. A role the gate refuses (an auditor never sees identifiers) gets the
tenant named with where its contact is kept, never the contact itself. Which customers we
have is itself need-to-know: a role sees the tenants within its tenant scope (a tenant's
administrator its own; a role of no tenant none), as `tenants list` shows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dataward.domain.errors import AccessDenied, NotFound
from dataward.domain.identifiers import IdentifierType
from dataward.domain.processing.gate import Gate
from dataward.domain.tenants import Tenant
from dataward.services.context import UseCase
from dataward.services.processing.disclosure import ReadIdentifiers, read_identifiers
from dataward.services.processing.lookup import within_reach

ROPA_PURPOSE = "business_compliance"
"""Records the law requires us to keep: the record of processing is one."""
NO_CONTACT = "no controller contact recorded: record one (dataward tenants)"
WITHHELD = "controller contact on record (tenant {id}); not shown to this role"
_ORDER = (IdentifierType.NAME, IdentifierType.EMAIL, IdentifierType.PHONE)


@dataclass(frozen=True, slots=True)
class Controllers:
    """(name, contact) of every tenant, and whether any contact was read in plain text (then
    the record holds personal data and is no public document)."""

    entries: tuple[tuple[str, str], ...]
    disclosed: bool


def ropa_controllers(ctx: UseCase, gate: Gate) -> Controllers:
    """Every tenant within the actor's reach as a controller, with its contact as far as the
    actor may read it."""
    with ctx.uow:
        tenants: Sequence[Tenant] = [
            t for t in ctx.uow.tenants.all() if within_reach(gate.register, ctx.actor, t.id)
        ]
    entries: list[tuple[str, str]] = []
    disclosed = False
    for tenant in sorted(tenants, key=lambda t: t.id):
        contact = _contact(ctx, gate, tenant)
        disclosed = disclosed or contact is not None
        if contact is None:
            contact = (
                NO_CONTACT if tenant.controller_contact is None else WITHHELD.format(id=tenant.id)
            )
        entries.append((f"{tenant.name} (tenant {tenant.id})", contact))
    return Controllers(tuple(entries), disclosed)


def _contact(ctx: UseCase, gate: Gate, tenant: Tenant) -> str | None:
    if tenant.controller_contact is None:
        return None
    wanted = ReadIdentifiers(tenant.controller_contact, ROPA_PURPOSE, ctx.clock.now(), _ORDER)
    try:
        read = read_identifiers(ctx.uow, ctx.vault, gate, ctx.actor, wanted)
    except (AccessDenied, NotFound):
        return None
    values = [i.value for kind in _ORDER for i in read.identifiers if i.type == kind.value]
    return ", ".join(values) or None
