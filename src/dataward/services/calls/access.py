"""Every call of one tenant where a subject is a party, with the parties' numbers opened
through the gate: what a subject access request or a tenant's look-up of a caller needs.

The subject must be within the actor's reach (another tenant's answers as no such subject),
and the gate must allow its telephony data for the purpose. Each other party (the callee of
an outbound call, the agent who answered) is put to the gate too: a party it refuses keeps its
reference and the reason, never its number.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from dataward.domain.calls.records import StoredCall
from dataward.domain.errors import AccessDenied, NoSuchSubject
from dataward.domain.processing.gate import Gate
from dataward.services.context import UseCase
from dataward.services.processing.disclosure import PartyDisclosure, ReadParties, read_parties
from dataward.services.processing.lookup import within_reach

DEFAULT_PURPOSE = "telephony_reporting"


@dataclass(frozen=True, slots=True)
class PartyView:
    ref: str | None
    withheld: bool = False
    number: str | None = None
    agent_id: str | None = None
    refused: str | None = None

    def __repr__(self) -> str:  # never print a number by accident
        return f"PartyView(ref={self.ref!r}, withheld={self.withheld}, refused={self.refused!r})"


@dataclass(frozen=True, slots=True)
class CallView:
    call: StoredCall
    caller: PartyView
    callee: PartyView
    agent: PartyView


def calls_of_subject(
    ctx: UseCase,
    gate: Gate,
    *,
    tenant_id: str,
    subject_id: UUID | str,
    purpose: str = DEFAULT_PURPOSE,
) -> list[CallView]:
    """`gate`: the gate of the register in force (`ctx.register`), built once by the caller."""
    uow, vault, clock, actor = ctx.uow, ctx.vault, ctx.clock, ctx.actor
    with uow:  # one read: the subject, in reach, and its calls
        subject = uow.subjects.get(subject_id)
        if (
            subject is None
            or subject.tenant_id not in (None, tenant_id)
            or not within_reach(gate.register, actor, subject.tenant_id)
        ):
            raise NoSuchSubject
        calls = list(uow.calls.calls_of(tenant_id, str(subject.id)))
    refs = {r for c in calls for r in (c.caller_ref, c.callee_ref, c.agent_ref) if r} | {
        str(subject.id)
    }
    parties = read_parties(uow, vault, gate, actor, ReadParties(refs, purpose, clock.now()))
    own = parties[str(subject.id)]
    if own.refused is not None:
        raise AccessDenied(own.refused, purpose, "telephony_activity")
    return [
        CallView(
            call=c,
            caller=_party(parties, c.caller_ref, withheld=c.caller_withheld),
            callee=_party(parties, c.callee_ref, withheld=c.callee_withheld),
            agent=_party(parties, c.agent_ref, withheld=False),
        )
        for c in calls
    ]


def _party(parties: dict[str, PartyDisclosure], ref: str | None, *, withheld: bool) -> PartyView:
    if ref is None:
        return PartyView(None, withheld=withheld)
    found = parties[ref]
    if found.refused is not None:
        return PartyView(ref, refused=found.refused)
    values = {i.type: i.value for i in found.identifiers}
    agent = values.get("agent_id")
    return PartyView(
        ref,
        number=values.get("phone"),
        agent_id=agent.split("/", 1)[1] if agent and "/" in agent else agent,
    )
