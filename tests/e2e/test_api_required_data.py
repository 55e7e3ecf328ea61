"""Data a contract requires, over the API: registering for a purpose without it is a 422 naming
the fields and never the values; a subject's missing data is listed, and the letter asking for
it is queued on the person's open request."""

from __future__ import annotations

from faker import Faker

from tests.e2e.conftest import Api
from tests.e2e.test_api_subjects import assert_error


def test_registering_for_a_purpose_without_its_data_is_refused_naming_the_fields(
    api: Api, fake: Faker
) -> None:
    email = fake.email()
    body = {
        "kind": "end_user",
        "identifiers": [{"type": "email", "value": email}],
        "purpose": "register_end_user",
    }
    response = api.client.post("/api/v1/subjects", json=body, headers=api.as_("operator"))
    error = assert_error(response, 422, "required_data_missing")["error"]
    assert error["details"] == [{"field": "identity.first_name"}, {"field": "identity.last_name"}]
    assert "without it the service cannot be provided" in error["message"]
    assert email not in response.text
    body["identifiers"].append({"type": "name", "value": fake.name()})  # type: ignore[attr-defined]
    assert api.create("operator", body)
    unknown = api.client.post(
        "/api/v1/subjects", json={**body, "purpose": "Not A Key"}, headers=api.as_("operator")
    )
    assert unknown.status_code == 422


def test_missing_data_is_listed_and_the_letter_queued_on_the_open_request(
    api: Api, fake: Faker
) -> None:
    email = fake.email()
    subject_id = api.create(
        "dco", {"kind": "end_user", "identifiers": [{"type": "email", "value": email}]}
    )
    url = f"/api/v1/subjects/{subject_id}/required"
    listed = api.client.get(url, params={"purpose": "order_delivery"}, headers=api.as_("dco"))
    assert listed.status_code == 200, listed.text
    assert listed.json() == {
        "subject_id": subject_id,
        "purpose": "order_delivery",
        "can_be_served": False,
        "missing": ["identity.first_name", "identity.last_name", "contact.billing_address"],
        "needed": "your first name, your last name and your billing address",
        "requirement": "a contractual requirement",
        "letter_request_id": None,
    }
    ask = {"purpose": "order_delivery"}
    none_open = api.client.post(f"{url}/letter", json=ask, headers=api.as_("dco"))
    assert_error(none_open, 409, "request_refused")
    created = api.client.post(
        "/api/v1/requests",
        json={
            "type": "rectification",
            "received": "2026-11-20",
            "subject_id": subject_id,
            "contact_email": email,
        },
        headers=api.as_("dco"),
    )
    assert created.status_code == 201, created.text
    request_id = created.json()["id"]
    operator = api.client.post(f"{url}/letter", json=ask, headers=api.as_("operator"))
    assert_error(operator, 403, "action_not_allowed")
    sent = api.client.post(f"{url}/letter", json=ask, headers=api.as_("dco"))
    assert sent.status_code == 201, sent.text
    assert sent.json()["letter_request_id"] == request_id
    shown = api.client.get(f"/api/v1/requests/{request_id}", headers=api.as_("dco")).json()
    assert "required_data" in [letter["letter"] for letter in shown["letters"]]
    extra = api.client.post(f"{url}/letter", json={**ask, "to": email}, headers=api.as_("dco"))
    assert extra.status_code == 422
    assert email not in extra.text


def test_another_tenants_subject_is_not_found(api: Api, fake: Faker) -> None:
    caller = api.create(
        "admin_a",
        {
            "kind": "caller",
            "tenant_id": "tenant-a",
            "identifiers": [{"type": "phone", "value": f"020 7946 0{fake.random_int(0, 999):03d}"}],
        },
    )
    response = api.client.get(
        f"/api/v1/subjects/{caller}/required",
        params={"purpose": "register_end_user"},
        headers=api.as_("admin_b"),
    )
    assert_error(response, 404, "not_found")
