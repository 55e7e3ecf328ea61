"""Every answer carries its request's id: the client's own when it is a plain token, a new one
in place of anything else (never repeated); and each request writes one access line, by its
route's template, never the path sent."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from dataward.adapters import logs
from dataward.entrypoints.api.request_context import request_id_of
from tests.e2e.asgi import call
from tests.e2e.conftest import Api

NEW_ID = re.compile(r"[0-9a-f]{32}")
KEPT = "0af7651916cd43dd8448eb211c80319c"
HOSTILE = {
    "markup": '<script>alert("x")</script>',
    "long": "a" * 10_000,
    "just too long": "b" * 65,
    "control characters": "abc\x01\x1b[31mdef",
    "a line break": "abc\rdef",
    "non-ascii": "réquête-идентификатор",
    "a space": "two words",
    "an address": "someone@example.org",
    "a phone number": "07700900123",
    "a card number": "4111111111111111",
    "a name": "jane.smith",
    "free words": "A.b_c-9",
    "empty": "",
}


@pytest.fixture
def log(api: Api) -> Iterator[io.StringIO]:
    """The lines the server writes while the test runs, as JSON."""
    del api  # served first: the lines are those of its requests
    stream = io.StringIO()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    logs.configure_logging("INFO", "json", stream=stream)
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_well_formed_id_is_kept_and_returned(api: Api, log: io.StringIO) -> None:
    last = "f" * 64
    kept = ("0af7651916cd43dd8448eb211c80319c", "3F2B8C1E-9A4D-4C2E-8B1A-0123456789AB", last)
    for sent in kept:
        answer = api.client.get("/healthz", headers={"X-Request-ID": sent})
        assert answer.headers["x-request-id"] == sent
    assert [line["request_id"] for line in _lines(log)][-1] == last


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_id_is_replaced_and_never_echoed(api: Api, log: io.StringIO, kind: str) -> None:
    sent = HOSTILE[kind]
    answer = call(api.client.app, "GET", "/api/v1/register", headers={"X-Request-ID": sent})
    given = answer.headers["x-request-id"]
    assert NEW_ID.fullmatch(given)
    assert given != sent
    written = log.getvalue()
    if len(sent) > 1:
        assert sent not in written
        assert sent.encode() not in answer.body
        assert all(sent not in value for value in answer.headers.values())
    (access,) = _lines(log)
    assert access["request_id"] == given


def test_several_ids_sent_are_none_of_them() -> None:
    one, two = b"a" * 32, b"b" * 32
    scope = {"headers": [(b"x-request-id", one), (b"x-request-id", two)]}
    assert request_id_of(scope) not in (one.decode(), two.decode())
    assert NEW_ID.fullmatch(request_id_of(scope))
    assert request_id_of({"headers": [(b"X-Request-ID", one)]}) == one.decode()


def test_each_request_gets_an_id_of_its_own(api: Api) -> None:
    ids = {api.client.get("/healthz").headers["x-request-id"] for _ in range(5)}
    assert len(ids) == 5
    assert all(NEW_ID.fullmatch(i) for i in ids)


def test_errors_carry_the_id_and_the_unforeseen_one_is_logged_by_type(
    api: Api, log: io.StringIO
) -> None:
    carried = "ZQX7 a value the exception carries"

    def broken() -> None:
        raise RuntimeError(carried)

    app = api.client.app
    app.add_api_route("/broken/{part}", broken)  # type: ignore[attr-defined]
    with TestClient(app, raise_server_exceptions=False) as client:
        answers = {
            "404": client.get("/no/such/place"),
            "422": client.post("/api/v1/subjects", content=b"{", headers=api.as_("dco")),
            "401": client.get("/api/v1/subjects/x"),
            "500": client.get(
                "/broken/ZQX7path", headers={"X-Request-ID": "0af7651916cd43dd8448eb211c80319c"}
            ),
        }
    for status, answer in answers.items():
        assert str(answer.status_code) == status
        assert answer.headers["x-request-id"], status
    assert answers["500"].headers["x-request-id"] == KEPT
    lines = _lines(log)
    access = [line for line in lines if line["logger"] == "dataward.access"]
    assert [(a["route"], a["status"]) for a in access] == [
        ("unmatched", 404),
        ("/api/v1/subjects", 422),
        ("/api/v1/subjects/{subject_id}", 401),
        ("/broken/{part}", 500),
    ]
    given = [answer.headers["x-request-id"] for answer in answers.values()]
    assert [a["request_id"] for a in access] == given
    assert "ZQX7" not in log.getvalue()


def test_the_access_line_names_the_route_not_the_path_or_the_query(
    api: Api, log: io.StringIO
) -> None:
    link = "ZQX7tokenpart.signature"
    api.client.get(f"/api/v1/public/downloads/{link}", params={"number": "07700900123"})
    api.client.request("PURGE", "/healthz")
    (download, odd) = [line for line in _lines(log) if line["logger"] == "dataward.access"]
    assert download["route"] == "/api/v1/public/downloads/{token}"
    assert download["method"] == "GET"
    assert download["message"] == f"GET /api/v1/public/downloads/{{token}} {download['status']}"
    assert isinstance(download["duration_ms"], float)
    assert odd["method"] == "OTHER"
    assert "ZQX7" not in log.getvalue()
    assert "07700900123" not in log.getvalue()
