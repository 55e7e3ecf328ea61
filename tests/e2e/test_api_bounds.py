"""Values no client should send but some will: each a 4xx in the one error shape, naming the
field and never repeating what was sent; none a 500."""

from __future__ import annotations

from typing import Any

import pytest
from faker import Faker
from fastapi.testclient import TestClient

from tests.builders import EVIDENCE
from tests.e2e.conftest import Api
from tests.e2e.test_api_errors import assert_shape

PASTED = "07700 900123"  # a drama-range number, as one pasted in the wrong field
QUARANTINE = "/api/v1/tenants/tenant-a/calls/quarantine"
REPORT = "/api/v1/tenants/tenant-a/reports/acd"


def _client(api: Api) -> TestClient:
    """A client that answers a server error as the server would, instead of raising it."""
    return TestClient(api.client.app, raise_server_exceptions=False)


def _invalid(response: Any, path: str) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    error = assert_shape(response.json(), "invalid_request")
    assert path in [d["path"] for d in error["details"]], error
    return error


def test_an_unknown_subject_kind_is_a_422_naming_the_field(api: Api, fake: Faker) -> None:
    client = _client(api)
    body = {"identifiers": [{"type": "email", "value": fake.email()}]}
    unknown = client.post(
        "/api/v1/subjects", json={**body, "kind": "shoe_seller"}, headers=api.as_("dco")
    )
    assert unknown.status_code == 422, unknown.text
    error = assert_shape(unknown.json(), "not_in_register")
    assert error["message"].startswith("subject kind: not in the register (it has: end_user")
    assert "shoe_seller" not in unknown.text
    pasted = client.post("/api/v1/subjects", json={**body, "kind": PASTED}, headers=api.as_("dco"))
    _invalid(pasted, "body.kind")
    assert "07700" not in pasted.text


def _working_rectification(api: Api, fake: Faker) -> str:
    subject = api.create(
        "dco", {"kind": "end_user", "identifiers": [{"type": "email", "value": fake.email()}]}
    )
    created = api.client.post(
        "/api/v1/requests",
        json={"type": "rectification", "received": "2026-11-20", "subject_id": subject},
        headers=api.as_("dco"),
    )
    assert created.status_code == 201, created.text
    request_id = str(created.json()["id"])
    for event in ("ask_identity", "identity_verified", "start"):
        moved = api.client.post(
            f"/api/v1/requests/{request_id}/events",
            json={"event": event, "reason": EVIDENCE.get(event)},
            headers=api.as_("dco"),
        )
        assert moved.status_code == 200, moved.text
    return request_id


def test_an_unknown_correction_kind_is_a_422_and_changes_nothing(api: Api, fake: Faker) -> None:
    request_id = _working_rectification(api, fake)
    refused = _client(api).post(
        f"/api/v1/requests/{request_id}/fulfilment",
        json={"corrections": [{"kind": "shoe_size", "value": PASTED}]},
        headers=api.as_("dco"),
    )
    _invalid(refused, "body.corrections.0.kind")
    assert "shoe_size" not in refused.text
    assert "07700" not in refused.text
    shown = api.client.get(f"/api/v1/requests/{request_id}", headers=api.as_("dco")).json()
    assert shown["request"]["state"] == "in_progress"


@pytest.mark.parametrize("ingest_id", [2**63, -1, 0, 10**30, 2**31])
def test_an_ingest_number_off_the_range_is_a_422(api: Api, ingest_id: int) -> None:
    response = _client(api).get(
        QUARANTINE, params={"ingest_id": ingest_id}, headers=api.as_("admin_a")
    )
    _invalid(response, "query.ingest_id")
    assert str(ingest_id) not in response.text


def test_the_largest_ingest_number_is_asked_for_and_found_empty(api: Api) -> None:
    response = api.client.get(
        QUARANTINE, params={"ingest_id": 2**31 - 1}, headers=api.as_("admin_a")
    )
    assert (response.status_code, response.json()) == (200, [])


@pytest.mark.parametrize("by", ["queue", "agent", "caller"])
@pytest.mark.parametrize("period", ["hour", "day", "week", "month", "hour-of-day", "day-of-week"])
def test_report_dates_off_the_calendar_are_a_422(api: Api, by: str, period: str) -> None:
    client = _client(api)
    params = {"by": by, "period": period}
    for first, last, field in (
        ("0001-01-01", "9999-12-31", "query.from"),
        ("2026-01-01", "9999-12-31", "query.to"),
        ("9999-12-31", None, "query.from"),
    ):
        dates = {"from": first} | ({"to": last} if last else {})
        _invalid(client.get(REPORT, params=params | dates, headers=api.as_("admin_a")), field)
    widest = client.get(
        REPORT,
        params=params | {"from": "1900-01-01", "to": "2999-12-31"},
        headers=api.as_("admin_a"),
    )
    assert widest.status_code == 200, widest.text
    assert widest.json()["cells"] == []


def test_times_whose_zone_carries_them_off_the_calendar_are_a_422(api: Api, fake: Faker) -> None:
    client = _client(api)
    subject = api.create(
        "dco", {"kind": "end_user", "identifiers": [{"type": "email", "value": fake.email()}]}
    )
    path = f"/api/v1/subjects/{subject}/restrictions"
    for ends in ("9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"):
        refused = client.post(
            path, json={"ground": "accuracy_contested", "ends_at": ends}, headers=api.as_("dco")
        )
        _invalid(refused, "body.ends_at")
    applied = client.post(path, json={"ground": "accuracy_contested"}, headers=api.as_("dco"))
    assert applied.status_code == 201, applied.text
    for told in ("9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"):
        refused = client.post(
            f"{path}/{applied.json()['id']}/lift",
            json={"subject_told_at": told},
            headers=api.as_("dco"),
        )
        _invalid(refused, "body.subject_told_at")


def test_request_dates_off_the_calendar_are_a_422(api: Api, fake: Faker) -> None:
    client = _client(api)
    for received in ("0001-01-01", "9999-12-31"):
        refused = client.post(
            "/api/v1/requests",
            json={"type": "access", "received": received},
            headers=api.as_("dco"),
        )
        _invalid(refused, "body.received")
    request_id = _working_rectification(api, fake)
    late = client.post(
        f"/api/v1/requests/{request_id}/events",
        json={"event": "clarified", "on": "9999-12-31"},
        headers=api.as_("dco"),
    )
    _invalid(late, "body.on")
    erasure = client.post(
        f"/api/v1/requests/{request_id}/fulfilment",
        json={"last_transaction": "9999-12-31"},
        headers=api.as_("dco"),
    )
    _invalid(erasure, "body.last_transaction")


def test_a_batch_naming_the_mapped_format_is_a_422_not_a_500(api: Api) -> None:
    """generic-csv needs a column mapping, which a batch cannot carry."""
    response = _client(api).post(
        "/api/v1/tenants/tenant-a/calls",
        params={"format": "generic-csv"},
        content=b"start,caller\n2026-11-25T10:00:00Z,01632960001\n",
        headers={**api.as_("admin_a"), "Content-Type": "text/plain"},
    )
    _invalid(response, "query.format")


def test_a_miss_names_what_is_missing_not_the_id_asked_for(api: Api) -> None:
    client = _client(api)
    unknown = "6f1c8a4e-0b7d-4d0e-9a51-6f3c2b1d9e07"
    request = client.get(f"/api/v1/requests/{unknown}", headers=api.as_("dco"))
    assert request.status_code == 404
    assert assert_shape(request.json(), "not_found")["message"] == "no such request"
    assert unknown not in request.text
    tenant = client.post(
        "/api/v1/requests",
        json={"type": "access", "received": "2026-11-20", "tenant_id": "no-such-tenant-here"},
        headers=api.as_("dco"),
    )
    assert tenant.status_code == 404
    assert assert_shape(tenant.json(), "not_found")["message"] == "no such tenant"
    assert "no-such-tenant-here" not in tenant.text
    malformed = client.get(f"/api/v1/requests/{PASTED}", headers=api.as_("dco"))
    (detail,) = _invalid(malformed, "path.request_id")["details"]
    assert detail["message"] == "Input should be a valid UUID"
    assert "07700" not in malformed.text


def test_download_attempts_over_the_limit_are_answered_in_the_one_shape(api: Api) -> None:
    from dataward.entrypoints.api.app import DOWNLOADS_PER_HOUR

    path = "/api/v1/public/downloads/nothing"
    for _ in range(DOWNLOADS_PER_HOUR):
        api.client.post(path)
    limited = api.client.post(path)
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert_shape(limited.json(), "too_many_requests")


def test_the_openapi_document_gives_validation_errors_the_one_shape(api: Api) -> None:
    document = api.client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert "ValidationError" not in schemas
    error = schemas["HTTPValidationError"]["properties"]["error"]
    assert error["required"] == ["code", "message", "details"]
