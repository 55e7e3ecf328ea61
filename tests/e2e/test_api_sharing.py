"""Sharing through the API, on SQLite and PostgreSQL: marketing staff export to Mondago, in the
answer's body and nowhere on the server, the allowed fields of the people who consented to
Mondago's marketing; the DCO and an auditor read the disclosure log a page at a time; a
suspended transfer mechanism refuses the next export, which the DCO sees listed; roles without
the need to know, and a tenant's administrator, are refused and shown nothing."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from faker import Faker

from dataward.adapters.register_file import parse_register, shipped_register_text
from dataward.bootstrap import bootstrap
from dataward.config import Settings
from dataward.domain.clock import FixedClock
from dataward.entrypoints.api.limits import DEFAULT_MAX_BYTES
from dataward.services.register.store import store_register
from tests.e2e.asgi import KIB, call, endless
from tests.e2e.conftest import SETUP, Api, served
from tests.e2e.test_api_subjects import assert_error

EXPORTS = "/api/v1/share/exports"
MONDAGO = {"recipient": "mondago", "purpose": "mondago_marketing"}
MONDAGO_HOME = "contact\n    transfers:\n      - {country: GB, mechanism: not_restricted}\n"
MONDAGO_US = (
    "contact\n    transfers:\n      - {country: US, mechanism: adequacy, dpf_uk_extension: "
    "true, dpf_certified_on: 2026-11-01}\n"
)


@pytest.fixture
def shared(
    database_url: str, keystore_url: str, tmp_path: Path, clock: FixedClock
) -> Iterator[Api]:
    """An installation on the backend's databases, with Mondago's data going to the US on UK
    adequacy (the Data Privacy Framework's UK Extension, checked this month)."""
    settings = Settings(
        data_dir=tmp_path / "var", database_url=database_url, keystore_url=keystore_url
    )
    for api in served(bootstrap(settings, clock=clock)):
        _mondago_in_the_us(api)
        yield api


def _mondago_in_the_us(api: Api) -> None:
    text = shipped_register_text()
    assert text.count(MONDAGO_HOME) == 1
    text = text.replace(MONDAGO_HOME, MONDAGO_US).replace('version: "2026.1"', 'version: "2026.9"')
    c = api.container
    store_register(c.uow(), c.clock, parse_register(text, source="us"), SETUP, c.active_register)


def _contact(api: Api, fake: Faker, name: str, *, consents: bool) -> tuple[str, str]:
    email = fake.email()
    identifiers = [{"type": "email", "value": email}, {"type": "name", "value": name}]
    subject = api.create("marketing", {"kind": "marketing_contact", "identifiers": identifiers})
    if consents:
        given = api.client.post(
            f"/api/v1/subjects/{subject}/consents",
            json={
                "purpose": "mondago_marketing",
                "channel": "third_party",
                "given": True,
                "method": "web_form",
                "notice_version": "2026.1",
            },
            headers=api.as_("marketing"),
        )
        assert given.status_code == 201, given.text
    return subject, email


def _export(api: Api, who: str = "marketing", **extra: Any) -> Any:
    return api.client.post(EXPORTS, json={**MONDAGO, **extra}, headers=api.as_(who))


def test_marketing_exports_to_mondago_only_allowed_fields_of_consenting_people(
    shared: Api, fake: Faker, tmp_path: Path
) -> None:
    yes, yes_email = _contact(shared, fake, '=HYPERLINK("http://x")', consents=True)
    no, no_email = _contact(shared, fake, fake.name(), consents=False)

    answer = _export(shared)
    assert answer.status_code == 200, answer.text
    batch = answer.headers["x-dataward-batch"]
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["content-disposition"] == f'attachment; filename="export-{batch}.csv"'
    assert answer.headers["x-dataward-withheld"] == "no_consent=1"
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [r["subject_id"] for r in rows] == [yes]
    assert set(rows[0]) == {"subject_id", "name", "email", "phone", "postal_address"}
    assert rows[0]["email"] == yes_email.lower()
    assert rows[0]["name"] == '\'=HYPERLINK("http://x")'  # never run by a spreadsheet
    assert no_email not in answer.text
    headers = " ".join(answer.headers.values()).lower()
    assert yes_email.lower() not in headers
    assert "hyperlink" not in headers

    as_json = _export(shared, format="json")
    assert as_json.status_code == 200, as_json.text
    assert as_json.headers["content-type"] == "application/json"
    document = as_json.json()
    assert document["batch"]["id"] == as_json.headers["x-dataward-batch"]
    assert as_json.headers["content-disposition"].endswith(
        f'"export-{document["batch"]["id"]}.json"'
    )
    assert [r["subject_id"] for r in document["rows"]] == [yes]
    assert "account_id" not in document["rows"][0]

    # the export was the answer: no file of the server's holds the address in clear
    for found in (tmp_path / "var").rglob("*"):
        if found.is_file():
            assert yes_email.lower().encode() not in found.read_bytes(), found.name

    for reader in ("dco", "auditor"):
        log = shared.client.get(
            "/api/v1/share/log", params={"recipient": "mondago"}, headers=shared.as_(reader)
        )
        assert log.status_code == 200, log.text
        entries = log.json()["entries"]
        assert [e["subject_id"] for e in entries] == [yes, yes]
        assert {e["batch_id"] for e in entries} == {batch, document["batch"]["id"]}
        assert all(e["categories"] == ["contact", "identity"] for e in entries)
    unrelated = shared.client.get(
        "/api/v1/share/log", params={"subject": no}, headers=shared.as_("dco")
    )
    assert unrelated.json() == {"entries": [], "next_cursor": None}


def test_the_log_is_read_a_page_at_a_time(shared: Api, fake: Faker) -> None:
    subjects = {_contact(shared, fake, fake.name(), consents=True)[0] for _ in range(3)}
    assert _export(shared).status_code == 200
    seen: list[str] = []
    cursor = None
    for _ in range(3):
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = shared.client.get("/api/v1/share/log", params=params, headers=shared.as_("dco"))
        assert page.status_code == 200, page.text
        seen += [e["subject_id"] for e in page.json()["entries"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
        assert re.fullmatch(r"\d+\.\d+", cursor)  # a place in the log, naming no one
    assert sorted(seen) == sorted(subjects)
    assert len(seen) == 3

    for cursor, found in (("0.0", 0), ("9" * 17 + ".2147483647", 3)):  # the extremes
        page = shared.client.get(
            "/api/v1/share/log", params={"cursor": cursor}, headers=shared.as_("dco")
        )
        assert page.status_code == 200, page.text
        assert len(page.json()["entries"]) == found

    past = "1.2147483648"  # past the last place an entry can have
    for params in ({"limit": 0}, {"limit": 1001}, {"cursor": "not-a-cursor"}, {"cursor": past}):
        refused = shared.client.get("/api/v1/share/log", params=params, headers=shared.as_("dco"))
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["code"] in {"invalid_request", "invalid_value"}
        assert "not-a-cursor" not in refused.text


def test_a_suspended_mechanism_refuses_the_next_export_and_is_listed(
    shared: Api, fake: Faker
) -> None:
    _contact(shared, fake, fake.name(), consents=True)
    assert _export(shared).status_code == 200
    dco = shared.as_("dco")

    suspension = {"mechanism": "adequacy:us", "reason": "UK-US data bridge regulations revoked"}
    made = shared.client.post("/api/v1/transfers/suspensions", json=suspension, headers=dco)
    assert made.status_code == 201, made.text
    assert (made.json()["mechanism"], made.json()["lifted_at"]) == ("adequacy:US", None)
    again = shared.client.post("/api/v1/transfers/suspensions", json=suspension, headers=dco)
    assert_error(again, 409, "share_refused")

    refused = _export(shared)
    message = assert_error(refused, 409, "share_refused")["error"]["message"]
    assert "suspended (adequacy:US)" in message
    assert "x-dataward-batch" not in refused.headers

    listed = shared.client.get("/api/v1/transfers", headers=dco).json()
    assert [s["mechanism"] for s in listed["suspensions"]] == ["adequacy:US"]
    ((recipient, purpose, mechanism),) = [
        (r["recipient"], r["purpose"], r["mechanism"]) for r in listed["refused"]
    ]
    assert (recipient, purpose, mechanism) == ("mondago", "mondago_marketing", "adequacy:US")
    processors = shared.client.get("/api/v1/processors", params={"all": True}, headers=dco)
    (mondago,) = [p for p in processors.json() if p["key"] == "mondago"]
    assert mondago["transfers"][0]["country"] == "US"
    assert any("suspended" in why for why in mondago["transfer_problems"])

    lifted = shared.client.post("/api/v1/transfers/suspensions/adequacy:US/lift", headers=dco)
    assert lifted.status_code == 200, lifted.text
    assert lifted.json() == {"mechanism": "adequacy:US"}
    gone = shared.client.post("/api/v1/transfers/suspensions/adequacy:US/lift", headers=dco)
    assert_error(gone, 404, "not_found")
    history = shared.client.get("/api/v1/transfers", params={"lifted": True}, headers=dco)
    (kept,) = history.json()["suspensions"]
    assert (kept["mechanism"], kept["lifted_by"]) == ("adequacy:US", "dco")
    assert _export(shared).status_code == 200


def test_a_tenant_administrator_sees_nothing_of_sharing_or_transfers(
    shared: Api, fake: Faker
) -> None:
    _contact(shared, fake, fake.name(), consents=True)
    assert _export(shared).status_code == 200
    shared.client.post(
        "/api/v1/transfers/suspensions",
        json={"mechanism": "idta", "reason": "terms under review"},
        headers=shared.as_("dco"),
    )
    admin = shared.as_("admin_a")
    answers = [
        shared.client.get("/api/v1/share/log", headers=admin),
        shared.client.get("/api/v1/transfers", headers=admin),
        shared.client.get("/api/v1/processors", headers=admin),
        shared.client.post(
            "/api/v1/transfers/suspensions",
            json={"mechanism": "bcr", "reason": "why"},
            headers=admin,
        ),
        shared.client.post("/api/v1/transfers/suspensions/idta/lift", headers=admin),
        _export(shared, "admin_a"),
    ]
    for answer in answers:
        assert_error(answer, 403, "action_not_allowed")
        assert "mondago" not in answer.text
        assert "idta" not in answer.text
    still = shared.client.get("/api/v1/transfers", headers=shared.as_("dco")).json()
    assert [s["mechanism"] for s in still["suspensions"]] == ["idta"]


@pytest.mark.parametrize(
    ("who", "code"),
    [("operator", "action_not_allowed"), ("auditor", "action_not_allowed"),
     ("support", "action_not_allowed"), ("dco", "access_denied")],
)  # fmt: skip
def test_a_role_without_the_need_to_know_is_refused_an_export(
    api: Api, fake: Faker, who: str, code: str
) -> None:
    _contact(api, fake, fake.name(), consents=True)
    assert_error(_export(api, who), 403, code)
    log = api.client.get("/api/v1/share/log", headers=api.as_("dco")).json()
    assert log["entries"] == []


def test_the_token_is_checked_before_the_body(api: Api) -> None:
    app = api.client.app  # type: ignore[attr-defined]
    json_body = {"Content-Type": "application/json"}
    for path in (EXPORTS, "/api/v1/transfers/suspensions"):
        malformed = api.client.post(path, content=b"{not json", headers=json_body)
        assert_error(malformed, 401, "unauthenticated")
        unread = call(app, "POST", path, headers=json_body, body=endless())
        assert (unread.status, unread.reads) == (401, 0)
        assert unread.json()["error"]["code"] == "unauthenticated"
        declared = api.client.post(path, content=b"x" * (DEFAULT_MAX_BYTES + 1), headers=json_body)
        assert_error(declared, 413, "body_too_large")  # refused unread, token or not
    who = {EXPORTS: "marketing", "/api/v1/transfers/suspensions": "dco"}
    for path, role in who.items():
        over = call(app, "POST", path, headers={**api.as_(role), **json_body}, body=endless())
        assert over.status == 413
        assert over.json()["error"]["code"] == "body_too_large"
        assert over.read_bytes <= DEFAULT_MAX_BYTES + 64 * KIB
    assert api.client.get("/api/v1/share/log", headers=api.as_("dco")).json()["entries"] == []


HOSTILE = "<script>" + "\u202e\x00\x1b[31m" + "y" * 5000


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (EXPORTS, "{not json", "body"),
        (EXPORTS, {"recipient": 7, "purpose": [], "format": "csv"}, "body.recipient"),
        (EXPORTS, {**MONDAGO, "format": "xml"}, "body.format"),
        (EXPORTS, {**MONDAGO, HOSTILE: 1}, "body"),
        (EXPORTS, {"recipient": HOSTILE, "purpose": "mondago_marketing"}, "body.recipient"),
        ("/api/v1/transfers/suspensions", {"mechanism": HOSTILE, "reason": "r"}, "body.mechanism"),
        ("/api/v1/transfers/suspensions", {"mechanism": "idta", "reason": HOSTILE}, "body.reason"),
    ],
)
def test_malformed_or_hostile_bodies_are_a_422_naming_the_field_never_echoed(
    api: Api, path: str, body: Any, field: str
) -> None:
    who = "marketing" if path == EXPORTS else "dco"
    content = body if isinstance(body, str) else json.dumps(body)
    answer = api.client.post(
        path,
        content=content.encode(),
        headers={**api.as_(who), "Content-Type": "application/json"},
    )
    error = assert_error(answer, 422, "invalid_request")["error"]
    assert any(d["path"] in {field, f"{field}.1"} for d in error["details"])  # JSON: where
    assert "<script>" not in answer.text
    assert "yyyyyyyy" not in answer.text


@pytest.mark.parametrize(
    "mechanism", ["<script>:x", "adequacy:" + "Z" * 90, "idta\x00", "a" * 200, "derogation:US1"]
)
def test_hostile_mechanisms_are_refused_by_name_and_never_a_5xx(api: Api, mechanism: str) -> None:
    dco = api.as_("dco")
    made = api.client.post(
        "/api/v1/transfers/suspensions", json={"mechanism": mechanism, "reason": "r"}, headers=dco
    )
    path = quote(mechanism, safe=":")
    lifted = api.client.post(f"/api/v1/transfers/suspensions/{path}/lift", headers=dco)
    for answer in (made, lifted):
        assert answer.status_code in {404, 422}, answer.text
        assert mechanism not in answer.text
    assert made.status_code == 422
    assert made.json()["error"]["code"] in {"invalid_value", "invalid_request"}
    assert "mechanism" in made.text


def test_the_endpoints_are_documented_with_their_models(api: Api) -> None:
    document = api.client.get("/openapi.json").json()
    paths, schemas = document["paths"], document["components"]["schemas"]
    export = paths["/api/v1/share/exports"]["post"]
    assert set(export["responses"]["200"]["content"]) == {"text/csv", "application/json"}
    assert export["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ExportIn"
    )
    assert {p["name"] for p in paths["/api/v1/share/log"]["get"]["parameters"]} == {
        "subject",
        "recipient",
        "limit",
        "cursor",
    }
    assert "/api/v1/processors" in paths
    assert "post" in paths["/api/v1/transfers/suspensions/{mechanism}/lift"]
    for model in ("ExportIn", "LogPageOut", "ProcessorOut", "TransfersOut", "SuspendIn"):
        assert model in schemas
