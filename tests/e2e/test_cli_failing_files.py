"""Files that cannot be read or written, and revisions past either end of the schema: the
command line says so and exits with its code, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from dataward.entrypoints.cli.main import app

runner = CliRunner()
pytestmark = pytest.mark.usefixtures("data_dir")

FULL = Path("/dev/full")  # every write fails with ENOSPC, as a disk that filled would
ADMIN = {"DATAWARD_ACTOR_ROLE": "tenant_admin", "DATAWARD_ACTOR_TENANT": "acme"}
needs_full = pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full")


def no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output


@pytest.fixture
def acme() -> str:
    result = runner.invoke(app, ["tenants", "create", "Acme Ltd", "--id", "acme"])
    assert result.exit_code == 0, result.output
    return "acme"


def test_a_mapping_that_is_a_folder_is_refused_at_the_mapping(acme: str, tmp_path: Path) -> None:
    calls = tmp_path / "calls.csv"
    calls.write_text("start,caller\n")
    folder = tmp_path / "mapping"
    folder.mkdir()
    result = runner.invoke(
        app,
        [
            "ingest",
            str(calls),
            "--tenant",
            acme,
            "--format",
            "generic-csv",
            "--mapping",
            str(folder),
        ],
        env={"DATAWARD_ACTOR_ROLE": "operator"},
    )
    no_traceback(result)
    assert result.exit_code == 2
    said = " ".join(result.stderr.replace("│", " ").split())
    assert "Invalid value for '--mapping': a folder, not a regular file or a pipe" in said
    assert str(folder) not in said


@pytest.mark.parametrize("revision", ["0016+50", "0001-3", "base+999"])
def test_a_relative_revision_past_either_end_is_a_usage_error(revision: str) -> None:
    result = runner.invoke(app, ["db", "upgrade", revision])
    no_traceback(result)
    assert result.exit_code == 2
    assert "a revision the schema can move to" in " ".join(result.output.split())
    assert revision not in result.output


@needs_full
def test_an_audit_export_to_a_full_disk_says_so_and_the_attempt_stays_recorded() -> None:
    result = runner.invoke(app, ["audit", "export", "--output", str(FULL)])
    no_traceback(result)
    assert result.exit_code == 1
    assert "error: the export could not be written: No space left on device" in result.stderr
    shown = runner.invoke(app, ["audit", "export"])
    assert shown.exit_code == 0, shown.output
    actions = [json.loads(line)["action"] for line in shown.stdout.splitlines()]
    assert actions[-2:] == ["audit_exported", "audit_exported"]  # the failed one, then this


@needs_full
def test_a_quarantine_export_to_a_full_disk_is_a_usage_error(acme: str, tmp_path: Path) -> None:
    path = tmp_path / "queue_log"
    path.write_text(
        "1764000000|1.1|sales|NONE|ENTERQUEUE||07700900999|1\n"
        "17640001oo|2.1|sales|NONE|ENTERQUEUE||07700900888|1\n"
    )
    kept = runner.invoke(
        app,
        ["ingest", str(path), "--tenant", acme, "--quarantine", "--format", "asterisk-queue-log"],
        env={"DATAWARD_ACTOR_ROLE": "operator"},
    )
    assert kept.exit_code == 0, kept.output
    result = runner.invoke(
        app, ["ingest", "export", "1", "--tenant", acme, "-o", str(FULL)], env=ADMIN
    )
    no_traceback(result)
    assert result.exit_code == 2
    assert "No space left on device" in " ".join(result.output.split())
