"""The REST API over a real embedded database, through the ASGI app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dataward.adapters.register_file import shipped_register_text
from dataward.bootstrap import bootstrap
from dataward.config import Settings
from dataward.domain.clock import FixedClock
from dataward.entrypoints.api.app import create_app
from dataward.installation import initialise


def _client(tmp_path: Path, clock: FixedClock, *, init: bool) -> Iterator[TestClient]:
    container = bootstrap(Settings(data_dir=tmp_path / "var"), clock=clock)
    if init:
        initialise(container)
    with TestClient(create_app(container)) as client:
        yield client
    container.close()


@pytest.fixture
def client(tmp_path: Path, clock: FixedClock) -> Iterator[TestClient]:
    yield from _client(tmp_path, clock, init=True)


@pytest.fixture
def empty_client(tmp_path: Path, clock: FixedClock) -> Iterator[TestClient]:
    yield from _client(tmp_path, clock, init=False)


def assert_error_shape(body: dict[str, object], code: str) -> None:
    assert set(body) == {"error"}
    error = body["error"]
    assert isinstance(error, dict)
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]
    assert isinstance(error["details"], list)


def test_the_active_register_is_served(client: TestClient) -> None:
    response = client.get("/api/v1/register")
    assert response.status_code == 200
    body = response.json()
    assert body["policy"]["version"] == "2026.1"
    assert len(body["sha256"]) == 64


def test_the_ropa_is_kept_for_the_ico_not_published(client: TestClient) -> None:
    """It names each customer and its contact (Art. 30(2)(a)): a staff token is needed, and
    its formats are tested with one (tests.e2e.test_processor_limits)."""
    response = client.get("/api/v1/register/ropa")
    assert response.status_code == 401
    assert_error_shape(response.json(), "unauthenticated")


def test_notice_is_html_and_markdown(client: TestClient) -> None:
    assert "<html" in client.get("/api/v1/register/notice").text.lower()
    md = client.get("/api/v1/register/notice", params={"format": "md"})
    assert md.headers["content-type"].startswith("text/markdown")


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/register/ropa" in paths


def test_without_a_register_the_error_says_so_in_the_one_shape(empty_client: TestClient) -> None:
    from dataward.adapters.sql.migrate import upgrade

    upgrade(empty_client.app.state.container.engine)  # type: ignore[attr-defined]
    response = empty_client.get("/api/v1/register")
    assert response.status_code == 404
    assert_error_shape(response.json(), "not_found")


def test_checking_an_invalid_register_lists_problems_with_lines(client: TestClient) -> None:
    bad = shipped_register_text().replace("minimum_age: 13", "minimum_age: 12")
    response = client.post(
        "/api/v1/register/check", content=bad, headers={"content-type": "application/yaml"}
    )
    assert response.status_code == 422
    body = response.json()
    assert_error_shape(body, "register_invalid")
    (detail,) = body["error"]["details"]
    assert detail["path"] == "minimum_age"
    assert detail["line"] == bad.split("minimum_age: 12")[0].count("\n") + 1


def test_a_javascript_link_in_a_register_is_named_by_field_and_line(client: TestClient) -> None:
    bad = shipped_register_text().replace(
        "  website: https://www.akixi.com\n", "  website: javascript:alert(document.domain)\n"
    )
    response = client.post(
        "/api/v1/register/check", content=bad, headers={"content-type": "application/yaml"}
    )
    assert response.status_code == 422
    body = response.json()
    assert_error_shape(body, "register_invalid")
    (detail,) = body["error"]["details"]
    assert detail["path"] == "organisation.website"
    assert detail["message"].startswith("must be an https:// address")
    assert detail["line"] == bad.split("javascript:")[0].count("\n") + 1
    assert "javascript" not in response.text


def test_bad_query_values_use_the_same_shape(client: TestClient) -> None:
    response = client.get("/api/v1/register/notice", params={"format": "pdf"})
    assert response.status_code == 422
    assert_error_shape(response.json(), "invalid_request")


def test_unknown_paths_use_the_same_shape(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert_error_shape(response.json(), "not_found")
