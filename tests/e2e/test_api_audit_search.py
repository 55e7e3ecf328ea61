"""`GET /api/v1/audit/search` as the DCO and an auditor use it, on SQLite and PostgreSQL: a
subject's entries and no other, a page at a time, each page recorded; bad filters are a 422
that does not repeat them, and roles without `read_audit_log` are refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from faker import Faker

from dataward.bootstrap import bootstrap
from dataward.config import Settings
from dataward.domain.clock import FixedClock
from tests.e2e.conftest import Api, served

SEARCH = "/api/v1/audit/search"


@pytest.fixture
def api(database_url: str, keystore_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Api]:
    settings = Settings(
        data_dir=tmp_path / "var", database_url=database_url, keystore_url=keystore_url
    )
    yield from served(bootstrap(settings, clock=clock))


def _subjects(api: Api, fake: Faker, count: int) -> tuple[list[str], list[str]]:
    emails = [fake.email() for _ in range(count)]
    ids = [
        api.create("dco", {"kind": "end_user", "identifiers": [{"type": "email", "value": e}]})
        for e in emails
    ]
    return ids, emails


def _get(api: Api, who: str, **params: Any) -> Any:
    return api.client.get(SEARCH, params=params, headers=api.as_(who))


def _count(api: Api) -> int:
    with api.container.uow(read_only=True) as uow:
        return uow.audit.count()


def test_a_subjects_entries_and_no_other_a_page_at_a_time(api: Api, fake: Faker) -> None:
    ids, emails = _subjects(api, fake, 3)
    for subject in ids:  # each read through the gate is an entry about its subject
        assert api.read("dco", subject, "rights_and_complaints").status_code == 200
    wanted, pages, cursor = ids[1], [], None
    before = _count(api)
    while True:
        params = {"subject": wanted, "limit": 1} | ({"cursor": cursor} if cursor else {})
        response = _get(api, "auditor", **params)
        assert response.status_code == 200, response.text
        body = response.json()
        for email in emails:
            assert email not in response.text
        pages.append(body["entries"])
        cursor = body["next_cursor"]
        if cursor is None:
            break
    entries = [entry for page in pages for entry in page]
    assert all(len(page) == 1 for page in pages)
    assert {e["subject_ref"] for e in entries} == {wanted}
    actions = [e["action"] for e in entries]
    assert actions[0] == "subject_created"
    assert "gate_decision" in actions
    assert len(pages) == len(entries) >= 2
    assert _count(api) == before + len(pages)  # one audit_searched entry a page
    again = _get(api, "dco", subject=wanted).json()["entries"]
    assert again[: len(entries)] == entries
    assert [e["action"] for e in again[len(entries) :]] == ["audit_searched"] * len(pages)
    assert {e["actor"] for e in again[len(entries) :]} == {"auditor"}


def test_filters_combine_and_the_search_is_recorded_with_them(api: Api, fake: Faker) -> None:
    ids, _ = _subjects(api, fake, 2)
    created = _get(api, "dco", action="subject_created", actor="dco", since="2026-11-25")
    assert [e["subject_ref"] for e in created.json()["entries"]] == ids
    today = _get(api, "dco", until="2026-11-24")
    assert today.json()["entries"] == []
    recorded = _get(api, "auditor", action="audit_searched").json()["entries"]
    assert recorded[0]["details"] == {
        "action": "subject_created",
        "actor": "dco",
        "after": 0,
        "limit": 100,
        "since": "2026-11-25T00:00:00.000000Z",
    }
    assert recorded[1]["details"]["before"] == "2026-11-25T00:00:00.000000Z"


@pytest.mark.parametrize(
    "params",
    [
        {"subject": "07700900123"},
        {"actor": "07700 900123"},
        {"actor": "someone@example.org"},
        {"actor": "L" * 101},
        {"action": "Gate-Decision"},
        {"since": "2026-02-30"},
        {"until": "2026-11-24T10:00:00"},
        {"since": "9999-12-31"},
        {"since": "2026-11-26", "until": "2026-11-25"},
        {"limit": 0},
        {"limit": 501},
        {"limit": "07700900123"},
        {"cursor": "07700900123"},
        {"cursor": "5.3"},
    ],
)
def test_a_bad_filter_is_a_422_that_does_not_say_it_back(api: Api, params: dict[str, Any]) -> None:
    before = _count(api)
    response = _get(api, "dco", **params)
    assert response.status_code == 422, response.text
    for value in params.values():
        if len(str(value)) >= 4:
            assert str(value) not in response.text
    assert _count(api) == before  # nothing recorded


@pytest.mark.parametrize("who", ["operator", "support", "marketing", "admin_a"])
def test_a_role_without_read_audit_log_is_refused(api: Api, who: str) -> None:
    before = _count(api)
    response = _get(api, who)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "action_not_allowed"
    assert _count(api) == before
    assert api.client.get(SEARCH).status_code == 401
