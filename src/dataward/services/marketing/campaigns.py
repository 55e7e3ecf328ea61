"""Campaigns: made by a role whose register purposes include the campaign's, listed, shown.

A campaign is checked against the register as it is made (`domain.marketing.campaign`): a
marketing purpose, the sender the register names for it, one of its channels, one of the
sender's products. Only a role with need-to-know for the purpose's contact data (marketing
staff) may make or run one: the gate's checks that need no subject decide, before anything
is stored.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from uuid import UUID

from dataward.domain.audit import AuditAction
from dataward.domain.errors import AccessDenied, NotFound
from dataward.domain.marketing.campaign import (
    Campaign,
    CampaignDraft,
    CampaignTerms,
    plan_campaign,
    terms_of,
)
from dataward.domain.marketing.eligibility import CATEGORY
from dataward.domain.processing.gate import Gate, Question
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase

MOST_LISTED = 1000


def may_run(ctx: UseCase, gate: Gate, terms: CampaignTerms) -> None:
    """`AccessDenied` unless the actor's role may use contact data for the campaign's purpose,
    in plain text (to send to it)."""
    question = Question(CATEGORY, terms.purpose.key, ctx.clock.now(), decrypt=True)
    refused = gate.before_any_subject(ctx.actor, question)
    if refused is not None:
        raise AccessDenied(refused.value, terms.purpose.key, CATEGORY)


def create_campaign(ctx: UseCase, draft: CampaignDraft) -> Campaign:
    uow, clock, register, actor = ctx.uow, ctx.clock, ctx.register, ctx.actor
    terms, subject_line, body = plan_campaign(register, draft)
    may_run(ctx, Gate(register), terms)
    campaign = Campaign(
        id=uuid.uuid4(),
        name=draft.name.strip(),
        purpose=terms.purpose.key,
        channel=draft.channel,
        sender=terms.sender.key,
        subject_line=subject_line,
        body=body,
        product=draft.product,
        created_at=clock.now(),
        created_by=actor.id,
    )
    with uow:
        uow.marketing.add_campaign(campaign)
        record(
            uow,
            clock,
            actor,
            Audited(
                AuditAction.CAMPAIGN_CREATED,
                purpose=campaign.purpose,
                details={
                    "campaign": str(campaign.id),
                    "channel": campaign.channel,
                    "sender": campaign.sender,
                },
            ),
        )
        uow.commit()
    return campaign


@dataclass(frozen=True, slots=True)
class CampaignRead:
    campaign: Campaign
    terms: CampaignTerms
    queued: int


def campaign_of(ctx: UseCase, campaign_id: UUID | str) -> CampaignRead:
    """The campaign, for a role that may run it; `NotFound` for none (or one it may not)."""
    uow, register = ctx.uow, ctx.register
    with uow:
        found = uow.marketing.campaign(campaign_id)
        queued = uow.marketing.count_sends(found.id) if found is not None else 0
    if found is None:
        raise NotFound("campaign", str(campaign_id))
    terms = terms_of(register, found)
    may_run(ctx, Gate(register), terms)
    return CampaignRead(found, terms, queued)


def list_campaigns(ctx: UseCase, limit: int = 100) -> list[Campaign]:
    """The newest campaigns whose purposes the actor's role may run."""
    uow, register = ctx.uow, ctx.register
    gate = Gate(register)
    with uow:
        found = uow.marketing.campaigns(min(limit, MOST_LISTED))
    mine = []
    for campaign in found:
        question = Question(CATEGORY, campaign.purpose, ctx.clock.now(), decrypt=True)
        if gate.before_any_subject(ctx.actor, question) is None:
            mine.append(campaign)
    return mine
