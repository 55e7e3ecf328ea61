"""`dataward audit`: the DCO verifies the chain and exports it; tampering is caught."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dataward.domain.audit import AuditAction, from_json_line, verify_chain
from dataward.entrypoints.cli.common import container
from dataward.entrypoints.cli.main import app
from dataward.services.audit import Audited, record

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
    assert "audit log intact: 1 entries checked, head " in result.stdout
    exported = runner.invoke(app, ["audit", "export"])
    first = from_json_line(exported.stdout.splitlines()[0])
    assert (first.seq, first.action, first.actor) == (1, "register_loaded", "system:init")


def test_verify_passes_on_a_used_system(tmp_path: Path) -> None:
    use_the_system(6)
    export = runner.invoke(app, ["audit", "export", "--output", str(tmp_path / "a.jsonl")])
    assert export.exit_code == 0, export.output
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "audit log intact: 8 entries checked, head " in result.stdout


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
    assert "exported 5 entries to the --output file (export recorded as #5)" in result.stderr
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
    assert len(lines) == 4
    assert verify_chain(from_json_line(line) for line in lines).ok


def test_a_role_without_read_audit_log_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAWARD_ACTOR_ROLE", "operator")
    for command in (["audit", "verify"], ["audit", "export"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 1
        assert "not allowed to read audit log" in result.stderr
