"""The token is checked before the body is read: every route that needs a staff token answers
a request without a valid one with 401, without asking for a single byte of its body, however
large the body would be. Only the routes meant to be public take no token."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.asgi import call, endless
from tests.e2e.conftest import Api

PUBLIC = {
    ("GET", "/api/v1/register"),
    ("GET", "/api/v1/register/versions"),
    ("POST", "/api/v1/register/check"),
    ("GET", "/api/v1/register/notice"),
    ("GET", "/api/v1/register/export/fides"),
    ("GET", "/api/v1/register/export/dpv"),
    ("GET", "/api/v1/public/downloads/{token}"),
    ("POST", "/api/v1/public/downloads/{token}"),
    ("POST", "/api/v1/public/requests/{request_id}/verify"),
}
"""The published register and its documents, a download link, entering a one-time code."""


def _operations(api: Api) -> list[tuple[str, str, dict[str, Any]]]:
    document = api.client.app.openapi()  # type: ignore[attr-defined]
    return [
        (method.upper(), path, operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if path.startswith("/api/v1")
    ]


def _concrete(path: str) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "tenant_id":
            return "tenant-a"
        return "00000000-0000-4000-8000-000000000000" if name.endswith("_id") else "x"

    return re.sub(r"\{(\w+)\}", value, path)


def test_only_the_public_routes_take_no_token(api: Api) -> None:
    open_routes = {(m, p) for m, p, operation in _operations(api) if not operation.get("security")}
    assert open_routes == PUBLIC


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer not-a-token", "Basic ZGNvOmRjbw=="],
    ids=["none", "bad", "basic"],
)
def test_no_route_reads_a_body_before_it_has_a_valid_token(
    api: Api, authorization: str | None
) -> None:
    app = api.client.app  # type: ignore[attr-defined]
    guarded = [(m, p) for m, p, operation in _operations(api) if operation.get("security")]
    assert len(guarded) > 20
    for method, path in guarded:
        headers = {"Content-Type": "application/json"}
        if authorization is not None:
            headers["Authorization"] = authorization
        answer = call(app, method, _concrete(path), headers=headers, body=endless())
        assert (answer.status, answer.reads) == (401, 0), f"{method} {path}"
        assert answer.json()["error"]["code"] == "unauthenticated"
        assert answer.headers["www-authenticate"] == "Bearer"


def test_a_valid_token_still_reaches_the_body(api: Api) -> None:
    answer = call(
        api.client.app,  # type: ignore[attr-defined]
        "POST",
        "/api/v1/subjects/lookup",
        headers={**api.as_("dco"), "Content-Type": "application/json"},
        body=[b'{"type": "email", "value": "someone@example.org", "purpose": "correspondence"}'],
    )
    assert answer.status == 404  # looked up, and not found: the body was read and used
    assert answer.reads >= 1
