"""Files that hold personal data are readable by their owner only (mode 0600): the database
files and their write-ahead logs, an instructed export of a caller's calls, the audit log's
export and a call report; a symbolic link in an output's place is refused."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from faker import Faker
from typer.testing import CliRunner

from dataward.adapters.sql.engine import make_engine
from dataward.entrypoints.cli.main import app
from tests.builders import SAMPLE_RETENTION
from tests.samples import sample

runner = CliRunner()
QUEUE_LOG = "asterisk_queue_log__assembled_from_public_examples.txt"


@pytest.fixture(autouse=True)
def _lax_umask() -> Iterator[None]:
    """A umask that would leave new files readable by everyone: the modes must not rely on it."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_files_and_their_logs_are_private(data_dir: Path) -> None:
    made = runner.invoke(app, ["tenants", "create", "Acme Ltd", "--id", "acme"])
    assert made.exit_code == 0, made.output
    names = {p.name: _mode(p) for p in data_dir.iterdir()}
    for name in ("dataward.db", "keys.db", "master.key"):
        assert names.pop(name) == 0o600, name
    assert all(mode == 0o600 for mode in names.values()), names  # -wal and -shm, if any


def test_a_new_sqlite_file_is_private_with_its_write_ahead_log(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'data.db'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x)")
        connection.exec_driver_sql("INSERT INTO t VALUES (1)")
        files = sorted(p.name for p in tmp_path.iterdir())
        modes = {p.name: _mode(p) for p in tmp_path.iterdir()}
    engine.dispose()
    assert files == ["data.db", "data.db-shm", "data.db-wal"]
    assert modes == dict.fromkeys(files, 0o600)


@pytest.mark.usefixtures("data_dir")
def test_an_instructed_export_is_written_private(tmp_path: Path, fake: Faker) -> None:
    made = runner.invoke(
        app,
        [
            "tenants",
            "create",
            "Tenant C",
            "--id",
            "tenant-c",
            "--contact-name",
            fake.name(),
            "--contact-email",
            fake.email(),
            "--retention",
            SAMPLE_RETENTION,
        ],
    )
    assert made.exit_code == 0, made.output
    admin = {"DATAWARD_ACTOR_ROLE": "tenant_admin", "DATAWARD_ACTOR_TENANT": "tenant-c"}
    landed = runner.invoke(
        app, ["ingest", str(sample(QUEUE_LOG)), "--tenant", "tenant-c"], env=admin
    )
    assert landed.exit_code == 0, landed.output
    found = runner.invoke(
        app,
        [
            "subjects",
            "find",
            "--purpose",
            "telephony_reporting",
            "--phone",
            "01632 960001",
            "--tenant",
            "tenant-c",
        ],
        env=admin,
    )
    assert found.exit_code == 0, found.output
    created = runner.invoke(
        app,
        [
            "requests",
            "create",
            "--type",
            "access",
            "--received",
            "2026-11-20",
            "--tenant",
            "tenant-c",
            "--subject",
            found.stdout.split()[0],
            "--email",
            fake.email(),
        ],
    )
    assert created.exit_code == 0, created.output
    request_id = created.stdout.split("\t")[0]
    forwarded = runner.invoke(app, ["requests", "advance", request_id, "forward"])
    assert forwarded.exit_code == 0, forwarded.output
    out = tmp_path / "export.json"
    out.write_text("an older file, readable by all\n")
    out.chmod(0o644)
    exported = runner.invoke(
        app, ["requests", "instruct", request_id, "export", "--output", str(out)], env=admin
    )
    assert exported.exit_code == 0, exported.output
    assert _mode(out) == 0o600
    assert "+441632960001" in out.read_text()
    fresh = tmp_path / "fresh.json"
    again = runner.invoke(
        app, ["requests", "instruct", request_id, "export", "--output", str(fresh)], env=admin
    )
    assert again.exit_code == 0, again.output
    assert _mode(fresh) == 0o600


OPERATOR = {"DATAWARD_ACTOR_ROLE": "operator"}


def _outputs(tmp_path: Path) -> Iterator[tuple[str, list[str], dict[str, str], Path]]:
    """(what, command, its environment, --output file) of every command whose output names
    subjects, agents or staff."""
    made = runner.invoke(app, ["tenants", "create", "Tenant C", "--id", "tenant-c"])
    assert made.exit_code == 0, made.output
    landed = runner.invoke(
        app, ["ingest", str(sample(QUEUE_LOG)), "--tenant", "tenant-c"], env=OPERATOR
    )
    assert landed.exit_code == 0, landed.output
    for what, command, env in (
        ("audit", ["audit", "export"], {}),
        ("complaints", ["complaints", "export"], {}),
        (
            "report",
            ["report", "acd", "--tenant", "tenant-c", "--by", "agent", "--format", "csv"],
            OPERATOR,
        ),
    ):
        yield what, command, env, tmp_path / f"{what}.out"


@pytest.mark.usefixtures("data_dir")
def test_the_audit_export_and_a_call_report_are_written_private(tmp_path: Path) -> None:
    for what, command, env, out in _outputs(tmp_path):
        fresh = runner.invoke(app, [*command, "--output", str(out)], env=env)
        assert fresh.exit_code == 0, fresh.output
        assert _mode(out) == 0o600, what
        assert out.read_text().strip(), what
        out.write_text("an older file, readable by all\n")
        out.chmod(0o644)
        again = runner.invoke(app, [*command, "--output", str(out)], env=env)
        assert again.exit_code == 0, again.output
        assert _mode(out) == 0o600, what
        assert "an older file" not in out.read_text()


@pytest.mark.usefixtures("data_dir")
def test_an_output_that_is_a_symbolic_link_is_refused(tmp_path: Path) -> None:
    for what, command, env, out in _outputs(tmp_path):
        planted = tmp_path / f"{what}.planted"
        planted.write_text("someone else's file\n")
        planted.chmod(0o644)
        out.symlink_to(planted)
        refused = runner.invoke(app, [*command, "--output", str(out)], env=env)
        assert refused.exit_code == 2, what
        assert "--output" in refused.stderr
        assert planted.read_text() == "someone else's file\n"
        assert _mode(planted) == 0o644
