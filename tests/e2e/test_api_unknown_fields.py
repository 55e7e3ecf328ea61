"""A field name the API does not know is the caller's choice, and could be anything: a phone
number, markup. It is refused or ignored, never repeated: a validation error names the place by
the API's own names (`body`) and says a field is unknown, a subject's extra fields are counted,
a prohibited one is named as the register spells it, and the register check names a document's
places by the register's own field names. Tried on staff bodies, the public code and form, the
lookup and the register check."""

from __future__ import annotations

import html
import json
from typing import Any

import pytest
from faker import Faker
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, field_validator

from dataward.adapters.register_file import shipped_register_text
from dataward.entrypoints.api import errors
from tests.e2e.conftest import Api

HOSTILE_KEYS = ["07700900123", "<script>alert(1)</script>", "body.kind", "{{7*7}}"]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
UNKNOWN = errors.PLAIN_MESSAGES["extra_forbidden"]


def _never_said(response: Any, key: str) -> None:
    assert response.status_code < 500, response.text
    assert key not in response.text
    assert key not in html.unescape(response.text)
    assert json.dumps(key)[1:-1] not in response.text  # nor JSON-escaped


def _an_end_user(api: Api, fake: Faker) -> tuple[str, str]:
    email = fake.email()
    return api.create(
        "dco", {"kind": "end_user", "identifiers": [{"type": "email", "value": email}]}
    ), email


@pytest.mark.parametrize("key", HOSTILE_KEYS)
def test_an_unknown_field_in_a_lookup_is_said_to_be_one_not_named(
    api: Api, fake: Faker, key: str
) -> None:
    _, email = _an_end_user(api, fake)
    refused = api.lookup("dco", type="email", value=email, purpose="correspondence", **{key: "x"})
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "invalid_request"
    assert refused.json()["error"]["details"] == [{"path": "body", "message": UNKNOWN}]
    _never_said(refused, key)


@pytest.mark.parametrize("key", HOSTILE_KEYS)
def test_a_subjects_unknown_fields_are_counted_not_named(api: Api, fake: Faker, key: str) -> None:
    email = fake.email()
    refused = api.client.post(
        "/api/v1/subjects",
        json={
            "kind": "end_user",
            "identifiers": [{"type": "email", "value": email}],
            key: "x",
            "shoe_size": "9",
        },
        headers=api.as_("dco"),
    )
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["code"] == "subject_refused"
    assert error["message"].startswith("2 unknown field(s), not named here")
    _never_said(refused, key)
    assert "shoe_size" not in refused.text
    lookup = api.lookup("dco", type="email", value=email, purpose="correspondence")
    assert lookup.status_code == 404  # nothing was stored


def test_a_prohibited_field_is_named_as_the_register_spells_it(api: Api, fake: Faker) -> None:
    offered = "<script>x</script>.Health "
    refused = api.client.post(
        "/api/v1/subjects",
        json={
            "kind": "end_user",
            "identifiers": [{"type": "email", "value": fake.email()}],
            offered: "a condition",
        },
        headers=api.as_("dco"),
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "prohibited_data"
    assert "field 'health' is special_category data" in refused.json()["error"]["message"]
    _never_said(refused, "<script>")
    _never_said(refused, "a condition")


def _requests_body(fake: Faker) -> dict[str, Any]:
    return {"type": "access", "received": "2026-11-20", "contact_email": fake.email()}


@pytest.mark.parametrize("key", HOSTILE_KEYS)
def test_no_endpoint_repeats_an_unknown_fields_name(api: Api, fake: Faker, key: str) -> None:
    subject, _ = _an_end_user(api, fake)
    created = api.client.post("/api/v1/requests", json=_requests_body(fake), headers=api.as_("dco"))
    request_id = created.json()["id"]
    dco = api.as_("dco")
    answers = {
        "a request": api.client.post(
            "/api/v1/requests", json={**_requests_body(fake), key: "x"}, headers=dco
        ),
        "a tenant": api.client.post(
            "/api/v1/tenants", json={"name": "Tenant Z", "id": "tenant-z", key: 1}, headers=dco
        ),
        "consent": api.client.post(
            f"/api/v1/subjects/{subject}/consents",
            json={
                "purpose": "direct_marketing",
                "channel": "email",
                "given": True,
                "method": "web_form",
                "notice_version": "2026.1",
                key: True,
            },
            headers=dco,
        ),
        "an event": api.client.post(
            f"/api/v1/requests/{request_id}/events",
            json={"event": "ask_identity", key: None},
            headers=dco,
        ),
        "an identifier": api.client.post(
            "/api/v1/subjects",
            json={
                "kind": "end_user",
                "identifiers": [{"type": "email", "value": fake.email(), key: "x"}],
            },
            headers=dco,
        ),
        "the public code": api.client.post(
            f"/api/v1/public/requests/{request_id}/verify", json={"code": "123456", key: "x"}
        ),
        "the public form": api.client.post(
            "/requests/new",
            content=f"type=access&email={fake.email()}&{key}=x".encode(),
            headers=FORM,
        ),
    }
    for what, answer in answers.items():
        assert answer.status_code < 500, what
        _never_said(answer, key)


@pytest.mark.parametrize("key", HOSTILE_KEYS)
def test_the_register_check_names_a_documents_places_by_the_registers_own_names(
    api: Api, key: str
) -> None:
    document = shipped_register_text().replace(
        "minimum_age: 13\n", f"minimum_age: 13\n{json.dumps(key)}: {json.dumps(key)}\n"
    )
    refused = api.client.post(
        "/api/v1/register/check",
        content=document.encode(),
        headers={"Content-Type": "application/yaml"},
    )
    assert refused.status_code == 422, refused.text
    (problem,) = refused.json()["error"]["details"]
    line = document.split(json.dumps(key) + ":")[0].count("\n") + 1
    assert problem == {
        "path": "(document)",
        "line": line,
        "message": "unknown field",
        "severity": "error",
    }
    _never_said(refused, key)


def test_a_value_the_register_refuses_is_not_quoted_by_the_check(api: Api) -> None:
    document = shipped_register_text().replace(
        "lawful_basis: contract", "lawful_basis: x07700900123x", 1
    )
    refused = api.client.post(
        "/api/v1/register/check",
        content=document.encode(),
        headers={"Content-Type": "application/yaml"},
    )
    assert refused.status_code == 422, refused.text
    (problem,) = refused.json()["error"]["details"]
    assert problem["path"] == "purposes[0].lawful_basis"
    assert problem["message"].startswith("not one of 'consent'")
    _never_said(refused, "07700900123")


class _Quoting(BaseModel):
    name: str

    @field_validator("name")
    @classmethod
    def _refuse(cls, value: str) -> str:
        raise ValueError(f"{value!r} is taken")


def test_a_validation_message_that_quotes_its_input_is_said_without_it() -> None:
    """A validator written later that quotes the value it refuses is caught at the door."""
    app = FastAPI()
    errors.install(app)

    @app.post("/names")
    def add(body: _Quoting) -> None:  # pragma: no cover - refused before it runs
        del body

    refused = TestClient(app).post("/names", json={"name": "07700900123"})
    assert refused.status_code == 422
    assert refused.json()["error"]["details"] == [{"path": "body.name", "message": errors.UNQUOTED}]
