"""Sending the outreach outbox: the job `dataward outbox send` runs beside the letters.

Each message due is made as it goes (its maker reads the address through the gate, as the role
it was queued under, and writes its words), handed to its channel's transport and marked sent,
each in its own transaction, with what its kind's hook records of it (a notice of a register
version makes its person count as told). A message its maker withholds (the person objected,
withdrew consent or was erased since it was queued; its campaign is gone) is marked withheld
with the reason's word and never sent. A transport's failure is recorded by the error's kind
only (never the address or the server's text, which may quote it) and retried later, waiting
longer each time; after `MAX_ATTEMPTS` it is given up. A channel with no transport (text
messages and post, until a carrier is configured) keeps its messages queued.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from dataward.domain.outreach import KEEP_DONE, MAX_ATTEMPTS, Withheld, retry_delay
from dataward.domain.subjects import Actor
from dataward.services.context import UseCase
from dataward.services.outreach.ports import Makers, SentHooks, Transports

GAVE_UP = "gave_up"
NO_MAKER = "no_maker"


@dataclass(frozen=True, slots=True)
class Sent:
    sent: int = 0
    failed: int = 0
    withheld: int = 0
    abandoned: int = 0
    waiting: int = 0
    """Due, but their channel has no transport yet."""


def deliver_messages(
    ctx: UseCase,
    transports: Transports,
    makers: Makers,
    *,
    limit: int = 100,
    on_sent: SentHooks | None = None,
) -> Sent:
    """Send up to `limit` messages due now; a kind with a hook in `on_sent` records its
    sending in the transaction that marks it sent."""
    hooks = on_sent or {}
    uow, clock = ctx.uow, ctx.clock
    now = clock.now()
    with uow:
        # only channels with a carrier: messages waiting for one never hold the others up
        due = uow.messages.due(now, limit, channels=sorted(transports))
        waiting = uow.messages.waiting(now, channels=sorted(transports))
    sent = failed = withheld = abandoned = 0
    for message in due:
        transport = transports[message.channel.value]
        maker = makers.get(message.kind)
        if message.attempts >= MAX_ATTEMPTS or maker is None:
            abandoned += 1
            with uow:
                reason = GAVE_UP if maker is not None else NO_MAKER
                uow.messages.withheld(message.id, at=clock.now(), reason=reason)
                uow.commit()
            continue
        as_role = replace(ctx, actor=Actor(id=f"outbox:{ctx.actor.id}", role=message.role))
        made = maker(as_role, message)
        if isinstance(made, Withheld):
            withheld += 1
            with uow:
                uow.messages.withheld(message.id, at=clock.now(), reason=made.reason)
                uow.commit()
            continue
        try:
            transport.send_email(made)
        except Exception as error:  # noqa: BLE001 - any failure of the carrier is retried
            failed += 1
            with uow:
                retry_at = clock.now() + retry_delay(message.attempts)
                uow.messages.failed(message.id, retry_at=retry_at, error=type(error).__name__)
                uow.commit()
            continue
        with uow:
            uow.messages.sent(message.id, clock.now())
            hook = hooks.get(message.kind)
            if hook is not None:
                hook(ctx, message)
            uow.commit()
        sent += 1
    with uow:
        uow.messages.forget_done(clock.now() - KEEP_DONE)
        uow.commit()
    return Sent(sent, failed, withheld, abandoned, waiting)
