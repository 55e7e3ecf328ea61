"""Rights requests over the API: intake, events, the queue, and the tenant boundary."""

from __future__ import annotations

from tests.e2e.conftest import Api


def _create(api: Api, who: str, **body: object) -> object:
    return api.client.post(
        "/api/v1/requests",
        json={"type": "access", "received": "2026-11-20", **body},
        headers=api.as_(who),
    )


def test_a_request_is_created_worked_and_shown_with_its_timeline(api: Api) -> None:
    created = _create(api, "dco", channel="email")
    assert created.status_code == 201, created.text  # type: ignore[attr-defined]
    body = created.json()  # type: ignore[attr-defined]
    assert (body["state"], body["due"]) == ("received", "2026-12-21")
    path = f"/api/v1/requests/{body['id']}"
    refuse = api.client.post(
        f"{path}/events",
        json={"event": "refuse", "ground": "further_copy", "reason": "x"},
        headers=api.as_("dco"),
    )
    assert refuse.status_code == 409
    assert "ground for refuse: one of" in refuse.json()["error"]["message"]
    fee = api.client.post(
        f"{path}/events",
        json={"event": "ask_fee", "ground": "manifestly_excessive", "reason": "the fifth copy"},
        headers=api.as_("dco"),
    )
    assert fee.json()["state"] == "awaiting_fee"
    shown = api.client.get(path, headers=api.as_("dco")).json()
    assert [t["event"] for t in shown["timeline"]] == ["receive", "ask_fee"]
    bad = api.client.post(f"{path}/events", json={"event": "complete"}, headers=api.as_("dco"))
    assert bad.status_code == 409


def test_tenant_admins_see_only_their_tenants_requests(api: Api) -> None:
    mine = _create(api, "admin_a", tenant_id="tenant-a").json()["id"]  # type: ignore[attr-defined]
    assert _create(api, "admin_a", tenant_id="tenant-b").status_code in (403, 404)  # type: ignore[attr-defined]
    assert _create(api, "operator").status_code == 403  # type: ignore[attr-defined]
    other = api.client.get(f"/api/v1/requests/{mine}", headers=api.as_("admin_b"))
    assert other.status_code == 404
    queue_a = api.client.get("/api/v1/requests", headers=api.as_("admin_a")).json()
    assert [r["id"] for r in queue_a] == [mine]
    assert api.client.get("/api/v1/requests", headers=api.as_("admin_b")).json() == []


def test_a_tenants_request_its_administrator_records_is_due_to_be_answered(api: Api) -> None:
    """Recorded by the tenant's own administrator, the controller has it: due in a month, to
    answer; the same request recorded by us is due in two working days, to forward."""
    theirs = _create(api, "admin_a", tenant_id="tenant-a").json()  # type: ignore[attr-defined]
    assert (theirs["by_controller"], theirs["due_for"], theirs["due"]) == (
        True,
        "answer",
        "2026-12-21",
    )
    ours = _create(api, "dco", tenant_id="tenant-a").json()  # type: ignore[attr-defined]
    assert (ours["by_controller"], ours["due_for"], ours["due"]) == (
        False,
        "forwarding",
        "2026-11-24",
    )


def test_the_queue_marks_and_filters_overdue_and_due_this_week(api: Api) -> None:
    ids = {
        received: _create(api, "dco", received=received).json()["id"]  # type: ignore[attr-defined]
        for received in ("2026-10-01", "2026-10-26", "2026-11-20")
    }
    everything = api.client.get("/api/v1/requests", headers=api.as_("dco")).json()
    marks = {r["id"]: r["urgency"] for r in everything}
    assert marks == {
        ids["2026-10-01"]: "overdue",  # due 2 November
        ids["2026-10-26"]: "this_week",  # due 26 November, today being 25 November
        ids["2026-11-20"]: None,
    }
    for due, received in (("overdue", "2026-10-01"), ("this_week", "2026-10-26")):
        only = api.client.get(f"/api/v1/requests?due={due}", headers=api.as_("dco")).json()
        assert [r["id"] for r in only] == [ids[received]]
    bad = api.client.get("/api/v1/requests?due=someday", headers=api.as_("dco"))
    assert bad.status_code == 422


def test_a_representative_starts_nothing_before_their_authority_is_proved(api: Api) -> None:
    body = _create(api, "dco", representative=True).json()  # type: ignore[attr-defined]
    path = f"/api/v1/requests/{body['id']}/events"

    def post(**event: object) -> object:
        return api.client.post(path, json=event, headers=api.as_("dco"))

    early = post(event="start")
    assert early.status_code == 409  # type: ignore[attr-defined]
    assert "authority" in early.json()["error"]["message"]  # type: ignore[attr-defined]
    assert post(event="authority_received", ground="a_friend").status_code == 409  # type: ignore[attr-defined]
    proved = post(event="authority_received", ground="power_of_attorney", on="2026-11-24")
    assert proved.json()["due"] == "2026-12-24"  # type: ignore[attr-defined]  # the clock restarted
    assert post(event="start").json()["state"] == "in_progress"  # type: ignore[attr-defined]
    shown = api.client.get(f"/api/v1/requests/{body['id']}", headers=api.as_("dco")).json()
    (proof,) = [t for t in shown["timeline"] if t["event"] == "authority_received"]
    assert proof["reason"] == "power_of_attorney"
    itself = _create(api, "dco").json()  # type: ignore[attr-defined]
    refused = api.client.post(
        f"/api/v1/requests/{itself['id']}/events",
        json={"event": "authority_received", "ground": "power_of_attorney"},
        headers=api.as_("dco"),
    )
    assert "acts for themselves" in refused.json()["error"]["message"]


def test_a_restriction_names_its_ground_and_an_objection_its_target(api: Api) -> None:
    missing = _create(api, "dco", type="restriction")
    assert missing.status_code == 409  # type: ignore[attr-defined]
    assert "ground" in missing.json()["error"]["message"]  # type: ignore[attr-defined]
    ok = _create(api, "dco", type="restriction", scope="accuracy_contested")
    assert ok.json()["scope"] == "accuracy_contested"  # type: ignore[attr-defined]
    assert _create(api, "dco", type="objection", scope="direct_marketing").status_code == 201  # type: ignore[attr-defined]
    unknown = _create(api, "dco", type="objection", scope="legitimate_interests:nothing")
    assert "no purpose" in unknown.json()["error"]["message"]  # type: ignore[attr-defined]
    assert _create(api, "dco", scope="accuracy_contested").status_code == 409  # type: ignore[attr-defined]


def test_an_objection_reaches_only_purposes_on_legitimate_interests(api: Api) -> None:
    contract = _create(api, "dco", type="objection", scope="legitimate_interests:order_delivery")
    assert contract.status_code == 409  # type: ignore[attr-defined]
    assert "on legitimate interests" in contract.json()["error"]["message"]  # type: ignore[attr-defined]
    weighed = _create(api, "dco", type="objection", scope="legitimate_interests:debt_recovery")
    assert weighed.status_code == 201  # type: ignore[attr-defined]


def test_a_requesters_name_that_would_rewrite_a_letter_or_a_terminal_is_refused(
    api: Api,
) -> None:
    refused = _create(
        api, "dco", contact_email="someone@example.org", contact_name="Ann\x1b]0;x\x07\rDear DCO"
    )
    assert refused.status_code == 422, refused.text  # type: ignore[attr-defined]
    assert "contact_name" in refused.text  # type: ignore[attr-defined]
    assert "Dear DCO" not in refused.text  # type: ignore[attr-defined]
