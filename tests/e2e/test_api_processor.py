"""The processor route over the API: a request about a tenant's caller is forwarded to the
tenant's controller contact, and the tenant's administrator instructs an export, then an
erasure, of that caller; another tenant's administrator can do neither."""

from __future__ import annotations

from faker import Faker

from dataward.services.organisation.staff import IssueToken, issue_token
from tests.builders import SAMPLE_RETENTION
from tests.e2e.conftest import SETUP, Api
from tests.samples import sample

QUEUE_LOG = "asterisk_queue_log__assembled_from_public_examples.txt"


def test_a_forwarded_request_is_carried_out_on_the_tenants_instruction(
    api: Api, fake: Faker
) -> None:
    tenant = api.client.post(
        "/api/v1/tenants",
        json={
            "name": "Tenant C",
            "id": "tenant-c",
            "call_retention": SAMPLE_RETENTION,
            "controller_contact": {"name": fake.name(), "email": fake.email()},
        },
        headers=api.as_("dco"),
    )
    assert tenant.status_code == 201, tenant.text
    register = api.container.active_register.get(api.container.uow(read_only=True)).register
    token = issue_token(
        api.container.use_case(SETUP, register), IssueToken("admin_c", "tenant_admin", "tenant-c")
    ).token
    admin_c = {"Authorization": f"Bearer {token}"}
    landed = api.client.post(
        "/api/v1/tenants/tenant-c/calls",
        content=sample(QUEUE_LOG).read_bytes(),
        headers={**api.as_("operator"), "Content-Type": "text/plain"},
    )
    assert landed.status_code == 201, landed.text
    caller = api.client.post(
        "/api/v1/subjects/lookup",
        json={
            "type": "phone",
            "value": "01632 960001",
            "purpose": "telephony_reporting",
            "tenant_id": "tenant-c",
        },
        headers=admin_c,
    ).json()["id"]
    created = api.client.post(
        "/api/v1/requests",
        json={
            "type": "access",
            "received": "2026-11-20",
            "tenant_id": "tenant-c",
            "subject_id": caller,
            "contact_email": fake.email(),
        },
        headers=api.as_("dco"),
    ).json()
    path = f"/api/v1/requests/{created['id']}"
    early = api.client.post(f"{path}/instructions", json={"kind": "export"}, headers=admin_c)
    assert early.status_code == 409
    forwarded = api.client.post(f"{path}/events", json={"event": "forward"}, headers=api.as_("dco"))
    assert forwarded.json()["state"] == "forwarded_to_controller", forwarded.text
    stranger = api.client.post(
        f"{path}/instructions", json={"kind": "erase"}, headers=api.as_("admin_a")
    )
    assert stranger.status_code == 404  # not even that it exists
    exported = api.client.post(f"{path}/instructions", json={"kind": "export"}, headers=admin_c)
    assert exported.status_code == 200, exported.text
    (call,) = exported.json()["calls"]
    assert call["caller"]["number"] == "+441632960001"
    erased = api.client.post(f"{path}/instructions", json={"kind": "erase"}, headers=admin_c)
    assert erased.json()["outcome"]["key_destroyed"] is True
    gone = api.client.get(f"/api/v1/tenants/tenant-c/subjects/{caller}/calls", headers=admin_c)
    assert gone.status_code in (403, 404), gone.text  # erased: nothing to open any more
