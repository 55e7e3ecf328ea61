"""One JSON shape for every error the API gives, the unexpected ones included."""

from __future__ import annotations

from typing import Any

import pytest
from faker import Faker
from fastapi.testclient import TestClient

from dataward.adapters.ingest.detect import FormatUnknown
from dataward.adapters.ingest.generic_csv import HeaderMismatch
from dataward.adapters.ingest.mapping import MappingInvalid
from dataward.domain.calls.telephony import SourceLocation
from dataward.domain.register.problems import Problem
from dataward.entrypoints.api import errors
from dataward.services.organisation import tenants
from tests.e2e.conftest import Api


def assert_shape(body: dict[str, Any], code: str) -> dict[str, Any]:
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code
    assert isinstance(error["details"], list)
    return error


def failing_with(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    """`GET /api/v1/tenants` raises `error` from inside its use case."""

    def raises(*_args: object, **_kwargs: object) -> None:
        raise error

    monkeypatch.setattr(tenants, "list_tenants", raises)


def test_an_unexpected_error_is_a_500_in_the_one_shape_without_its_text(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing_with(monkeypatch, RuntimeError("row for 020 7946 0123 is broken"))
    client = TestClient(api.client.app, raise_server_exceptions=False)
    response = client.get("/api/v1/tenants", headers=api.as_("operator"))
    assert response.status_code == 500
    assert response.json() == {
        "error": {"code": "internal_error", "message": "internal error", "details": []}
    }
    assert "7946" not in response.text


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (
            MappingInvalid(
                "mapping.yaml", [Problem(("columns", "start"), "field required", line=3)]
            ),
            "mapping_invalid",
        ),
        (FormatUnknown("calls.csv", "no parser is sure of it", ["asterisk_cdr"]), "format_unknown"),
        (
            HeaderMismatch(SourceLocation("calls.csv", 1), "Start", "start"),
            "header_mismatch",
        ),
    ],
)
def test_ingest_errors_are_422_in_the_one_shape(
    api: Api, monkeypatch: pytest.MonkeyPatch, error: Exception, code: str
) -> None:
    failing_with(monkeypatch, error)
    response = api.client.get("/api/v1/tenants", headers=api.as_("operator"))
    assert response.status_code == 422, response.text
    details = assert_shape(response.json(), code)["details"]
    if isinstance(error, MappingInvalid):
        assert details[0]["path"] == "columns.start"
        assert details[0]["line"] == 3


def test_a_time_without_a_zone_is_a_422_not_a_500(api: Api, fake: Faker) -> None:
    subject_id = api.create(
        "dco", {"kind": "end_user", "identifiers": [{"type": "email", "value": fake.email()}]}
    )
    client = TestClient(api.client.app, raise_server_exceptions=False)
    naive_end = client.post(
        f"/api/v1/subjects/{subject_id}/restrictions",
        json={"ground": "accuracy_contested", "ends_at": "2027-01-01T00:00:00"},
        headers=api.as_("dco"),
    )
    assert naive_end.status_code == 422, naive_end.text
    (detail,) = assert_shape(naive_end.json(), "invalid_request")["details"]
    assert detail["path"] == "body.ends_at"
    restriction = client.post(
        f"/api/v1/subjects/{subject_id}/restrictions",
        json={"ground": "accuracy_contested", "ends_at": "2027-01-01T00:00:00+00:00"},
        headers=api.as_("dco"),
    )
    assert restriction.status_code == 201, restriction.text
    naive_told = client.post(
        f"/api/v1/subjects/{subject_id}/restrictions/{restriction.json()['id']}/lift",
        json={"subject_told_at": "2026-01-05T09:00:00"},
        headers=api.as_("dco"),
    )
    assert naive_told.status_code == 422, naive_told.text
    (detail,) = assert_shape(naive_told.json(), "invalid_request")["details"]
    assert detail["path"] == "body.subject_told_at"


def test_a_json_body_that_is_not_utf8_is_a_422_invalid_request(api: Api) -> None:
    """FastAPI answered 400 `http_error` ("There was an error parsing the body"), a code the API
    documents nowhere, where a body that is not JSON at all is a 422 (found by the schema fuzz
    test)."""
    body = b'{"type": "email", "value": "\xff07700900123", "purpose": "correspondence"}'
    for path, headers in (
        ("/api/v1/subjects/lookup", api.as_("dco")),
        ("/api/v1/public/requests/00000000-0000-4000-8000-000000000000/verify", {}),
    ):
        refused = api.client.post(
            path, content=body, headers={**headers, "Content-Type": "application/json"}
        )
        assert refused.status_code == 422, refused.text
        error = assert_shape(refused.json(), "invalid_request")
        assert error["details"] == [{"path": "body", "message": errors.BODY_UNREADABLE}]
        assert "07700900123" not in refused.text
