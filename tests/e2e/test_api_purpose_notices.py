"""Changes of purpose through the API and the command line: a purpose a new register version
adds is refused until the DCO assesses it compatible, or its notice goes; only a role with
manage_register may do either; a bad body is a 4xx that repeats none of it."""

from __future__ import annotations

from datetime import timedelta

from faker import Faker

from dataward.adapters.register_file import parse_register, shipped_register_text
from dataward.domain.clock import FixedClock
from dataward.services.register.store import store_register
from tests.e2e.conftest import SETUP, Api
from tests.integration.test_purpose_notices import FACTORS, NEW, PURPOSE

ASSESSMENT = {
    "purpose": NEW,
    "compatible": True,
    "reasons": "a close link to the relationship",
    "link": FACTORS.link,
    "context": FACTORS.context,
    "nature": FACTORS.nature,
    "consequences": FACTORS.consequences,
    "safeguards": FACTORS.safeguards,
}


def _version_two(api: Api, clock: FixedClock) -> None:
    clock.advance(timedelta(hours=1))
    text = shipped_register_text().replace('version: "2026.1"', 'version: "2026.2"')
    text = text.replace("  - key: telephony_reporting\n", PURPOSE, 1)
    text = text.replace(
        "purposes: [correspondence, relationship_management, telephony_support]",
        f"purposes: [correspondence, relationship_management, telephony_support, {NEW}]",
    )
    container = api.container
    loaded = parse_register(text, source="v2")
    store_register(container.uow(), container.clock, loaded, SETUP, container.active_register)
    clock.advance(timedelta(hours=1))


def _read(api: Api, subject: str) -> int:
    return api.read("support", subject, NEW).status_code


def test_a_new_purpose_is_refused_until_the_dco_assesses_it_compatible(
    api: Api, clock: FixedClock, fake: Faker
) -> None:
    subject = api.create(
        "dco",
        {"kind": "customer_contact", "identifiers": [{"type": "email", "value": fake.email()}]},
    )
    _version_two(api, clock)
    refused = api.read("support", subject, NEW)
    assert refused.status_code == 403
    assert "notice_pending" in refused.text

    pending = api.client.get("/api/v1/register/pending", headers=api.as_("dco"))
    assert pending.status_code == 200
    [line] = [p for p in pending.json() if p["purpose"] == NEW]
    assert (line["version"], line["concerned"], line["told"], line["assessed"]) == (
        "2026.2",
        1,
        0,
        None,
    )

    denied = api.client.post(
        "/api/v1/register/assessments", json=ASSESSMENT, headers=api.as_("support")
    )
    assert denied.status_code == 403
    blank = api.client.post(
        "/api/v1/register/assessments",
        json={**ASSESSMENT, "safeguards": "", "reasons": "x" * 5000},
        headers=api.as_("dco"),
    )
    assert blank.status_code == 422
    assert "x" * 50 not in blank.text  # the input is not repeated
    unknown = api.client.post(
        "/api/v1/register/assessments",
        json={**ASSESSMENT, "purpose": "secret plans"},
        headers=api.as_("dco"),
    )
    assert unknown.status_code == 422
    assert "secret plans" not in unknown.text

    done = api.client.post("/api/v1/register/assessments", json=ASSESSMENT, headers=api.as_("dco"))
    assert done.status_code == 201, done.text
    assert _read(api, subject) == 200


def test_notices_are_queued_once_and_an_unknown_version_is_a_404(
    api: Api, clock: FixedClock, fake: Faker
) -> None:
    api.create(
        "dco", {"kind": "end_user", "identifiers": [{"type": "email", "value": fake.email()}]}
    )
    _version_two(api, clock)
    queued = api.client.post(
        "/api/v1/register/notices", json={"version": "2026.2"}, headers=api.as_("dco")
    )
    assert queued.status_code == 202, queued.text
    assert queued.json() == {"version": "2026.2", "queued": 1}
    again = api.client.post(
        "/api/v1/register/notices", json={"version": "2026.2"}, headers=api.as_("dco")
    )
    assert again.json()["queued"] == 0
    missing = api.client.post(
        "/api/v1/register/notices", json={"version": "1999.9"}, headers=api.as_("dco")
    )
    assert missing.status_code == 404
    assert "1999.9" not in missing.text
    unauthenticated = api.client.post("/api/v1/register/notices", json={"version": "2026.2"})
    assert unauthenticated.status_code == 401
