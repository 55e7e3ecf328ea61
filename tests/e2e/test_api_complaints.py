"""The complaints register through the API, on SQLite and PostgreSQL: a complaint made on the
public form and one recorded by staff are listed a page at a time with how they came, their
acknowledgement and outcome against their dates and the ICO's involvement, never the
complainant's address nor an outcome's text; one complaint shows its outcome (the opening
audited) and timeline; the export for the regulator leaves outcomes out. Only the DCO reads
or records any of it: other roles are refused, a tenant's administrator finds none, and
hostile values are a 4xx naming the field, never echoed."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from faker import Faker

from dataward.bootstrap import bootstrap
from dataward.config import Settings
from dataward.domain.clock import FixedClock
from dataward.entrypoints.api.limits import DEFAULT_MAX_BYTES
from tests.e2e.asgi import call, endless
from tests.e2e.conftest import Api, served
from tests.e2e.test_api_subjects import assert_error

COMPLAINTS = "/api/v1/complaints"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
FOUND, DONE = "Recordings were kept too long.", "We deleted them and fixed the job."


@pytest.fixture
def installed(
    database_url: str, keystore_url: str, tmp_path: Path, clock: FixedClock
) -> Iterator[Api]:
    settings = Settings(
        data_dir=tmp_path / "var", database_url=database_url, keystore_url=keystore_url
    )
    yield from served(bootstrap(settings, clock=clock))


def _by_form(api: Api, fake: Faker) -> tuple[str, str]:
    email = fake.email()
    sent = api.client.post(
        "/requests/new",
        content=f"type=complaint&name=A+Person&email={email}".encode(),
        headers=FORM,
    )
    assert sent.status_code == 201, sent.text
    found = re.search(r"reference is <strong>([0-9a-f-]{36})</strong>", sent.text)
    assert found is not None
    return found.group(1), email


def _by_staff(api: Api, received: str = "2026-11-20") -> str:
    body = {"type": "complaint", "received": received, "channel": "post"}
    made = api.client.post("/api/v1/requests", json=body, headers=api.as_("dco"))
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def _event(api: Api, request_id: str, body: dict[str, Any]) -> None:
    moved = api.client.post(
        f"/api/v1/requests/{request_id}/events", json=body, headers=api.as_("dco")
    )
    assert moved.status_code == 200, moved.text


def _worked(api: Api, fake: Faker, clock: FixedClock) -> tuple[str, str, str]:
    """A complaint on the public form, taken to the ICO and closed by it two months on, and
    one by post completed with its outcome; the form's id, the staff's, and the form's
    address."""
    dco = api.as_("dco")
    form, email = _by_form(api, fake)
    staff = _by_staff(api)
    _event(api, staff, {"event": "start"})
    _event(api, staff, {"event": "complete", "found": FOUND, "done": DONE})
    ico = api.client.post(
        f"{COMPLAINTS}/{form}/ico",
        json={"reference": "IC-123456-A1B2", "on": "2026-11-25"},
        headers=dco,
    )
    assert ico.status_code == 200, ico.text
    assert ico.json()["ico"] == {
        "reference": "IC-123456-A1B2",
        "notified": "2026-11-25",
        "outcome": None,
        "closed": None,
    }
    clock.advance(timedelta(days=60))  # 24 January 2027: the form's target (19th) has passed
    closed = api.client.post(
        f"{COMPLAINTS}/{form}/ico",
        json={"reference": "IC-123456-A1B2", "on": "2026-11-25", "outcome": "informal_resolution"},
        headers=dco,
    )
    assert closed.json()["ico"]["closed"] == "2027-01-24"
    for answer in (ico, closed):
        assert email not in answer.text
    return form, staff, email


def test_the_dco_lists_the_register_a_page_at_a_time(
    installed: Api, fake: Faker, clock: FixedClock
) -> None:
    api, dco = installed, installed.as_("dco")
    form, staff, email = _worked(api, fake, clock)
    listed = api.client.get(COMPLAINTS, headers=dco)
    assert listed.status_code == 200, listed.text
    rows = {row["id"]: row for row in listed.json()["complaints"]}
    assert list(rows) == [form, staff]  # newest first
    assert listed.json()["next_cursor"] is None
    assert (rows[form]["channel"], rows[form]["received_by"]) == ("portal", "form")
    assert (rows[form]["acknowledgement"], rows[form]["outcome"]) == ("on_time", "overdue")
    assert rows[form]["ico"]["outcome"] == "informal_resolution"
    assert (rows[staff]["received_by"], rows[staff]["acknowledged"]) == ("staff", "2026-11-25")
    assert (rows[staff]["completed"], rows[staff]["outcome"]) == ("2026-11-25", "on_time")
    assert rows[staff]["outcome_recorded"] is True
    assert email not in listed.text
    assert FOUND not in listed.text

    first = api.client.get(COMPLAINTS, params={"limit": 1}, headers=dco).json()
    assert [r["id"] for r in first["complaints"]] == [form]
    second = api.client.get(
        COMPLAINTS, params={"limit": 1, "cursor": first["next_cursor"]}, headers=dco
    ).json()
    assert ([r["id"] for r in second["complaints"]], second["next_cursor"]) == ([staff], None)
    opened = api.client.get(COMPLAINTS, params={"open": True}, headers=dco).json()
    assert [r["id"] for r in opened["complaints"]] == [form]
    period = {"since": "2026-11-21", "until": "2026-11-30"}
    assert [r["id"] for r in api.client.get(COMPLAINTS, params=period, headers=dco).json()[
        "complaints"
    ]] == [form]  # fmt: skip


def test_one_complaint_shows_its_outcome_and_the_export_leaves_it_out(
    installed: Api, fake: Faker, clock: FixedClock
) -> None:
    api, dco = installed, installed.as_("dco")
    form, staff, email = _worked(api, fake, clock)
    shown = api.client.get(f"{COMPLAINTS}/{staff}", headers=dco)
    assert shown.status_code == 200, shown.text
    assert shown.json()["outcome_text"] == {"found": FOUND, "done": DONE}
    assert [e["event"] for e in shown.json()["timeline"]] == ["receive", "start", "complete"]
    assert api.client.get(f"{COMPLAINTS}/{form}", headers=dco).json()["outcome_text"] is None

    as_csv = api.client.get(f"{COMPLAINTS}/export", headers=dco)
    assert as_csv.status_code == 200, as_csv.text
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.headers["cache-control"] == "no-store"
    exported = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [r["id"] for r in exported] == [form, staff]
    assert exported[0]["ico_reference"] == "IC-123456-A1B2"
    as_json = api.client.get(f"{COMPLAINTS}/export", params={"format": "json"}, headers=dco)
    document = json.loads(as_json.text)
    assert document["figures"]["complaints"] == 2
    assert document["figures"]["ico_outcomes"]["informal_resolution"] == 1
    for answer in (as_csv, as_json):
        assert FOUND not in answer.text
        assert DONE not in answer.text
        assert email not in answer.text

    with api.container.uow() as uow:
        last = uow.audit.head()
    assert last is not None
    assert (last.action, last.actor) == ("complaints_exported", "dco")


ROLES_REFUSED = ("operator", "support", "marketing", "auditor")


def test_other_roles_are_refused_and_a_tenants_administrator_finds_none(installed: Api) -> None:
    api = installed
    complaint = _by_staff(api)
    ico = {"reference": "IC-1", "on": "2026-11-24"}
    for role in ROLES_REFUSED:
        who = api.as_(role)
        for answer in (
            api.client.get(COMPLAINTS, headers=who),
            api.client.get(f"{COMPLAINTS}/{complaint}", headers=who),
            api.client.get(f"{COMPLAINTS}/export", headers=who),
            api.client.post(f"{COMPLAINTS}/{complaint}/ico", json=ico, headers=who),
        ):
            assert_error(answer, 403, "action_not_allowed")
    for admin in ("admin_a", "admin_b"):
        who = api.as_(admin)
        listed = api.client.get(COMPLAINTS, headers=who)
        assert listed.status_code == 200
        assert listed.json() == {"complaints": [], "next_cursor": None}
        exported = api.client.get(f"{COMPLAINTS}/export", headers=who)
        assert exported.status_code == 200
        assert complaint not in exported.text
        assert_error(api.client.get(f"{COMPLAINTS}/{complaint}", headers=who), 404, "not_found")
        recorded = api.client.post(f"{COMPLAINTS}/{complaint}/ico", json=ico, headers=who)
        assert_error(recorded, 404, "not_found")
    shown = api.client.get(f"{COMPLAINTS}/{complaint}", headers=api.as_("dco")).json()
    assert shown["complaint"]["ico"] is None  # nothing any of them tried was recorded


def test_another_request_or_an_unknown_id_is_not_a_complaint(installed: Api) -> None:
    api, dco = installed, installed.as_("dco")
    body = {"type": "access", "received": "2026-11-20", "channel": "post"}
    access = api.client.post("/api/v1/requests", json=body, headers=dco).json()["id"]
    for unknown in (access, "6f1c8a4e-0b7d-4d0e-9a51-6f3c2b1d9e07"):
        assert_error(api.client.get(f"{COMPLAINTS}/{unknown}", headers=dco), 404, "not_found")
        recorded = api.client.post(
            f"{COMPLAINTS}/{unknown}/ico",
            json={"reference": "IC-1", "on": "2026-11-24"},
            headers=dco,
        )
        assert_error(recorded, 404, "not_found")
    assert_error(api.client.get(f"{COMPLAINTS}/not-an-id", headers=dco), 422, "invalid_request")


HOSTILE = "<script>" + "\u202e\x00\x1b[31m" + "y" * 5000


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"reference": HOSTILE, "on": "2026-11-24"}, 422, "invalid_request"),
        ({"reference": "07700 900123", "on": "2026-11-24"}, 422, "invalid_request"),
        ({"reference": "IC-1\n", "on": "2026-11-24"}, 422, "invalid_request"),
        ({"reference": "IC-1", "on": "2026-11-24", HOSTILE: 1}, 422, "invalid_request"),
        (
            {"reference": "IC-1", "on": "2026-11-24", "outcome": "yyyyyyyyyy"},
            422,
            "invalid_request",
        ),
        ({"reference": "IC-1", "on": "9999-12-31"}, 422, "invalid_request"),
        ({"reference": "IC-1", "on": "2026-11-26"}, 422, "invalid_value"),  # tomorrow
        ({"reference": "IC-1", "on": "2026-11-19"}, 422, "invalid_value"),  # before it came
        ({"reference": "IC-1", "on": "2026-11-24", "closed": "2026-11-25"}, 422, "invalid_value"),
        ({"reference": 7, "on": "2026-11-24"}, 422, "invalid_request"),
    ],
)
def test_hostile_ico_bodies_are_refused_by_field_never_echoed(
    installed: Api, body: dict[str, Any], status: int, code: str
) -> None:
    api = installed
    complaint = _by_staff(api)
    answer = api.client.post(
        f"{COMPLAINTS}/{complaint}/ico",
        content=json.dumps(body).encode(),
        headers={**api.as_("dco"), "Content-Type": "application/json"},
    )
    assert_error(answer, status, code)
    for said in ("<script>", "yyyyyyyy", "07700 900123", "9999"):
        assert said not in answer.text
    shown = api.client.get(f"{COMPLAINTS}/{complaint}", headers=api.as_("dco")).json()
    assert shown["complaint"]["ico"] is None


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 1001},
        {"limit": "\u0661\u0660"},
        {"cursor": "07700900123"},
        {"cursor": "2026-02-30.6f1c8a4e-0b7d-4d0e-9a51-6f3c2b1d9e07"},
        {"cursor": "L" * 10_000},
        {"since": "2026-11-25", "until": "2026-11-20"},
        {"since": "0001-01-01"},
        {"open": "perhaps"},
    ],
)
def test_hostile_queries_are_a_422_never_echoed(installed: Api, params: dict[str, Any]) -> None:
    answer = installed.client.get(COMPLAINTS, params=params, headers=installed.as_("dco"))
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] in {"invalid_request", "invalid_value"}
    assert "07700900123" not in answer.text
    assert "LLLLLLLL" not in answer.text
    hostile_export = installed.client.get(
        f"{COMPLAINTS}/export", params={"format": "xlsx"}, headers=installed.as_("dco")
    )
    assert_error(hostile_export, 422, "invalid_request")


def test_the_token_is_checked_before_the_body(installed: Api) -> None:
    api = installed
    complaint = _by_staff(api)
    path = f"{COMPLAINTS}/{complaint}/ico"
    app = api.client.app  # type: ignore[attr-defined]
    json_body = {"Content-Type": "application/json"}
    assert_error(
        api.client.post(path, content=b"{not json", headers=json_body), 401, "unauthenticated"
    )
    unread = call(app, "POST", path, headers=json_body, body=endless())
    assert (unread.status, unread.reads) == (401, 0)
    declared = api.client.post(path, content=b"x" * (DEFAULT_MAX_BYTES + 1), headers=json_body)
    assert_error(declared, 413, "body_too_large")
    for get in (COMPLAINTS, f"{COMPLAINTS}/export", f"{COMPLAINTS}/{complaint}"):
        assert_error(api.client.get(get), 401, "unauthenticated")
