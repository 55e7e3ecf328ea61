"""The command line given values it cannot take: a usage error (exit code 2) naming the option
and what it takes, never a traceback, never what was typed."""

from __future__ import annotations

from pathlib import Path

import pytest
from faker import Faker
from typer.testing import CliRunner, Result

from dataward.entrypoints.cli.main import app
from tests.builders import EVIDENCE

runner = CliRunner()
pytestmark = pytest.mark.usefixtures("data_dir")

PASTED = "07700 900123"  # a drama-range number, as one pasted in the wrong field
ADMIN = {"DATAWARD_ACTOR_ROLE": "tenant_admin", "DATAWARD_ACTOR_TENANT": "tenant-a"}
SOME_ID = "6f1c8a4e-0b7d-4d0e-9a51-6f3c2b1d9e07"


def refused(*args: str, env: dict[str, str] | None = None) -> Result:
    """The command's result, asserted a usage error with no traceback and no echo."""
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert PASTED not in said(result)
    return result


def said(result: Result) -> str:
    """What the command said, out of its box and unwrapped."""
    return " ".join(result.output.replace("│", " ").split())


def ok(*args: str, env: dict[str, str] | None = None) -> str:
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def tenant() -> str:
    ok("tenants", "create", "Acme Telecom", "--id", "tenant-a")
    return "tenant-a"


def test_an_unknown_subject_kind_is_named_as_the_field(fake: Faker) -> None:
    result = refused("subjects", "create", "--kind", PASTED, "--email", fake.email())
    assert "error: subject kind: not in the register (it has: end_user" in result.stderr


def test_an_unknown_correction_kind_is_refused_and_the_request_left_as_it_was(
    fake: Faker,
) -> None:
    subject = ok("subjects", "create", "--kind", "end_user", "--email", fake.email()).strip()
    created = ok(
        "requests",
        "create",
        "--type",
        "rectification",
        "--received",
        "2026-11-20",
        "--subject",
        subject,
    )
    request_id = created.split("\t")[0]
    for event in ("ask_identity", "identity_verified", "start"):
        why = EVIDENCE.get(event)
        ok("requests", "advance", request_id, event, *(("--reason", why) if why else ()))
    result = refused("requests", "fulfil", request_id, "--set", f"shoe_size={PASTED}")
    assert "Invalid value for --set: KIND=VALUE, KIND one of phone, email" in said(result)
    assert ok("requests", "show", request_id).split()[2] == "in_progress"


@pytest.mark.parametrize("number", [str(2**63), "-1", "0", str(10**30)])
def test_an_ingest_number_off_the_range_is_refused(
    tenant: str, tmp_path: Path, number: str
) -> None:
    refused("ingest", "quarantine", "--tenant", tenant, f"--ingest={number}", env=ADMIN)
    for command in (["export", "-o", str(tmp_path / "lines.txt")], ["replay"], ["discard"]):
        refused("ingest", command[0], "--tenant", tenant, *command[1:], "--", number, env=ADMIN)
    assert not (tmp_path / "lines.txt").exists()


def test_report_dates_off_the_calendar_are_refused_and_the_widest_taken(tenant: str) -> None:
    result = refused(
        "report", "acd", "--tenant", tenant, "--from", "0001-01-01", "--to", "9999-12-31", env=ADMIN
    )
    assert "a date (YYYY-MM-DD) from 1900-01-01 to 2999-12-31" in said(result)
    for by in ("queue", "agent", "caller"):
        for period in ("hour", "day", "month"):
            widest = ok(
                "report",
                "acd",
                "--tenant",
                tenant,
                "--by",
                by,
                "--period",
                period,
                "--from",
                "1900-01-01",
                "--to",
                "2999-12-31",
                "--format",
                "json",
                env=ADMIN,
            )
            assert '"cells": []' in widest


def test_a_due_date_off_the_calendar_is_refused_and_the_last_day_taken() -> None:
    result = refused("calendar", "due", "9999-12-31")
    assert "a date (YYYY-MM-DD) from 1900-01-01 to 2999-12-31" in said(result)
    refused("calendar", "due", "0001-01-01")
    assert ok("calendar", "due", "2999-12-31", "--months", "3").startswith("3000-03-31")


@pytest.mark.parametrize(
    "args",
    [
        [
            "subjects",
            "create",
            "--kind",
            "end_user",
            "--email",
            "x@example.org",
            "--birth-date",
            PASTED,
        ],
        ["subjects", "shred", SOME_ID, "--reason", PASTED, "--yes"],
        ["report", "acd", "--tenant", "tenant-a", "--by", PASTED],
        ["report", "acd", "--tenant", "tenant-a", "--period", PASTED],
        ["report", "acd", "--tenant", "tenant-a", "--format", PASTED],
        ["report", "acd", "--tenant", "tenant-a", "--to", PASTED],
        ["calendar", "due", PASTED],
        ["calendar", "due", "2026-11-25", "--division", PASTED],
        ["calendar", "due", "2026-11-25", "--months", PASTED],
        ["requests", "create", "--type", PASTED, "--received", "2026-11-20"],
        ["requests", "create", "--type", "access", "--received", PASTED],
        ["requests", "create", "--type", "access", "--received", "9999-12-31"],
        ["requests", "create", "--type", "access", "--received", "2026-11-20", "--channel", PASTED],
        ["requests", "create", "--type", "access", "--received", "2026-11-20", "--subject", PASTED],
        ["requests", "advance", SOME_ID, PASTED],
        ["requests", "advance", SOME_ID, "clarified", "--on", PASTED],
        ["requests", "fulfil", SOME_ID, "--last-transaction", "9999-12-31"],
        ["requests", "fulfil", SOME_ID, "--decision", PASTED],
        ["requests", "queue", "--due", PASTED],
        ["requests", "instruct", SOME_ID, PASTED],
        [
            "consents",
            "give",
            PASTED,
            "--purpose",
            "direct_marketing",
            "--method",
            "web_form",
            "--notice-version",
            "1",
        ],
        [
            "consents",
            "give",
            SOME_ID,
            "--purpose",
            "direct_marketing",
            "--method",
            PASTED,
            "--notice-version",
            "1",
        ],
        ["restrictions", "apply", SOME_ID, "--ground", PASTED],
        ["restrictions", "lift", SOME_ID, "--told", "9999-12-31T23:59:59-12:00"],
        ["objections", "record", SOME_ID, "--kind", PASTED],
        ["objections", "decide", SOME_ID, "--outcome", PASTED],
        ["ingest", "files", "/dev/null", "--tenant", "tenant-a", "--format", PASTED],
        ["outbox", "send", "--limit", str(10**30)],
        ["policy", "ropa", "--format", PASTED],
        ["policy", "export", "--format", PASTED],
        ["db", "upgrade", PASTED],
        ["db", "downgrade", PASTED],
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_an_option_given_what_it_cannot_take_says_what_it_takes(args: list[str]) -> None:
    assert "Invalid value" in said(refused(*args))


def test_an_unwritable_output_is_a_usage_error_and_records_nothing(tmp_path: Path) -> None:
    before = ok("audit", "verify")
    missing = tmp_path / "no-such-folder" / "audit.jsonl"
    result = refused("audit", "export", "--output", str(missing))
    assert "cannot write it" in said(result)
    assert ok("audit", "verify").split(":")[1].split(",")[0] == before.split(":")[1].split(",")[0]
    refused("policy", "ropa", "--output", str(missing))
