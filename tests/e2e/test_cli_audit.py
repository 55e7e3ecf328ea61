"""`dataward audit`: the DCO verifies the chain and exports it; tampering is caught."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import uuid
from pathlib import Path

import pytest
from faker import Faker
from typer.testing import CliRunner

from dataward.domain.audit import AuditAction, from_json_line, verify_chain
from dataward.entrypoints.cli.common import container
from dataward.entrypoints.cli.main import app
from dataward.services.audit import Audited, record
from tests.builders import NOW

runner = CliRunner()


pytestmark = pytest.mark.usefixtures("data_dir")


def use_the_system(entries: int) -> None:
    """Work recorded in the log, as the services do: each in its own transaction."""
    with container() as wired:
        for n in range(entries):
            with wired.uow() as uow:
                record(
                    uow,
                    wired.clock,
                    "dco-on-duty",
                    Audited(
                        AuditAction.GATE_DECISION,
                        subject_ref=uuid.uuid4(),
                        purpose="provide_service",
                        decision="allowed",
                        details={"category": "telephony_activity", "n": n},
                    ),
                )
                uow.commit()


def tamper(data_dir: Path, *statements: str) -> None:
    """What someone with the database file can do: drop the guard triggers, then rewrite."""
    connection = sqlite3.connect(data_dir / "dataward.db")
    with connection:
        connection.execute("DROP TRIGGER audit_log_no_update")
        connection.execute("DROP TRIGGER audit_log_no_delete")
        for statement in statements:
            connection.execute(statement)
    connection.close()


def test_verify_on_a_fresh_installation_checks_the_register_load_and_passes() -> None:
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "audit log intact: 2 entries checked, head " in result.stdout
    exported = runner.invoke(app, ["audit", "export"])
    first, second = (from_json_line(line) for line in exported.stdout.splitlines()[:2])
    assert (first.seq, first.action, first.actor) == (1, "register_loaded", "system:init")
    # the first console account, the DCO's, made by `init` too
    assert (second.seq, second.action, second.actor) == (
        2,
        "console_account_created",
        "system:init",
    )


def test_verify_passes_on_a_used_system(tmp_path: Path) -> None:
    use_the_system(6)
    export = runner.invoke(app, ["audit", "export", "--output", str(tmp_path / "a.jsonl")])
    assert export.exit_code == 0, export.output
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "audit log intact: 9 entries checked, head " in result.stdout


def test_verify_fails_with_exit_1_naming_an_altered_entry(data_dir: Path) -> None:
    use_the_system(6)
    tamper(data_dir, "UPDATE audit_log SET decision = 'denied' WHERE seq = 5")
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert "audit log BROKEN at entry #5: hash mismatch" in result.stdout
    assert "the 4 entries before it are intact" in result.stdout


def test_verify_fails_naming_a_deleted_entry(data_dir: Path) -> None:
    use_the_system(6)
    tamper(data_dir, "DELETE FROM audit_log WHERE seq = 3")
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert "audit log BROKEN at entry #3: sequence gap" in result.stdout
    assert "found entry #4 in its place" in result.stdout


def test_export_writes_json_lines_that_verify_and_records_itself(tmp_path: Path) -> None:
    use_the_system(3)
    out = tmp_path / "audit.jsonl"
    result = runner.invoke(app, ["audit", "export", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "exported 6 entries to the --output file (export recorded as #6)" in result.stderr
    assert str(out) not in result.output
    entries = [from_json_line(line) for line in out.read_text("utf-8").splitlines()]
    assert verify_chain(entries).ok
    assert entries[-1].action == "audit_exported"
    assert entries[-1].actor == "dco-on-duty"


def test_export_to_standard_output_is_only_json_lines() -> None:
    use_the_system(2)
    result = runner.invoke(app, ["audit", "export"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 5  # init's two, the use and the export
    assert verify_chain(from_json_line(line) for line in lines).ok


def test_a_role_without_read_audit_log_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAWARD_ACTOR_ROLE", "operator")
    for command in (["audit", "verify"], ["audit", "export"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 1
        assert "not allowed to read audit log" in result.stderr


def _search(*args: str) -> str:
    result = runner.invoke(app, ["audit", "search", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_search_shows_a_subjects_entries_and_no_other_never_an_identifier(fake: Faker) -> None:
    emails = [fake.email() for _ in range(3)]
    subjects = []
    for email in emails:
        created = runner.invoke(app, ["subjects", "create", "--kind", "end_user", "--email", email])
        assert created.exit_code == 0, created.output
        subjects.append(created.stdout.split()[0])
    use_the_system(3)  # entries about others
    table = _search("--subject", subjects[1])
    header, *lines = table.splitlines()
    assert header.split("\t")[:5] == ["seq", "at", "actor", "action", "subject_ref"]
    assert lines
    assert all(line.split("\t")[4] == subjects[1] for line in lines)
    assert "subject_created" in table
    for email in emails:
        assert email not in table
    found = json.loads(_search("--subject", subjects[1], "--format", "json"))
    assert {entry["subject_ref"] for entry in found} == {subjects[1]}
    assert [entry["action"] for entry in found] == [
        "subject_created",
        "audit_searched",  # the search before: someone looked at this subject's entries
    ]
    rows = list(csv.DictReader(io.StringIO(_search("--subject", subjects[2], "--format", "csv"))))
    assert {row["subject_ref"] for row in rows} == {subjects[2]}


def test_search_filters_by_actor_action_and_day_and_is_recorded() -> None:
    use_the_system(2)
    by_action = json.loads(
        _search("--action", "gate_decision", "--actor", "dco-on-duty", "--format", "json")
    )
    assert [e["details"]["n"] for e in by_action] == [0, 1]
    today = NOW.date().isoformat()
    assert len(json.loads(_search("--since", today, "--until", today, "--format", "json"))) > 2
    assert json.loads(_search("--until", "2026-01-01", "--format", "json")) == []
    (searched, *_) = json.loads(_search("--action", "audit_searched", "--format", "json"))
    assert searched["actor"] == "dco-on-duty"
    assert searched["details"] == {"action": "gate_decision", "actor": "dco-on-duty"}


@pytest.mark.parametrize(
    "args",
    [
        ["--subject", "07700900123"],
        ["--actor", "07700 900123"],
        ["--actor", "someone@example.org"],
        ["--action", "Gate Decision"],
        ["--since", "2026-02-30"],
        ["--until", "25/11/2026"],
        ["--since", "2026-11-24T10:00:00"],
        ["--format", "xml"],
    ],
)
def test_search_refuses_a_bad_filter_by_its_option_without_saying_it_back(
    args: list[str],
) -> None:
    before = runner.invoke(app, ["audit", "verify"]).stdout
    result = runner.invoke(app, ["audit", "search", *args])
    assert result.exit_code == 2
    assert args[0] in result.output
    assert args[1] not in result.output.replace("\n", "")
    assert runner.invoke(app, ["audit", "verify"]).stdout == before  # nothing recorded


def test_search_refuses_since_after_until() -> None:
    result = runner.invoke(
        app, ["audit", "search", "--since", "2026-11-26", "--until", "2026-11-25"]
    )
    assert result.exit_code == 2
    assert "since: no later than until" in result.stderr


@pytest.mark.parametrize("role", ["operator", "support", "marketing", "tenant_admin"])
def test_search_is_refused_to_a_role_without_read_audit_log(
    role: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATAWARD_ACTOR_ROLE", role)
    if role == "tenant_admin":
        monkeypatch.setenv("DATAWARD_ACTOR_TENANT", "acme")
    result = runner.invoke(app, ["audit", "search"])
    assert result.exit_code == 1
    assert "not allowed to read audit log" in result.stderr
