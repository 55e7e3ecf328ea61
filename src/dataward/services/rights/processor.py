"""Requests about a tenant's call data: we are the processor, the tenant is the controller.

Such a request is not answered on its substance (docs/legal-rules.md A9). It is logged, forwarded to
the tenant's controller contact within the agreed working days (`RightsRequest.forward_within`)
with a letter to that contact, and the requester is told where it went: the tenant by name and
its contact route, with no answer date of ours (the tenant answers, on its own clock). The tenant's
administrator may then instruct us to export that caller's calls within the tenant, with the
quarantined lines that name the caller (bad lines of the tenant's files, in plain text: the
controller asked for what we hold of the person), or to erase the caller, which empties those
lines too; each instruction is carried out at once and recorded against the request.

The controller contact's address is read through the gate, for handling rights requests, by
whoever forwards; it goes into the controller's letter sealed under the request's own key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from uuid import UUID

from dataward.domain.audit import AuditAction
from dataward.domain.errors import NotFound
from dataward.domain.identifiers import IdentifierType
from dataward.domain.processing.gate import Gate
from dataward.domain.requests.workflow import RequestEvent, RequestRefused, RequestState
from dataward.domain.subjects import ErasureReason
from dataward.services.audit import Audited, record
from dataward.services.calls.access import CallView, calls_of_subject
from dataward.services.context import UseCase
from dataward.services.processing.disclosure import ReadIdentifiers, read_identifiers
from dataward.services.processing.erasure import Shred, shred
from dataward.services.quarantine.lines import QuarantinedText, lines_naming
from dataward.services.rights.request_ports import ControllerInstruction
from dataward.services.rights.requests import RequestView, Step, advance, visible_request

CONTROLLER_LETTER = "controller_notice"
PURPOSE = "rights_and_complaints"


class Instruction(StrEnum):
    EXPORT = "export"
    ERASE = "erase"


@dataclass(frozen=True, slots=True)
class Carried:
    """An instruction carried out: what it did, in counts; an export's calls for the tenant,
    and the quarantined lines that name the caller."""

    request_id: UUID
    kind: Instruction
    outcome: dict[str, Any]
    calls: tuple[CallView, ...] = ()
    quarantined: tuple[QuarantinedText, ...] = ()


def forward_to_controller(ctx: UseCase, request_id: UUID | str) -> RequestView:
    """Forward a request about a tenant's call data to the tenant's controller contact: the
    request closes as forwarded, the requester is told, and the controller is written to, in
    one transaction. Refused if the tenant has named no controller contact.

    The contact's address is read through the gate first, and the gate's decisions are
    committed on their own before it is opened (`read_identifiers`): a read that the gate
    refused, or a forward that fails after the address was opened, stays on record."""
    uow, vault, clock, actor = ctx.uow, ctx.vault, ctx.clock, ctx.actor
    gate = Gate(ctx.register)
    with uow:
        request = visible_request(uow, ctx.register, actor, request_id)[0]
        tenant = uow.tenants.get(request.tenant_id) if request.tenant_id else None
    if tenant is None:
        raise RequestRefused("only a request about a tenant's call data goes to its controller")
    if request.by_controller:
        raise RequestRefused(
            "the tenant's administrator recorded this request: it is with its controller already"
        )
    if tenant.controller_contact is None:
        raise RequestRefused(
            f"tenant {tenant.id} has no controller contact to forward to: record one first"
        )
    contact = read_identifiers(
        uow,
        vault,
        gate,
        actor,
        ReadIdentifiers(tenant.controller_contact, PURPOSE, clock.now(), [IdentifierType.EMAIL]),
    )
    address = next((i.value for i in contact.identifiers if i.type == "email"), None)
    if address is None:
        raise RequestRefused(f"tenant {tenant.id}'s controller contact has no e-mail address")
    if not vault.has_key(str(request.id)):  # a request taken by phone has no key of its own
        vault.create_keys([str(request.id)])
    payload = vault.seal(str(request.id), json.dumps({"to": address}))
    # the requester is told who answers them and how to reach it: the tenant, by its contact
    told = vault.seal(str(request.id), json.dumps({"tenant": tenant.name, "contact": address}))
    return advance(
        ctx,
        request.id,
        Step(
            RequestEvent.FORWARD,
            reason=f"forwarded to the controller of tenant {tenant.id}",
            letters=((CONTROLLER_LETTER, payload),),
            letter_payload=told,
        ),
    )


def carry_out_instruction(
    ctx: UseCase, request_id: UUID | str, kind: Instruction, *, subject_id: UUID | None = None
) -> Carried:
    """Carry out the tenant's instruction on a request forwarded to it: export the caller's
    calls within the tenant, or erase the caller. Only the tenant's own administrator may
    instruct (its written instruction, Art. 28(3)(a)); the caller is the request's subject,
    or `subject_id` when the tenant has found them. The instruction and its outcome are
    recorded and audited; an erasure is also audited by the shred itself, with the request
    as its reference.

    Each step keeps its own transaction: an export's reads are on record (the gate's
    decisions committed) before anything is opened, and a shred destroys the caller's key
    only once its rows are gone; the instruction is recorded after either."""
    uow, vault, clock, actor = ctx.uow, ctx.vault, ctx.clock, ctx.actor
    gate = Gate(ctx.register)
    with uow:
        request = visible_request(uow, ctx.register, actor, request_id)[0]
        tenant_id = request.tenant_id
        if tenant_id is None:
            raise RequestRefused("only a forwarded request about call data takes instructions")
        if actor.tenant_id != tenant_id:
            raise RequestRefused(
                "only the tenant's own administrator instructs us on its callers (Art. 28(3)(a))"
            )
        if request.state is not RequestState.FORWARDED_TO_CONTROLLER:
            raise RequestRefused("instructions follow once the request is forwarded")
        caller = subject_id or request.subject_id
        if caller is None:
            raise RequestRefused("name the caller: the request is about no known subject")
        subject = uow.subjects.get(caller)
        if subject is None or subject.tenant_id != tenant_id:
            raise NotFound("subject", str(caller))
    calls: tuple[CallView, ...] = ()
    lines: tuple[QuarantinedText, ...] = ()
    if kind is Instruction.EXPORT:
        calls = tuple(calls_of_subject(ctx, gate, tenant_id=tenant_id, subject_id=subject.id))
        lines = tuple(lines_naming(uow, vault, tenant_id, str(subject.id)))
        outcome: dict[str, Any] = {"calls": len(calls), "quarantined_lines": len(lines)}
    else:
        report = shred(
            ctx,
            Shred(
                str(subject.id), ErasureReason.CONTROLLER_INSTRUCTION, request_ref=str(request.id)
            ),
        )
        outcome = {"removed": dict(report.removed), "key_destroyed": report.key_destroyed}
    with uow:
        uow.requests.add_instruction(
            ControllerInstruction(request.id, tenant_id, kind.value, actor.id, clock.now(), outcome)
        )
        record(
            uow,
            clock,
            actor,
            Audited(
                AuditAction.CONTROLLER_INSTRUCTION,
                subject_ref=None if kind is Instruction.ERASE else subject.id,
                decision=kind.value,
                details={"request": str(request.id), **_flat(outcome)},
            ),
        )
        uow.commit()
    return Carried(request.id, kind, outcome, calls, lines)


def _flat(outcome: dict[str, Any]) -> dict[str, Any]:
    removed = outcome.get("removed")
    if isinstance(removed, dict):
        return {"removed": sum(int(v) for v in removed.values())}
    return outcome
