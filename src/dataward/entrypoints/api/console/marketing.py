"""`/console/marketing`: the campaigns a role may run, and a campaign's audience.

The same services as `dataward marketing list|audience` and `/api/v1/marketing`: a role sees
the campaigns whose purposes it may run (`list_campaigns`; none for a role that runs no
marketing purpose), and another campaign's id is the 404 page (`campaign_of`). The audience is
judged by the gate as for sending (each decision audited, so it is read with a use case that
writes) and shown as counts: who may be reached on which basis, and who not and why. The page
shows no identifier and no subject's id.
"""

from __future__ import annotations

from collections import Counter
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from dataward.domain.errors import NotFound
from dataward.domain.marketing.eligibility import EXCLUSION_WORDS
from dataward.entrypoints.api.console.web import (
    ConsoleRoute,
    ConsoleUseCaseDep,
    ConsoleUserDep,
    console_page,
)
from dataward.services.marketing.audience import resolve_audience
from dataward.services.marketing.campaigns import campaign_of, list_campaigns

router = APIRouter(tags=["console"], route_class=ConsoleRoute, include_in_schema=False)

MARKETING = "/console/marketing"
LISTED = 100


@router.get(MARKETING, response_class=HTMLResponse)
def campaigns_page(request: Request, user: ConsoleUserDep, ctx: ConsoleUseCaseDep) -> HTMLResponse:
    campaigns = list_campaigns(ctx, LISTED)
    return console_page(request, user, "marketing.html.j2", campaigns=campaigns)


@router.get(MARKETING + "/{campaign_id}", response_class=HTMLResponse)
def campaign_page(
    request: Request, campaign_id: str, user: ConsoleUserDep, ctx: ConsoleUseCaseDep
) -> HTMLResponse:
    try:
        wanted = UUID(campaign_id) if len(campaign_id) <= 36 and campaign_id.isascii() else None
    except ValueError:
        wanted = None
    if wanted is None:  # no campaign has such an id
        raise NotFound("campaign", "")
    read = campaign_of(ctx, wanted)
    audience = resolve_audience(ctx, read.campaign.id)
    bases = Counter(basis.value for _s, basis in audience.included)
    reasons = Counter(reason for _s, reason in audience.excluded)
    excluded = [(r.value, EXCLUSION_WORDS[r], n) for r, n in sorted(reasons.items())]
    return console_page(
        request,
        user,
        "campaign.html.j2",
        campaign=read.campaign,
        queued=read.queued,
        bases=sorted(bases.items()),
        excluded=excluded,
        included_total=len(audience.included),
        excluded_total=len(audience.excluded),
    )
