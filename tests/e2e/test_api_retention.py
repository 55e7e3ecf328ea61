"""Retention through the API: the DCO plans, sweeps and reads the evidence; an auditor reads the
evidence only; no other role, and no tenant administrator, reaches a plan or a sweep (they span
every tenant); a sweep ahead of today is refused."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from faker import Faker

from dataward.domain.clock import FixedClock
from dataward.domain.subjects import Actor
from dataward.services.keys.batches import DOWNLOAD, enrolling
from dataward.services.processing.suppression import suppress_subject
from dataward.services.rights.downloads import NewLink, add_link
from tests.builders import shipped_register
from tests.e2e.conftest import Api
from tests.e2e.test_api_subjects import an_end_user, assert_error

DCO = Actor(id="staff-dco", role="dco")
BASE = "https://privacy.example.test"


def test_the_dco_plans_sweeps_and_reads_the_evidence(api: Api, clock: FixedClock) -> None:
    planned = api.client.get("/api/v1/retention/plan", headers=api.as_("dco"))
    assert planned.status_code == 200, planned.text
    plan = planned.json()
    assert plan["as_of"] == clock.now().date().isoformat()
    stores = {(line["tenant"], line["store"]) for line in plan["lines"]}
    per_tenant = ("calls", "call_parties", "quarantined_lines")
    tenants = {(t, s) for t in ("tenant-a", "tenant-b") for s in per_tenant}
    ours = ("rights_requests", "customer_records", "consent_records", "downloads", "contacts")
    ours += ("marketing_bases", "campaign_sends", "disclosures")
    assert stores == {*tenants, *((None, s) for s in (*ours, "suppression_digests"))}
    ahead = (clock.now().date() + timedelta(days=400)).isoformat()
    later = api.client.get(
        "/api/v1/retention/plan", params={"as_of": ahead}, headers=api.as_("dco")
    )
    assert later.status_code == 200
    assert later.json()["as_of"] == ahead

    swept = api.client.post("/api/v1/retention/sweep", json={}, headers=api.as_("dco"))
    assert swept.status_code == 200, swept.text
    records = swept.json()
    assert len(records) == 15  # 3 stores for each of two tenants, and our own 9
    assert all(r["state"] == "done" for r in records)
    assert all(r["removed"] == 0 and len(r["digest"]) == 64 for r in records)

    for who in ("dco", "auditor"):
        history = api.client.get("/api/v1/retention/history", headers=api.as_(who))
        assert history.status_code == 200, history.text
        assert [r["id"] for r in history.json()] == sorted((r["id"] for r in records), reverse=True)


def test_a_sweep_ahead_of_today_is_refused(api: Api, clock: FixedClock) -> None:
    tomorrow = (clock.now().date() + timedelta(days=1)).isoformat()
    refused = api.client.post(
        "/api/v1/retention/sweep", json={"as_of": tomorrow}, headers=api.as_("dco")
    )
    assert_error(refused, 422, "retention_refused")
    history = api.client.get("/api/v1/retention/history", headers=api.as_("dco")).json()
    assert history == []


@pytest.mark.parametrize("who", ["operator", "support", "marketing", "admin_a", "auditor"])
def test_only_the_maintenance_role_plans_or_sweeps(api: Api, who: str) -> None:
    plan = api.client.get("/api/v1/retention/plan", headers=api.as_(who))
    assert_error(plan, 403, "action_not_allowed")
    sweep = api.client.post("/api/v1/retention/sweep", json={}, headers=api.as_(who))
    assert_error(sweep, 403, "action_not_allowed")
    if who != "auditor":
        history = api.client.get("/api/v1/retention/history", headers=api.as_(who))
        assert_error(history, 403, "action_not_allowed")


def test_a_sweep_body_is_closed_and_bounded(api: Api) -> None:
    for body in ({"batch_size": 0}, {"batch_size": 100_001}, {"as_of": "tomorrow"}, {"x": 1}):
        response = api.client.post("/api/v1/retention/sweep", json=body, headers=api.as_("dco"))
        assert response.status_code == 422, response.text
        assert "tomorrow" not in response.text


def _consent(api: Api, subject_id: str, *, given: bool) -> None:
    body = {
        "purpose": "direct_marketing",
        "given": given,
        "method": "web_form" if given else "email_link",
        "notice_version": "notice-v7",
        **({"channel": "email"} if given else {}),
    }
    response = api.client.post(
        f"/api/v1/subjects/{subject_id}/consents", json=body, headers=api.as_("dco")
    )
    assert response.status_code == 201, response.text


def test_consent_records_links_and_suppression_entries_in_the_plan_and_the_sweep(
    api: Api, clock: FixedClock, fake: Faker
) -> None:
    today = clock.current
    clock.current = today - timedelta(days=7 * 366)
    withdrawn, _email = an_end_user(api, fake)
    _consent(api, withdrawn, given=True)
    _consent(api, withdrawn, given=False)  # every channel: e-mail, text and post
    clock.current = today - timedelta(days=2)
    given, _email = an_end_user(api, fake)
    _consent(api, given, given=True)
    ctx = api.container.use_case(DCO, shipped_register())
    with enrolling(ctx.vault, DOWNLOAD) as keys, ctx.uow:
        keys.join(ctx.uow)
        content = fake.paragraph().encode()
        new = NewLink(str(uuid.uuid4()), given, "access", "access.zip", content, BASE)
        add_link(ctx, new, keys)
        subject = ctx.uow.subjects.get(given)
        assert subject is not None
        suppress_subject(ctx.uow, subject, source="objection", at=clock.now())
        keys.commit(ctx.uow)
    clock.current = today + timedelta(days=4)  # the link, good for seven days, still works

    def lines() -> dict[str, dict[str, Any]]:
        plan = api.client.get("/api/v1/retention/plan", headers=api.as_("dco")).json()
        return {line["store"]: line for line in plan["lines"] if line["tenant"] is None}

    planned = lines()
    consent = planned["consent_records"]
    assert (consent["rule"], consent["due"], consent["waiting"]) == ("marketing_preferences", 4, 1)
    assert consent["oldest"] == (today - timedelta(days=7 * 366)).date().isoformat()
    assert "consent still given" in consent["waiting_for"]
    assert (planned["downloads"]["due"], planned["downloads"]["retention"]) == (
        0,
        "until the link expires",
    )
    suppression = planned["suppression_digests"]
    assert (suppression["due"], suppression["waiting"]) == (0, 1)
    assert "objection" in suppression["waiting_for"]
    assert suppression["retention"] == "while the objection stands"

    clock.current = today + timedelta(days=5, hours=1)  # now it has expired
    assert lines()["downloads"]["due"] == 1
    swept = api.client.post("/api/v1/retention/sweep", json={}, headers=api.as_("dco"))
    assert swept.status_code == 200, swept.text
    removed = {r["store"]: r["removed"] for r in swept.json() if r["tenant"] is None}
    assert removed["consent_records"] == 4
    assert removed["downloads"] == 1
    assert removed["suppression_digests"] == 0
    after = lines()
    assert (after["consent_records"]["due"], after["consent_records"]["waiting"]) == (0, 1)
    assert after["downloads"]["due"] == 0
    assert after["suppression_digests"]["waiting"] == 1
    assert withdrawn not in swept.text
    assert given not in swept.text


def test_contacts_in_the_plan_and_the_sweep(api: Api, clock: FixedClock, fake: Faker) -> None:
    today = clock.current
    clock.current = today - timedelta(days=3 * 366)
    email = fake.email()
    body = {"kind": "marketing_contact", "identifiers": [{"type": "email", "value": email}]}
    left = api.create("dco", body)
    visitor = api.create(
        "dco",
        {"kind": "website_visitor", "identifiers": [{"type": "email", "value": fake.email()}]},
    )
    clock.current = today

    plan = api.client.get("/api/v1/retention/plan", headers=api.as_("dco")).json()
    [line] = [x for x in plan["lines"] if x["store"] == "contacts"]
    assert (line["rule"], line["retention"], line["due"], line["waiting"]) == (
        "usage_analytics",
        "P26M collection; P2Y last_interaction",
        2,  # made 3 years ago: past a marketing contact's 2 years and a visitor's 26 months
        0,
    )
    swept = api.client.post("/api/v1/retention/sweep", json={}, headers=api.as_("dco"))
    assert swept.status_code == 200, swept.text
    [record] = [r for r in swept.json() if r["store"] == "contacts"]
    assert (record["removed"], record["held"], record["state"]) == (2, 0, "done")
    for secret in (left, visitor, email):
        assert secret not in swept.text
    history = api.client.get("/api/v1/retention/history", headers=api.as_("auditor"))
    assert [r["removed"] for r in history.json() if r["store"] == "contacts"] == [2]
