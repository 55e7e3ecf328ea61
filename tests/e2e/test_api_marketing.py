"""Marketing through the API and the links in its messages: campaigns for marketing staff
only; the unsubscribe link's page changes nothing, its one-click POST (RFC 8058) unsubscribes
without login or cookie, again and again alike; an altered token is 404 and recorded; the
preferences page shows and changes each sender's and channel's choice."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import pytest
from faker import Faker

from dataward.adapters.mail.smtp import SmtpMailer, SmtpServer
from dataward.domain.processing.consent import ConsentMethod
from dataward.domain.subjects import Actor
from dataward.services.outreach.outbox import deliver_messages
from dataward.services.processing.consent import GiveConsent, consent_state, record_consent
from tests.e2e.conftest import Api
from tests.e2e.test_api_subjects import assert_error
from tests.support.smtp_inbox import Inbox, smtp_server

MARKETING = Actor(id="marketing", role="marketing")
DCO = Actor(id="dco", role="dco")
ONE_CLICK = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    yield from smtp_server()


def _contact(api: Api, fake: Faker, *channels: tuple[str, str]) -> tuple[str, str]:
    email = fake.unique.email()
    subject_id = api.create(
        "marketing",
        {"kind": "marketing_contact", "identifiers": [{"type": "email", "value": email}]},
    )
    for purpose, channel in channels:
        record_consent(
            api.container.use_case(MARKETING),
            GiveConsent(UUID(subject_id), purpose, channel, ConsentMethod.WEB_FORM, "2026.1"),
        )
    return subject_id, email


def _campaign(api: Api, who: str = "marketing", **extra: Any) -> Any:
    body = {
        "name": "Winter news",
        "purpose": "direct_marketing",
        "channel": "email",
        "sender": "akixi",
        "template": "Subject: New queue reports\n\nHello,\nSee what is new.\n",
        "product": "call_reporting",
        **extra,
    }
    return api.client.post("/api/v1/marketing/campaigns", json=body, headers=api.as_(who))


def _sent_token(api: Api, port: int, email: str, inbox: Inbox) -> str:
    mailer = SmtpMailer(SmtpServer("127.0.0.1", port), "dco@akixi.com")
    deliver_messages(api.container.use_case(DCO), {"email": mailer}, api.container.message_makers())
    [message] = inbox.to(email)
    link = str(message["List-Unsubscribe"]).split(",")[0].strip("<> ")
    return urlsplit(link).path.split("/u/")[1]


def test_a_campaign_is_for_marketing_staff_and_its_link_unsubscribes_in_one_click(
    api: Api, fake: Faker, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    keen, email = _contact(api, fake, ("direct_marketing", "email"))
    _unasked, _ = _contact(api, fake)
    assert _campaign(api, who="operator").status_code == 403
    assert api.client.post("/api/v1/marketing/campaigns", content=b"{not json").status_code == 401
    made = _campaign(api)
    assert made.status_code == 201, made.text
    campaign = made.json()["id"]

    audience = api.client.get(
        f"/api/v1/marketing/campaigns/{campaign}/audience", headers=api.as_("marketing")
    )
    assert audience.status_code == 200, audience.text
    assert audience.json()["included"] == [{"subject_id": keen, "basis": "consent"}]
    assert email not in audience.text
    sent = api.client.post(
        f"/api/v1/marketing/campaigns/{campaign}/send", headers=api.as_("marketing")
    )
    assert sent.json()["queued"] == 1
    again = api.client.post(
        f"/api/v1/marketing/campaigns/{campaign}/send", headers=api.as_("marketing")
    )
    assert_error(again, 409, "campaign_already_sent")
    token = _sent_token(api, port, email, inbox)

    page = api.client.get(f"/u/{token}")  # what a mail scanner does: changes nothing
    assert page.status_code == 200
    assert 'name="List-Unsubscribe" value="One-Click"' in page.text
    assert "Content-Security-Policy" in page.headers
    state = consent_state(api.container.uow(), api.container.clock, UUID(keen))
    assert state[("direct_marketing", "email")].value == "given"

    for _ in range(2):  # idempotent
        clicked = api.client.post(
            f"/u/{token}", content=b"List-Unsubscribe=One-Click", headers=ONE_CLICK
        )
        assert clicked.status_code == 200, clicked.text
        assert "set-cookie" not in clicked.headers
    state = consent_state(api.container.uow(), api.container.clock, UUID(keen))
    assert state[("direct_marketing", "email")].value == "withdrawn"

    next_campaign = _campaign(api).json()["id"]
    after = api.client.get(
        f"/api/v1/marketing/campaigns/{next_campaign}/audience", headers=api.as_("marketing")
    ).json()
    assert {"subject_id": keen, "reason": "objection"} in after["excluded"]


def test_an_altered_or_made_up_token_is_404_and_recorded(api: Api) -> None:
    for token in ("x", "A" * 60, "%3Cscript%3E", "a" * 129):
        for response in (
            api.client.get(f"/u/{token}"),
            api.client.post(
                f"/u/{token}", content=b"List-Unsubscribe=One-Click", headers=ONE_CLICK
            ),
        ):
            assert response.status_code == 404
            assert "<script>" not in response.text
    with api.container.uow() as uow:
        refused = [e for e in uow.audit.iter_entries() if e.action == "unsubscribe_refused"]
    assert len(refused) >= 4


def test_an_oversized_unsubscribe_body_is_refused_before_it_is_read(api: Api) -> None:
    response = api.client.post(
        "/u/whatever", content=b"List-Unsubscribe=One-Click&" + b"x" * 10_000, headers=ONE_CLICK
    )
    assert response.status_code == 413


def test_preferences_show_and_change_each_senders_choice(
    api: Api, fake: Faker, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    keen, email = _contact(api, fake, ("direct_marketing", "email"))
    campaign = _campaign(api).json()["id"]
    api.client.post(f"/api/v1/marketing/campaigns/{campaign}/send", headers=api.as_("marketing"))
    token = _sent_token(api, port, email, inbox)

    page = api.client.get(f"/u/{token}/preferences")
    assert page.status_code == 200
    assert 'name="direct_marketing.email" value="yes" checked' in page.text
    assert "Mondago" in page.text
    changed = api.client.post(
        f"/u/{token}/preferences",
        content=b"direct_marketing.sms=yes&mondago_marketing.third_party=yes",
        headers=ONE_CLICK,
    )
    assert changed.status_code == 200, changed.text
    state = consent_state(api.container.uow(), api.container.clock, UUID(keen))
    assert state[("direct_marketing", "email")].value == "withdrawn"  # unticked
    assert state[("direct_marketing", "sms")].value == "given"
    assert state[("mondago_marketing", "third_party")].value == "given"


def test_a_one_click_post_may_come_as_multipart_and_a_mangled_form_is_a_400(
    api: Api, fake: Faker, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    keen, email = _contact(api, fake, ("direct_marketing", "email"))
    campaign = _campaign(api).json()["id"]
    api.client.post(f"/api/v1/marketing/campaigns/{campaign}/send", headers=api.as_("marketing"))
    token = _sent_token(api, port, email, inbox)
    crowded = "&".join(f"f{n}=1" for n in range(100)).encode()
    assert api.client.post(f"/u/{token}", content=crowded, headers=ONE_CLICK).status_code == 400
    state = consent_state(api.container.uow(), api.container.clock, UUID(keen))
    assert state[("direct_marketing", "email")].value == "given"

    clicked = api.client.post(f"/u/{token}", files={"List-Unsubscribe": (None, "One-Click")})

    assert clicked.status_code == 200, clicked.text
    state = consent_state(api.container.uow(), api.container.clock, UUID(keen))
    assert state[("direct_marketing", "email")].value == "withdrawn"
