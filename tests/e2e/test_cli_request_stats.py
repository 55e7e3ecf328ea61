"""`dataward requests stats`: the DCO's figures per right and month of receipt, in a table,
JSON or CSV; a tenant's administrator counts its own tenant's requests only."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from typer.testing import CliRunner

from dataward.domain.clock import FixedClock
from dataward.entrypoints.cli.main import app

runner = CliRunner()
pytestmark = pytest.mark.usefixtures("data_dir")
OCTOBER = ("--since", "2026-10-01", "--until", "2026-10-31")


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _request(clock: FixedClock, kind: str, received: str, *moves: tuple[str, str]) -> str:
    """A request received on its day, then each event on its day, at 10:00 UTC."""
    clock.current = datetime.fromisoformat(f"{received}T10:00:00+00:00")
    request_id = invoke("requests", "create", "--type", kind, "--received", received).split()[0]
    for day, event in moves:
        clock.current = datetime.fromisoformat(f"{day}T10:00:00+00:00")
        why = ("--reason", "the reasons") if event in ("extend", "refuse") else ()
        ground = ("--ground", "manifestly_unfounded") if event == "refuse" else ()
        invoke("requests", "advance", request_id, event, *why, *ground)
    return request_id


def _figures(lines: list[dict[str, Any]], right: str, month: str) -> dict[str, Any]:
    (found,) = [x for x in lines if x["right"] == right and x["month"] == month]
    return found


def test_the_figures_in_each_format(clock: FixedClock) -> None:
    # received Thu 1 Oct, due Mon 2 Nov: completed Tue 10 Nov, 8 days late, 40 days
    _request(clock, "access", "2026-10-01", ("2026-10-02", "start"), ("2026-11-10", "complete"))
    # received Mon 5 Oct, extended, completed 19 Oct: in time, 14 days
    _request(
        clock,
        "access",
        "2026-10-05",
        ("2026-10-06", "start"),
        ("2026-10-07", "extend"),
        ("2026-10-19", "complete"),
    )
    _request(clock, "erasure", "2026-10-08", ("2026-10-09", "refuse"))
    _request(clock, "erasure", "2026-09-30")  # September: not in October's figures
    clock.current = datetime(2026, 11, 25, 10, tzinfo=UTC)
    document = json.loads(invoke("requests", "stats", *OCTOBER, "--format", "json"))
    assert (document["since"], document["until"]) == ("2026-10-01", "2026-10-31")
    access = _figures(document["lines"], "access", "2026-10")
    assert access == {
        "right": "access",
        "month": "2026-10",
        "received": 2,
        "completed": 2,
        "partially": 0,
        "on_time": 1,
        "late": 1,
        "days_late_total": 8,
        "days_late_max": 8,
        "extended": 1,
        "refused": 0,
        "withdrawn": 0,
        "forwarded": 0,
        "open": 0,
        "median_days_to_complete": 27.0,
    }
    assert _figures(document["totals"], "all", "total")["received"] == 3
    assert _figures(document["totals"], "erasure", "total")["refused"] == 1
    rows = list(
        csv.DictReader(io.StringIO(invoke("requests", "stats", *OCTOBER, "--format", "csv")))
    )
    assert _figures(rows, "access", "2026-10")["median_days_to_complete"] == "27.0"
    assert _figures(rows, "erasure", "2026-10")["days_late_max"] == ""
    table = invoke("requests", "stats", *OCTOBER)
    assert table.startswith("requests received 2026-10-01 to 2026-10-31\nright\tmonth\treceived")
    default = json.loads(invoke("requests", "stats", "--format", "json"))
    assert (default["since"], default["until"]) == ("2025-12-01", "2026-11-25")
    assert _figures(default["lines"], "erasure", "2026-09")["open"] == 1


def test_a_tenant_administrator_counts_its_own_tenants_only(
    clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    for tenant in ("acme", "globex"):
        invoke("tenants", "create", tenant.title(), "--id", tenant)
    _request(clock, "access", "2026-10-01")
    clock.current = datetime(2026, 11, 25, 10, tzinfo=UTC)
    monkeypatch.setenv("DATAWARD_ACTOR_ROLE", "tenant_admin")
    erasure = ("requests", "create", "--type", "erasure", "--received", "2026-10-02")
    for tenant, count in (("acme", 2), ("globex", 1)):
        monkeypatch.setenv("DATAWARD_ACTOR_TENANT", tenant)
        for _ in range(count):
            invoke(*erasure, "--tenant", tenant)
    monkeypatch.setenv("DATAWARD_ACTOR_TENANT", "acme")
    acme = json.loads(invoke("requests", "stats", *OCTOBER, "--format", "json"))
    assert [(x["right"], x["received"]) for x in acme["lines"]] == [("erasure", 2)]
    monkeypatch.setenv("DATAWARD_ACTOR_ROLE", "dco")
    monkeypatch.delenv("DATAWARD_ACTOR_TENANT")
    every = json.loads(invoke("requests", "stats", *OCTOBER, "--format", "json"))
    assert _figures(every["totals"], "all", "total")["received"] == 4


@pytest.mark.parametrize("role", ["operator", "support", "marketing", "auditor"])
def test_a_role_without_manage_requests_is_refused(
    role: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATAWARD_ACTOR_ROLE", role)
    result = runner.invoke(app, ["requests", "stats"])
    assert result.exit_code == 1
    assert "not allowed to manage requests" in result.stderr


@pytest.mark.parametrize(
    ("args", "exit_code"),
    [
        (["--since", "2026-02-30"], 2),
        (["--until", "07700900123"], 2),
        (["--format", "xml"], 2),
        (["--since", "2026-11-26"], 2),  # after today, the default until
        (["--since", "2001-01-01", "--until", "2026-01-01"], 2),  # over ten years
    ],
)
def test_a_bad_period_is_refused_without_being_said_back(args: list[str], exit_code: int) -> None:
    result = runner.invoke(app, ["requests", "stats", *args])
    assert result.exit_code == exit_code
    assert "07700900123" not in result.output
