"""The subjects API as staff and tenant administrators use it, and as an intruder tries to."""

from __future__ import annotations

import json
from typing import Any

from faker import Faker

from dataward.services.organisation.staff import revoke
from tests.e2e.conftest import SETUP, Api


def drama_number(fake: Faker) -> str:
    return f"020 7946 0{fake.random_int(0, 999):03d}"


def a_caller(api: Api, fake: Faker, who: str = "admin_a", tenant: str = "tenant-a") -> str:
    return api.create(
        who,
        {
            "kind": "caller",
            "tenant_id": tenant,
            "identifiers": [{"type": "phone", "value": drama_number(fake)}],
        },
    )


def an_end_user(api: Api, fake: Faker) -> tuple[str, str]:
    email = fake.email()
    subject_id = api.create(
        "dco", {"kind": "end_user", "identifiers": [{"type": "email", "value": email}]}
    )
    return subject_id, email


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    return body


def test_no_token_bad_token_and_revoked_token_are_all_refused(api: Api, fake: Faker) -> None:
    subject_id, _ = an_end_user(api, fake)
    url = f"/api/v1/subjects/{subject_id}"
    assert_error(api.client.get(url, params={"purpose": "correspondence"}), 401, "unauthenticated")
    bad = {"Authorization": "Bearer dw_not-a-real-token"}
    assert_error(
        api.client.get(url, params={"purpose": "correspondence"}, headers=bad),
        401,
        "unauthenticated",
    )
    register = api.container.active_register.get(api.container.uow(read_only=True)).register
    revoke(api.container.use_case(SETUP, register), "dco")
    assert_error(api.read("dco", subject_id, "correspondence"), 401, "unauthenticated")


def test_the_dco_reads_an_end_users_email_for_correspondence(api: Api, fake: Faker) -> None:
    subject_id, email = an_end_user(api, fake)
    response = api.read("dco", subject_id, "correspondence")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["identifiers"] == [{"type": "email", "value": email.lower()}]
    assert body["withheld"] == {}


def test_an_operator_never_sees_a_callers_number(api: Api, fake: Faker) -> None:
    caller = a_caller(api, fake)
    body = assert_error(api.read("operator", caller, "telephony_reporting"), 403, "access_denied")
    assert "role_lacks_need_to_know" in body["error"]["message"]


def test_a_tenant_administrator_sees_its_own_callers_and_no_one_elses(
    api: Api, fake: Faker
) -> None:
    number = drama_number(fake)
    caller = api.create(
        "admin_a",
        {
            "kind": "caller",
            "tenant_id": "tenant-a",
            "identifiers": [{"type": "phone", "value": number}],
        },
    )
    own = api.read("admin_a", caller, "telephony_reporting")
    assert own.status_code == 200, own.text
    assert own.json()["identifiers"][0]["value"].startswith("+442079460")
    # Tenant B's administrator: as if the caller did not exist, however it asks.
    assert_error(api.read("admin_b", caller, "telephony_reporting"), 404, "not_found")
    # Looking in its own tenant, it finds no one; asking in tenant A is refused before looking.
    own_tenant = api.lookup(
        "admin_b", type="phone", value=number, purpose="telephony_reporting", tenant_id="tenant-b"
    )
    assert_error(own_tenant, 404, "not_found")
    other_tenant = api.lookup(
        "admin_b", type="phone", value=number, purpose="telephony_reporting", tenant_id="tenant-a"
    )
    body = assert_error(other_tenant, 403, "access_denied")
    assert "tenant_mismatch" in body["error"]["message"]
    erase = api.client.delete(
        f"/api/v1/subjects/{caller}",
        params={"reason": "erasure_request"},
        headers=api.as_("admin_b"),
    )
    assert_error(erase, 404, "not_found")
    assert api.read("admin_a", caller, "telephony_reporting").status_code == 200
    # Nor may it register callers in another tenant.
    response = api.client.post(
        "/api/v1/subjects",
        json={
            "kind": "caller",
            "tenant_id": "tenant-a",
            "identifiers": [{"type": "phone", "value": drama_number(fake)}],
        },
        headers=api.as_("admin_b"),
    )
    assert_error(response, 404, "not_found")


def test_a_restricted_subject_opens_only_for_storage_and_legal_claims(
    api: Api, fake: Faker
) -> None:
    subject_id, email = an_end_user(api, fake)
    restricted = api.client.post(
        f"/api/v1/subjects/{subject_id}/restrictions",
        json={"ground": "accuracy_contested"},
        headers=api.as_("dco"),
    )
    assert restricted.status_code == 201, restricted.text
    body = assert_error(api.read("dco", subject_id, "correspondence"), 403, "access_denied")
    assert "processing_restricted" in body["error"]["message"]
    for purpose in ("legal_claims", "secure_storage"):
        allowed = api.read("dco", subject_id, purpose)
        assert allowed.status_code == 200, allowed.text
        assert allowed.json()["identifiers"] == [{"type": "email", "value": email.lower()}]
    lift = api.client.post(
        f"/api/v1/subjects/{subject_id}/restrictions/{restricted.json()['id']}/lift",
        json={"subject_told_at": None},
        headers=api.as_("dco"),
    )
    assert_error(lift, 409, "restriction_refused")


def test_marketing_reads_contact_details_only_while_consent_stands(api: Api, fake: Faker) -> None:
    subject_id, _ = an_end_user(api, fake)
    assert_error(api.read("marketing", subject_id, "direct_marketing"), 403, "access_denied")
    given = api.client.post(
        f"/api/v1/subjects/{subject_id}/consents",
        json={
            "purpose": "direct_marketing",
            "channel": "email",
            "given": True,
            "method": "web_form",
            "notice_version": "2026.1",
        },
        headers=api.as_("marketing"),
    )
    assert given.status_code == 201, given.text
    assert api.read("marketing", subject_id, "direct_marketing").status_code == 200
    state = api.client.get(f"/api/v1/subjects/{subject_id}/consents", headers=api.as_("marketing"))
    assert state.json() == [{"purpose": "direct_marketing", "channel": "email", "state": "given"}]
    withdrawn = api.client.post(
        f"/api/v1/subjects/{subject_id}/consents",
        json={
            "purpose": "direct_marketing",
            "given": False,
            "method": "email_link",
            "notice_version": "2026.1",
        },
        headers=api.as_("marketing"),
    )
    assert withdrawn.status_code == 201, withdrawn.text
    body = assert_error(api.read("marketing", subject_id, "direct_marketing"), 403, "access_denied")
    assert "consent_withdrawn" in body["error"]["message"]


def test_a_direct_marketing_objection_is_upheld_at_once(api: Api, fake: Faker) -> None:
    subject_id, _ = an_end_user(api, fake)
    objection = api.client.post(
        f"/api/v1/subjects/{subject_id}/objections",
        json={"kind": "direct_marketing"},
        headers=api.as_("dco"),
    )
    assert objection.status_code == 201, objection.text
    assert objection.json()["outcome"] == "upheld"
    override = api.client.post(
        f"/api/v1/subjects/{subject_id}/objections/{objection.json()['id']}/decision",
        json={"outcome": "compelling_grounds", "reasoning": "We would like to keep mailing"},
        headers=api.as_("dco"),
    )
    assert_error(override, 409, "objection_refused")


def test_roles_without_the_action_cannot_restrict_or_register(api: Api, fake: Faker) -> None:
    subject_id, _ = an_end_user(api, fake)
    for who in ("support", "marketing", "operator", "auditor"):
        response = api.client.post(
            f"/api/v1/subjects/{subject_id}/restrictions",
            json={"ground": "accuracy_contested"},
            headers=api.as_(who),
        )
        assert_error(response, 403, "action_not_allowed")
    response = api.client.post(
        "/api/v1/subjects",
        json={"kind": "end_user", "identifiers": [{"type": "email", "value": fake.email()}]},
        headers=api.as_("auditor"),
    )
    assert_error(response, 403, "action_not_allowed")


def test_bad_identifiers_are_refused_without_echoing_them(api: Api, fake: Faker) -> None:
    response = api.client.post(
        "/api/v1/subjects",
        json={"kind": "end_user", "identifiers": [{"type": "phone", "value": "016329"}]},
        headers=api.as_("dco"),
    )
    body = assert_error(response, 422, "invalid_identifier")
    assert "016329" not in response.text
    assert body["error"]["message"].startswith("invalid phone")
    email = fake.email()
    api.create("dco", {"kind": "end_user", "identifiers": [{"type": "email", "value": email}]})
    again = api.client.post(
        "/api/v1/subjects",
        json={"kind": "end_user", "identifiers": [{"type": "email", "value": email.upper()}]},
        headers=api.as_("dco"),
    )
    assert_error(again, 409, "duplicate_identifier")
    assert email.lower() not in again.text


def test_erasure_through_the_api_leaves_nothing_to_read(api: Api, fake: Faker) -> None:
    subject_id, email = an_end_user(api, fake)
    response = api.client.delete(
        f"/api/v1/subjects/{subject_id}",
        params={"reason": "erasure_request", "request_ref": "R-42"},
        headers=api.as_("dco"),
    )
    assert response.status_code == 200, response.text
    assert response.json()["key_destroyed"] is True
    body = assert_error(api.read("dco", subject_id, "legal_claims"), 403, "access_denied")
    assert "subject_erased" in body["error"]["message"]
    lookup = api.lookup("dco", type="email", value=email, purpose="correspondence")
    assert_error(lookup, 404, "not_found")


def test_every_decision_is_in_the_audit_log_without_the_identifier(api: Api, fake: Faker) -> None:
    subject_id, email = an_end_user(api, fake)
    assert api.read("dco", subject_id, "correspondence").status_code == 200
    assert api.read("marketing", subject_id, "direct_marketing").status_code == 403
    exported = api.client.get("/api/v1/audit/export", headers=api.as_("dco"))
    assert exported.status_code == 200
    entries = [json.loads(line) for line in exported.text.splitlines()]
    about = [e for e in entries if e["subject_ref"] == subject_id]
    assert about[0]["action"] == "subject_created"
    decisions = {(e["actor"], e["decision"]) for e in about if e["action"] == "gate_decision"}
    assert ("dco", "permitted") in decisions
    assert ("marketing", "no_consent") in decisions
    assert email not in exported.text
    assert email.lower() not in exported.text


def test_a_prohibited_field_is_refused_by_name_and_nothing_is_stored(api: Api, fake: Faker) -> None:
    email = fake.email()
    response = api.client.post(
        "/api/v1/subjects",
        json={
            "kind": "end_user",
            "identifiers": [{"type": "email", "value": email}],
            "health": "a condition",
        },
        headers=api.as_("dco"),
    )
    body = assert_error(response, 422, "prohibited_data")
    assert "'health'" in body["error"]["message"]
    assert "a condition" not in response.text
    lookup = api.lookup("dco", type="email", value=email, purpose="correspondence")
    assert_error(lookup, 404, "not_found")
    unknown = api.client.post(
        "/api/v1/subjects",
        json={
            "kind": "end_user",
            "identifiers": [{"type": "email", "value": email}],
            "shoe_size": "9",
        },
        headers=api.as_("dco"),
    )
    assert_error(unknown, 422, "subject_refused")
