"""A call and its parties as the entry points show them (JSON over the API, in an export from
the command line)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from dataward.services.calls.access import CallView, PartyView


class PartyOut(BaseModel):
    ref: str | None
    withheld: bool
    number: str | None
    agent_id: str | None
    refused: str | None

    @classmethod
    def of(cls, party: PartyView) -> PartyOut:
        return cls(
            ref=party.ref,
            withheld=party.withheld,
            number=party.number,
            agent_id=party.agent_id,
            refused=party.refused,
        )


class CallOut(BaseModel):
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    direction: str
    disposition: str
    queue: str | None
    wait_s: float | None
    ring_s: float | None
    talk_s: float | None
    legs: int
    format: str
    caller: PartyOut
    callee: PartyOut
    agent: PartyOut

    @classmethod
    def of(cls, v: CallView) -> CallOut:
        return cls(
            started_at=v.call.started_at,
            answered_at=v.call.answered_at,
            ended_at=v.call.ended_at,
            direction=v.call.direction.value,
            disposition=v.call.disposition.value,
            queue=v.call.queue,
            wait_s=v.call.wait_s,
            ring_s=v.call.ring_s,
            talk_s=v.call.talk_s,
            legs=v.call.legs,
            format=v.call.format,
            caller=PartyOut.of(v.caller),
            callee=PartyOut.of(v.callee),
            agent=PartyOut.of(v.agent),
        )
