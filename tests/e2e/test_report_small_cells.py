"""One call alone in its queue-hour is in no ACD report, through the command line and the API:
not by queue, agent or caller, in no period, in no format (a table, CSV, JSON), nor in a
release with noise. What is shown is K calls of a busy queue; the lone call only adds to the
count of cells hidden, and its pool of one is never shown.

Monday 2 March 2026 (GMT): K calls into `sales` from 09:00, one caller, agent 200 answering;
one call into `night` at 03:00 from another caller, abandoned.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from faker import Faker
from typer.testing import CliRunner

from dataward.domain.calls.acd import Period
from dataward.domain.calls.acd_report import ReportBy
from dataward.domain.calls.small_cells import SUPPRESSED
from dataward.entrypoints.cli.main import app
from tests.e2e.conftest import Api
from tests.support.copies import K

runner = CliRunner()
NINE = 1_772_442_000  # 2026-03-02T09:00:00Z
THREE = NINE - 6 * 3600
REPORT = "/api/v1/tenants/tenant-a/reports/acd"


def _queue_log(fake: Faker) -> str:
    busy, alone = (f"07700 900{fake.unique.random_int(100, 999)}" for _ in range(2))
    lines = []
    for n in range(K):
        at, callid = NINE + 60 * n, f"{NINE + n}.{n}"
        lines += [
            f"{at}|{callid}|sales|NONE|ENTERQUEUE||{busy}|1",
            f"{at + 10}|{callid}|sales|SIP/200|CONNECT|10|{callid}9|2",
            f"{at + 40}|{callid}|sales|SIP/200|COMPLETECALLER|10|30|1",
        ]
    lines += [
        f"{THREE}|{THREE}.1|night|NONE|ENTERQUEUE||{alone}|1",
        f"{THREE + 20}|{THREE}.1|night|NONE|ABANDON|1|1|20",
    ]
    return "\n".join(lines) + "\n"


def _shown(offered: list[int]) -> None:
    """What a report of the fixture may show: the busy queue's K calls, and nothing under K."""
    assert all(n == 0 or n >= K for n in offered), offered
    assert sum(offered) == K, offered


def _json_rows(text: str) -> list[dict[str, Any]]:
    report = json.loads(text)
    assert (report["k_anonymity_threshold"], report["suppressed_cells"]) == (K, 1)
    rows: list[dict[str, Any]] = report["cells"]
    return rows


def _csv_offered(text: str) -> list[int]:
    return [int(row["offered"]) for row in csv.DictReader(io.StringIO(text))]


def _table_offered(text: str) -> list[int]:
    """The offered column of a table's rows (its third), down to the blank line before the
    footer, which must say what it hid."""
    head, footer = text.split("\n\n", 1)
    assert f"1 cell(s) under k={K} suppressed" in footer
    return [int(line.split()[2]) for line in head.splitlines()[1:]]


@pytest.fixture
def acme(data_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake: Faker) -> Path:
    """Tenant acme in the installation at `data_dir`, its calls ingested by an operator."""
    assert runner.invoke(app, ["tenants", "create", "Acme Ltd", "--id", "acme"]).exit_code == 0
    monkeypatch.setenv("DATAWARD_ACTOR", "op-on-duty")
    monkeypatch.setenv("DATAWARD_ACTOR_ROLE", "operator")
    calls = tmp_path / "calls.log"
    calls.write_text(_queue_log(fake))
    ingested = runner.invoke(app, ["ingest", str(calls), "--tenant", "acme"])
    assert f"stored {K + 1} call(s)" in ingested.stdout, ingested.output
    return data_dir


@pytest.mark.usefixtures("acme")
@pytest.mark.parametrize("by", list(ReportBy))
def test_the_command_line_shows_a_lone_call_in_no_report(by: ReportBy) -> None:
    for period in Period:
        for output in ("table", "csv", "json"):
            args = ["report", "acd", "--tenant", "acme", "--by", by.value]
            result = runner.invoke(app, [*args, "--period", period.value, "--format", output])
            assert result.exit_code == 0, result.output
            text = result.stdout
            assert "night" not in text
            assert SUPPRESSED not in text
            if output == "json":
                _shown([row["offered"] for row in _json_rows(text)])
            elif output == "csv":
                _shown(_csv_offered(text))
                assert f"1 cell(s) under k={K} suppressed" in result.stderr
            else:
                _shown(_table_offered(text))


@pytest.mark.parametrize("by", list(ReportBy))
def test_the_api_shows_a_lone_call_in_no_report(api: Api, fake: Faker, by: ReportBy) -> None:
    posted = api.client.post(
        "/api/v1/tenants/tenant-a/calls",
        content=_queue_log(fake).encode(),
        headers={**api.as_("operator"), "Content-Type": "text/plain"},
    )
    assert posted.json()["stored"] == K + 1, posted.text
    for period in Period:
        params = {"by": by.value, "period": period.value}
        as_json = api.client.get(REPORT, params=params, headers=api.as_("operator"))
        as_csv = api.client.get(
            REPORT, params={**params, "format": "csv"}, headers=api.as_("operator")
        )
        for reply in (as_json, as_csv):
            assert reply.status_code == 200, reply.text
            assert "night" not in reply.text
            assert SUPPRESSED not in reply.text
        _shown([row["offered"] for row in _json_rows(as_json.text)])
        _shown(_csv_offered(as_csv.text))
        assert as_csv.headers["X-K-Anonymity-Threshold"] == str(K)
        assert as_csv.headers["X-Suppressed-Cells"] == "1"


def test_a_release_with_noise_shows_no_cell_under_k(api: Api, fake: Faker) -> None:
    """k applies after the noise: whatever it drew, no cell shown is 1 to k-1 and a pool is
    shown only from k (the lone call itself is protected by the noise, not by k)."""
    api.client.post(
        "/api/v1/tenants/tenant-a/calls",
        content=_queue_log(fake).encode(),
        headers={**api.as_("operator"), "Content-Type": "text/plain"},
    )
    day = {"from": "2026-03-02", "to": "2026-03-02", "by": "queue"}
    for period in Period:
        params = {**day, "period": period.value, "dp_epsilon": "1"}
        reply = api.client.get(REPORT, params=params, headers=api.as_("operator"))
        assert reply.status_code == 200, reply.text
        report = reply.json()
        assert report["k_anonymity_threshold"] == K
        assert report["dp_epsilon"] == pytest.approx(1.0)
        offered = [(row["queue"], row["offered"]) for row in report["cells"]]
        assert all(n == 0 or n >= K for _queue, n in offered), offered
