"""`/api/v1/marketing`: campaigns, their audiences and sending, for staff whose register role
may run the campaign's purpose (marketing staff). An audience lists subject ids and reasons,
never an identifier."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from dataward.domain.marketing.campaign import NAME_CHARS, TEMPLATE_CHARS, Campaign, CampaignDraft
from dataward.entrypoints.api.deps import UseCaseDep
from dataward.entrypoints.api.routing import TokenFirstRoute
from dataward.services.marketing import audience as audiences
from dataward.services.marketing import campaigns as service
from dataward.services.marketing import sending

router = APIRouter(prefix="/api/v1/marketing", tags=["marketing"], route_class=TokenFirstRoute)

Key = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]


class CampaignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=NAME_CHARS)
    purpose: Key
    channel: Literal["email", "sms", "post"]
    sender: Key
    template: str = Field(
        min_length=1,
        max_length=TEMPLATE_CHARS,
        description="The message's text; a first line `Subject: ...` gives an e-mail's subject",
    )
    product: Key | None = None


class CampaignOut(BaseModel):
    id: UUID
    name: str
    purpose: str
    channel: str
    sender: str
    product: str | None
    subject_line: str
    created_at: datetime
    created_by: str
    sent_at: datetime | None

    @classmethod
    def of(cls, c: Campaign) -> CampaignOut:
        return cls(
            id=c.id,
            name=c.name,
            purpose=c.purpose,
            channel=c.channel,
            sender=c.sender,
            product=c.product,
            subject_line=c.subject_line,
            created_at=c.created_at,
            created_by=c.created_by,
            sent_at=c.sent_at,
        )


class Included(BaseModel):
    subject_id: UUID
    basis: str


class Excluded(BaseModel):
    subject_id: UUID
    reason: str


class AudienceOut(BaseModel):
    campaign_id: UUID
    counts: dict[str, int]
    included: list[Included]
    excluded: list[Excluded]


class SentOut(BaseModel):
    campaign_id: UUID
    queued: int
    excluded: dict[str, int]


@router.post("/campaigns", status_code=201, summary="Make a marketing campaign")
def create(body: CampaignIn, ctx: UseCaseDep) -> CampaignOut:
    draft = CampaignDraft(
        body.name, body.purpose, body.channel, body.sender, body.template, body.product
    )
    return CampaignOut.of(service.create_campaign(ctx, draft))


@router.get("/campaigns", summary="The newest campaigns your role may run")
def list_campaigns(
    ctx: UseCaseDep, limit: Annotated[int, Query(ge=1, le=service.MOST_LISTED)] = 100
) -> list[CampaignOut]:
    return [CampaignOut.of(c) for c in service.list_campaigns(ctx, limit)]


@router.get("/campaigns/{campaign_id}", summary="A campaign")
def show(campaign_id: UUID, ctx: UseCaseDep) -> CampaignOut:
    return CampaignOut.of(service.campaign_of(ctx, campaign_id).campaign)


@router.get(
    "/campaigns/{campaign_id}/audience",
    summary="Who may receive the campaign on which basis, and who not with the reason",
)
def audience(campaign_id: UUID, ctx: UseCaseDep) -> AudienceOut:
    found = audiences.resolve_audience(ctx, campaign_id)
    return AudienceOut(
        campaign_id=found.campaign.id,
        counts=found.counts(),
        included=[Included(subject_id=s, basis=b.value) for s, b in found.included],
        excluded=[Excluded(subject_id=s, reason=r.value) for s, r in found.excluded],
    )


@router.post(
    "/campaigns/{campaign_id}/send",
    summary="Queue the campaign to everyone it may reach, once",
)
def send(campaign_id: UUID, ctx: UseCaseDep) -> SentOut:
    sent = sending.send_campaign(ctx, campaign_id)
    return SentOut(campaign_id=sent.campaign_id, queued=sent.queued, excluded=sent.excluded)
