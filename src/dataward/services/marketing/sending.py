"""Sending a campaign: one message per person its rules allow, queued in the outreach outbox in
the same transaction that records what was sent to whom, on which basis (`campaign_sends`),
and marks the campaign sent, once: a campaign is sent at most once, and a failure leaves
nothing queued and nothing recorded.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from uuid import UUID

from dataward.domain.audit import AuditAction
from dataward.domain.errors import DatawardError
from dataward.domain.outreach import MessageChannel, MessageKind, OutboundMessage
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.marketing.audience import ADDRESS_KIND
from dataward.services.marketing.campaigns import campaign_of
from dataward.services.marketing.judging import judge_audience
from dataward.services.marketing.ports import Send


class CampaignAlreadySent(DatawardError):
    code = "campaign_already_sent"

    def __init__(self) -> None:
        super().__init__("this campaign was sent already; make a new one to send again")


@dataclass(frozen=True, slots=True)
class CampaignSent:
    campaign_id: UUID
    queued: int
    excluded: dict[str, int]


def send_campaign(ctx: UseCase, campaign_id: UUID | str) -> CampaignSent:
    read = campaign_of(ctx, campaign_id)
    campaign = read.campaign
    if campaign.sent_at is not None:
        raise CampaignAlreadySent
    uow, clock, actor = ctx.uow, ctx.clock, ctx.actor
    now = clock.now()
    queued = 0
    excluded: Counter[str] = Counter()
    with uow:
        if not uow.marketing.mark_sent(campaign.id, now):
            raise CampaignAlreadySent
        address = ADDRESS_KIND[read.terms.channel.key]
        for page in judge_audience(ctx, read.terms, address):
            messages, sends = [], []
            for subject_id, verdict in page:
                if verdict.basis is None:
                    excluded[verdict.exclusion.value if verdict.exclusion else "refused"] += 1
                    continue
                messages.append(
                    OutboundMessage(
                        uuid.uuid4(),
                        MessageKind.MARKETING,
                        UUID(subject_id),
                        MessageChannel(campaign.channel),
                        str(campaign.id),
                        actor.role,
                        now,
                    )
                )
                sends.append(Send(campaign.id, UUID(subject_id), verdict.basis.value, now))
            uow.messages.queue(messages)
            uow.marketing.add_sends(sends)
            queued += len(messages)
        record(
            uow,
            clock,
            actor,
            Audited(
                AuditAction.CAMPAIGN_SENT,
                purpose=campaign.purpose,
                details={
                    "campaign": str(campaign.id),
                    "queued": queued,
                    **{f"excluded_{k}": v for k, v in sorted(excluded.items())},
                },
            ),
        )
        uow.commit()
    return CampaignSent(campaign.id, queued, dict(sorted(excluded.items())))
