"""`dataward ingest quarantine --phone`, `dataward ingest discard --line`, a file sent again
after an erasure, and `dataward db upgrade` on a quarantine from before lines had keys of their
own, as staff would run them."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from dataward.bootstrap import bootstrap
from dataward.domain.clock import FixedClock
from dataward.entrypoints.cli.main import app

runner = CliRunner()
ADMIN = {"DATAWARD_ACTOR_ROLE": "tenant_admin", "DATAWARD_ACTOR_TENANT": "acme"}
NUMBER = "07700900123"


@pytest.fixture
def acme(data_dir: Path) -> Path:
    result = runner.invoke(app, ["tenants", "create", "Acme Ltd", "--id", "acme"])
    assert result.exit_code == 0, result.output
    return data_dir


@pytest.mark.usefixtures("acme")
def test_lines_naming_a_number_are_listed_without_it_and_discarded_by_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "queue_log"
    path.write_text(
        "1764000000|1.1|sales|NONE|ENTERQUEUE||07700900999|1\n"
        "1764000009|1.1|sales|NONE|ABANDON|1|1|9\n"
        "17640001oo|2.1|sales|NONE|ENTERQUEUE||+44 7700 900123|1\n"
        "17640002oo|3.1|sales|NONE|ENTERQUEUE||07700900888|1\n"
    )
    kept = runner.invoke(
        app,
        ["ingest", str(path), "--tenant", "acme", "--quarantine", "--format", "asterisk-queue-log"],
        env={"DATAWARD_ACTOR_ROLE": "operator"},
    )
    assert kept.exit_code == 0, kept.output

    found = runner.invoke(
        app, ["ingest", "quarantine", "--tenant", "acme", "--phone", "07700 900 123"], env=ADMIN
    )
    assert found.exit_code == 0, found.output
    assert found.stdout.splitlines() == [
        "ingest 1  file-1:3  time: not a time in seconds since 1970"
    ]
    refused = runner.invoke(
        app,
        ["ingest", "quarantine", "--tenant", "acme", "--phone", NUMBER],
        env={"DATAWARD_ACTOR_ROLE": "operator"},
    )
    assert refused.exit_code == 1
    assert NUMBER not in refused.output
    nonsense = runner.invoke(
        app, ["ingest", "quarantine", "--tenant", "acme", "--phone", "x12ab"], env=ADMIN
    )
    assert nonsense.exit_code != 0
    assert "12ab" not in nonsense.output

    discarded = runner.invoke(
        app, ["ingest", "discard", "1", "--tenant", "acme", "--line", "3"], env=ADMIN
    )
    assert discarded.exit_code == 0, discarded.output
    assert "discarded 1 line(s) of ingest 1" in discarded.stdout
    left = runner.invoke(app, ["ingest", "quarantine", "--tenant", "acme"], env=ADMIN)
    assert left.stdout.splitlines() == [
        "ingest 1  file-1:4  time: not a time in seconds since 1970"
    ]
    missing = runner.invoke(
        app, ["ingest", "discard", "1", "--tenant", "acme", "--line", "3"], env=ADMIN
    )
    assert missing.exit_code == 1
    assert "no pending line" in missing.output


@pytest.mark.usefixtures("acme")
def test_db_upgrade_reseals_and_indexes_a_quarantine_from_before(clock: FixedClock) -> None:
    downgraded = runner.invoke(app, ["db", "downgrade", "0016"])
    assert downgraded.exit_code == 0, downgraded.output
    wired = bootstrap(clock=clock)
    try:
        vault = wired.vault()
        key = str(uuid.uuid4())
        vault.create_keys([key])
        line = f"17640001oo|2.1|sales|NONE|ENTERQUEUE||{NUMBER}|1"
        with wired.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO ingests (id, tenant_id, source, format, actor, started_at, "
                    "calls_read, stored, duplicates, bad, quarantine_key, header_ciphertext) "
                    "VALUES (7, 'acme', 'file-7', 'asterisk-queue-log', 'op', :at, 0, 0, 0, 1, "
                    ":key, :header)"
                ),
                {"at": wired.clock.now(), "key": key, "header": vault.seal(key, line)},
            )
            connection.execute(
                sa.text(
                    "INSERT INTO call_quarantine (ingest_id, tenant_id, line, reason, "
                    "raw_ciphertext, created_at) VALUES (7, 'acme', 1, 'time: not an epoch', "
                    ":sealed, :at)"
                ),
                {"at": wired.clock.now(), "sealed": vault.seal(key, line)},
            )
    finally:
        wired.close()

    upgraded = runner.invoke(app, ["db", "upgrade"])

    assert upgraded.exit_code == 0, upgraded.output
    assert "1 ingest(s)' quarantined lines re-sealed under keys of their own" in upgraded.stdout
    found = runner.invoke(
        app, ["ingest", "quarantine", "--tenant", "acme", "--phone", NUMBER], env=ADMIN
    )
    assert found.stdout.splitlines() == ["ingest 7  file-7:1  time: not an epoch"]
    again = runner.invoke(app, ["db", "upgrade"])
    assert "re-sealed" not in again.stdout


@pytest.mark.usefixtures("acme")
def test_a_file_sent_again_after_an_erasure_puts_nothing_of_the_number_in_the_quarantine(
    tmp_path: Path, clock: FixedClock
) -> None:
    path = tmp_path / "queue_log"
    path.write_text(
        "1764000000|1.1|sales|NONE|ENTERQUEUE||07700900123|1\n"
        "1764000005|1.1|sales|SIP/201|CONNECT|5|1.2|1\n"
        "1764000065|1.1|sales|SIP/201|COMPLETECALLER|5|60|1\n"
        "1²1764000000|1.8|sales|NONE|ENTERQUEUE||447700900123|1\n"
    )
    ingest = [
        "ingest",
        str(path),
        "--tenant",
        "acme",
        "--quarantine",
        "--format",
        "asterisk-queue-log",
    ]
    assert runner.invoke(app, ingest, env=ADMIN).exit_code == 0
    found = runner.invoke(
        app,
        [
            "subjects",
            "find",
            "--phone",
            NUMBER,
            "--tenant",
            "acme",
            "--purpose",
            "telephony_reporting",
        ],
        env=ADMIN,
    )
    assert found.exit_code == 0, found.output
    subject = found.stdout.split()[0]
    shredded = runner.invoke(
        app, ["subjects", "shred", subject, "--reason", "erasure_request", "--yes"], env=ADMIN
    )  # the tenant erases its caller (our own staff may not)
    assert shredded.exit_code == 0, shredded.output
    clock.advance(timedelta(hours=3))

    again = runner.invoke(app, ingest, env=ADMIN)

    assert again.exit_code == 0, again.output
    assert "900123" not in again.output
    listed = runner.invoke(app, ["ingest", "quarantine", "--tenant", "acme"], env=ADMIN)
    assert listed.stdout == "no quarantined lines\n"
    resolved = runner.invoke(
        app, ["ingest", "quarantine", "--tenant", "acme", "--resolved"], env=ADMIN
    )
    assert [line.split()[:3] for line in resolved.stdout.splitlines()] == [
        ["ingest", "1", "file-1:4"],
        ["ingest", "2", "file-2:4"],
    ]
    assert all("erased" in line for line in resolved.stdout.splitlines())
    assert "900123" not in resolved.stdout
    out = tmp_path / "export.txt"
    exported = runner.invoke(
        app, ["ingest", "export", "2", "--tenant", "acme", "-o", str(out)], env=ADMIN
    )
    assert exported.exit_code != 0
    assert not out.exists()
