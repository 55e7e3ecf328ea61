"""What the register pages' tests show: a breach, a complaint with its outcome, a campaign,
each made through the services as staff would, dated from the tests' clock."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from dataward.domain.breaches.assessment import Nature
from dataward.domain.breaches.model import Facts
from dataward.domain.marketing.campaign import CampaignDraft
from dataward.domain.requests.terms import RequestEvent, RequestType
from dataward.domain.subjects import Actor
from dataward.services.breaches.record import NewBreach, record_breach
from dataward.services.marketing.campaigns import create_campaign
from dataward.services.rights.complaints import ComplaintOutcome, complete_complaint
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.rights.requests import Step, advance
from tests.e2e.console_backends import Console

MARKETING = Actor("marketing", "marketing")
FOUND, DONE = "Recordings were kept too long.", "We deleted them and fixed the job."
NEWS = "Subject: What is new in call reporting\n\nHello,\nOur reports now show queues by hour.\n"


def a_breach(console: Console) -> UUID:
    now = console.container.clock.now()
    facts = Facts("A laptop with call exports was left on a train.")
    made = record_breach(
        console.ctx(),
        NewBreach(now - timedelta(hours=3), frozenset({Nature.CONFIDENTIALITY}), facts),
    )
    return made.id


def a_complaint(console: Console) -> UUID:
    """A complaint by post, completed with its outcome."""
    today = console.container.clock.now().date()
    made = receive_request(
        console.ctx(), NewRequest(RequestType.COMPLAINT, today - timedelta(days=5), "post")
    )
    complaint = made.request.id
    advance(console.ctx(), complaint, Step(RequestEvent.START))
    complete_complaint(console.ctx(), complaint, ComplaintOutcome(FOUND, DONE))
    return complaint


def a_campaign(console: Console, name: str = "Autumn news") -> UUID:
    draft = CampaignDraft(name, "direct_marketing", "email", "akixi", NEWS, "call_reporting")
    return create_campaign(console.ctx(MARKETING), draft).id
