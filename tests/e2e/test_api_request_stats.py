"""`GET /api/v1/requests/stats` on SQLite and PostgreSQL: the figures per right and month of
receipt for requests worked through the API; a tenant's administrator sees its own tenant's
only, never another's; roles without `manage_requests` are refused; a bad period is a 422
that does not repeat it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from dataward.bootstrap import bootstrap
from dataward.config import Settings
from dataward.domain.clock import FixedClock
from tests.e2e.conftest import Api, served

STATS = "/api/v1/requests/stats"
OCTOBER = {"since": "2026-10-01", "until": "2026-10-31"}


@pytest.fixture
def api(database_url: str, keystore_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Api]:
    settings = Settings(
        data_dir=tmp_path / "var", database_url=database_url, keystore_url=keystore_url
    )
    yield from served(bootstrap(settings, clock=clock))


def _at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T10:00:00+00:00")


def _request(api: Api, clock: FixedClock, who: str, body: dict[str, Any], *moves: Any) -> None:
    clock.current = _at(body["received"])
    created = api.client.post("/api/v1/requests", json=body, headers=api.as_(who))
    assert created.status_code == 201, created.text
    request_id = created.json()["id"]
    for day, event in moves:
        clock.current = _at(day)
        move = {"event": event} | ({"reason": "the reasons"} if event == "extend" else {})
        moved = api.client.post(
            f"/api/v1/requests/{request_id}/events", json=move, headers=api.as_(who)
        )
        assert moved.status_code == 200, moved.text


def _stats(api: Api, who: str, **params: str) -> Any:
    response = api.client.get(STATS, params=params, headers=api.as_(who))
    assert response.status_code == 200, response.text
    return response.json()


def test_the_figures_and_each_tenant_sees_its_own(api: Api, clock: FixedClock) -> None:
    access = {"type": "access", "received": "2026-10-01"}  # due Mon 2 Nov
    _request(api, clock, "dco", access, ("2026-10-02", "start"), ("2026-11-04", "complete"))
    extended = {"type": "access", "received": "2026-10-05"}
    moves = (("2026-10-06", "start"), ("2026-10-07", "extend"), ("2026-10-26", "complete"))
    _request(api, clock, "dco", extended, *moves)
    for who, tenant, count in (("admin_a", "tenant-a", 2), ("admin_b", "tenant-b", 1)):
        for _ in range(count):
            body = {"type": "erasure", "received": "2026-10-12", "tenant_id": tenant}
            _request(api, clock, who, body, ("2026-10-13", "start"), ("2026-10-20", "complete"))
    clock.current = datetime(2026, 11, 25, 10, tzinfo=UTC)
    every = _stats(api, "dco", **OCTOBER)
    assert (every["since"], every["until"]) == ("2026-10-01", "2026-10-31")
    (mine, theirs) = every["lines"]
    assert (mine["right"], mine["month"], mine["received"], mine["completed"]) == (
        "access",
        "2026-10",
        2,
        2,
    )
    assert (mine["on_time"], mine["late"], mine["days_late_total"], mine["extended"]) == (
        1,
        1,
        2,
        1,
    )
    assert mine["median_days_to_complete"] == 27.5  # 34 and 21 days
    assert (theirs["right"], theirs["received"], theirs["median_days_to_complete"]) == (
        "erasure",
        3,
        8.0,
    )
    tenant_a = _stats(api, "admin_a", **OCTOBER)
    assert [(x["right"], x["received"]) for x in tenant_a["lines"]] == [("erasure", 2)]
    assert tenant_a["totals"][-1]["received"] == 2
    tenant_b = _stats(api, "admin_b", **OCTOBER)
    assert tenant_b["totals"][-1]["received"] == 1
    assert _stats(api, "dco")["since"] == "2025-12-01"  # twelve months of receipt to today


@pytest.mark.parametrize("who", ["operator", "support", "marketing", "auditor"])
def test_a_role_without_manage_requests_is_refused(api: Api, who: str) -> None:
    response = api.client.get(STATS, headers=api.as_(who))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "action_not_allowed"
    assert api.client.get(STATS).status_code == 401


@pytest.mark.parametrize(
    "params",
    [
        {"since": "2026-02-30"},
        {"until": "07700900123"},
        {"since": "0001-01-01"},
        {"since": "2026-11-26"},  # after today, the default until
        {"since": "2026-10-31", "until": "2026-10-01"},
        {"since": "2001-01-01", "until": "2026-01-01"},
    ],
)
def test_a_bad_period_is_a_422_that_does_not_say_it_back(api: Api, params: dict[str, str]) -> None:
    response = api.client.get(STATS, params=params, headers=api.as_("dco"))
    assert response.status_code == 422, response.text
    for value in params.values():
        assert value not in response.text
