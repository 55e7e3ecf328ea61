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
    assert "not a ground for refuse" in refuse.json()["error"]["message"]
    fee = api.client.post(
        f"{path}/events",
        json={"event": "ask_fee", "ground": "further_copy", "reason": "a second copy"},
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
