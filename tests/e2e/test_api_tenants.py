"""The tenants API: onboarding by the roles that may, visibility by tenant."""

from __future__ import annotations

from tests.e2e.conftest import Api


def test_operator_onboards_and_each_admin_sees_only_its_tenant(api: Api) -> None:
    for name, tenant_id in (("Tenant C Ltd", "tenant-c"), ("Tenant D Ltd", "tenant-d")):
        response = api.client.post(
            "/api/v1/tenants",
            json={
                "name": name,
                "id": tenant_id,
                "call_retention": "P24M",
                "controller_contact": {"name": "Test Person", "email": f"dpo@{tenant_id}.example"},
            },
            headers=api.as_("operator"),
        )
        assert response.status_code == 201, response.text
        assert response.json()["has_controller_contact"] is True
        assert "dpo@" not in response.text
    everyone = api.client.get("/api/v1/tenants", headers=api.as_("operator")).json()
    assert [t["id"] for t in everyone] == ["tenant-a", "tenant-b", "tenant-c", "tenant-d"]
    own = api.client.get("/api/v1/tenants", headers=api.as_("admin_b")).json()
    assert [t["id"] for t in own] == ["tenant-b"]
    refused = api.client.get("/api/v1/tenants", headers=api.as_("marketing"))
    assert refused.status_code == 403


def test_a_bad_setting_is_named(api: Api) -> None:
    response = api.client.post(
        "/api/v1/tenants",
        json={"name": "Zeta", "timezone": "Mars/Olympus"},
        headers=api.as_("dco"),
    )
    assert response.status_code == 422
    assert response.json()["error"]["message"].startswith("timezone:")
