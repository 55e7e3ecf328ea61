"""`dataward breaches` at the command line: the DCO records a breach in UK time, sees its
deadline and clock, assesses, reports late with a reason, drafts the ICO notice, exports the
register into a private file; the queue flags an overdue breach; hostile values and other
roles are refused without a traceback."""

from __future__ import annotations

import csv
import io
import json
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from dataward.domain.breaches.deadline import UK
from dataward.domain.clock import FixedClock
from tests.support.cli_calls import invoke, refused

pytestmark = pytest.mark.usefixtures("data_dir")


def _uk(clock: FixedClock, hours_ago: int) -> str:
    return (clock.now() - timedelta(hours=hours_ago)).astimezone(UK).strftime("%Y-%m-%dT%H:%M")


def _record(clock: FixedClock, hours_ago: int = 2) -> str:
    return invoke(
        "breaches", "record", "--aware-at", _uk(clock, hours_ago), "--nature", "confidentiality",
        "--description", "A call report was e-mailed to the wrong customer.",
    ).strip()  # fmt: skip


def test_the_dco_works_a_breach_from_record_to_export(clock: FixedClock, tmp_path: Path) -> None:
    breach_id = _record(clock)
    shown = json.loads(invoke("breaches", "show", breach_id, "--format", "json"))
    assert shown["ico_clock"] == "70 h 00 min left"
    assert shown["outcome"] is None
    text = invoke("breaches", "show", breach_id)
    assert "ICO deadline" in text
    assert "70 h 00 min left" in text

    out = invoke(
        "breaches", "assess", breach_id, "--likelihood", "possible", "--severity", "significant",
        "--people", "12", "--category", "telephony_activity", "--reasoning", "Times and queues.",
    )  # fmt: skip
    assert out.startswith("report_ico\trisk 4 of 9")
    invoke("breaches", "update", breach_id, "--consequences", "Little.", "--measures", "Recalled.")
    draft = json.loads(invoke("breaches", "draft", breach_id, "--format", "json"))
    assert draft["phase"] == "initial"
    assert draft["to_follow"] == ["records"]

    clock.advance(timedelta(hours=71))
    refusal = refused(
        "breaches", "report", breach_id, "--phase", "initial", "--at", _uk(clock, 0), code=1
    )
    assert "reasons for the delay" in refusal
    queue = invoke("requests", "queue")
    assert f"BREACH\t{breach_id}\tFLAG: 72 hours passed 1 h 00 min late" in queue
    made = invoke(
        "breaches", "report", breach_id, "--phase", "initial", "--at", _uk(clock, 0),
        "--reference", "IC-1234", "--delay-reason", "Found on a weekend.",
    )  # fmt: skip
    assert made == "initial\tlate\n"
    assert "BREACH" not in invoke("requests", "queue")

    target = tmp_path / "register.csv"
    invoke("breaches", "export", "--output", str(target))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    (row,) = csv.DictReader(io.StringIO(target.read_text()))
    assert row["id"] == breach_id
    assert row["reported_late"] == "True"
    assert row["delay_reason"] == "Found on a weekend."
    listed = invoke("breaches", "list")
    assert breach_id in listed


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--aware-at", "2026-13-01T10:00"], "--aware-at"),
        (["--aware-at", "\uff12\uff10\uff12\uff16-01-01T10:00"], "--aware-at"),
        (["--aware-at", "2099-01-01T10:00Z"], "--aware-at"),
        (["--aware-at", "1999-12-31T23:00Z"], "--aware-at"),
        (["--aware-at", "2026-01-01T10:00+99:00"], "--aware-at"),
    ],
)
def test_hostile_times_are_refused_by_the_option_never_echoed(args: list[str], says: str) -> None:
    said = refused(
        "breaches", "record", *args, "--nature", "integrity", "--description", "x", code=2
    )
    assert says in said
    assert args[1] not in said


def test_a_bad_id_nature_or_level_is_refused_without_a_traceback(clock: FixedClock) -> None:
    assert "no such breach" in refused("breaches", "show", "not-an-id", code=3)
    refused(
        "breaches", "record", "--aware-at", _uk(clock, 1), "--nature", "leak",
        "--description", "x", code=2,
    )  # fmt: skip
    breach_id = _record(clock)
    refused(
        "breaches", "assess", breach_id, "--likelihood", "\uff2c\uff29\uff2b\uff25\uff2c\uff39",
        "--severity", "severe", "--reasoning", "x", code=2,
    )  # fmt: skip
    refused("breaches", "affected", breach_id, "--from", "x", "--to", "y", code=2)


@pytest.mark.parametrize("role", ["operator", "support", "marketing", "auditor"])
def test_other_roles_are_refused(
    clock: FixedClock, role: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    breach_id = _record(clock)
    monkeypatch.setenv("DATAWARD_ACTOR_ROLE", role)
    assert "manage breaches" in refused("breaches", "show", breach_id, code=1)
    assert "manage breaches" in refused("breaches", "list", code=1)
