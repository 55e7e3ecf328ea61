"""Retention through the API: the DCO plans, sweeps and reads the evidence; an auditor reads the
evidence only; no other role, and no tenant administrator, reaches a plan or a sweep (they span
every tenant); a sweep ahead of today is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dataward.domain.clock import FixedClock
from tests.e2e.conftest import Api
from tests.e2e.test_api_subjects import assert_error


def test_the_dco_plans_sweeps_and_reads_the_evidence(api: Api, clock: FixedClock) -> None:
    planned = api.client.get("/api/v1/retention/plan", headers=api.as_("dco"))
    assert planned.status_code == 200, planned.text
    plan = planned.json()
    assert plan["as_of"] == clock.now().date().isoformat()
    stores = {(line["tenant"], line["store"]) for line in plan["lines"]}
    per_tenant = ("calls", "call_parties", "quarantined_lines")
    tenants = {(t, s) for t in ("tenant-a", "tenant-b") for s in per_tenant}
    assert stores == {*tenants, (None, "rights_requests"), (None, "customer_records")}
    ahead = (clock.now().date() + timedelta(days=400)).isoformat()
    later = api.client.get(
        "/api/v1/retention/plan", params={"as_of": ahead}, headers=api.as_("dco")
    )
    assert later.status_code == 200
    assert later.json()["as_of"] == ahead

    swept = api.client.post("/api/v1/retention/sweep", json={}, headers=api.as_("dco"))
    assert swept.status_code == 200, swept.text
    records = swept.json()
    assert len(records) == 8
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
