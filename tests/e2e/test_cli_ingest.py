"""`dataward ingest` and `dataward report acd` as an operator would run them."""

from __future__ import annotations

from pathlib import Path

import pytest
from faker import Faker
from typer.testing import CliRunner

from dataward.entrypoints.cli.main import app
from tests.samples import sample
from tests.support.copies import K, asterisk_copies

runner = CliRunner()
QUEUE_LOG = "asterisk_queue_log__assembled_from_public_examples.txt"


@pytest.fixture
def operator(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    result = runner.invoke(app, ["tenants", "create", "Acme Ltd", "--id", "acme"])
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("DATAWARD_ACTOR", "op-on-duty")
    monkeypatch.setenv("DATAWARD_ACTOR_ROLE", "operator")
    return data_dir


@pytest.mark.usefixtures("operator")
def test_ingest_then_again_then_report(tmp_path: Path) -> None:
    path = str(sample(QUEUE_LOG))
    first = runner.invoke(app, ["ingest", path, "--tenant", "acme"])
    assert first.exit_code == 0, first.output
    assert "asterisk-queue-log" in first.stdout
    assert "stored 4 call(s), 0 duplicate(s)" in first.stdout
    again = runner.invoke(app, ["ingest", "files", path, "--tenant", "acme", "--json"])
    assert '"duplicates": 4' in again.stdout
    monthly = ["report", "acd", "--tenant", "acme", "--period", "month"]
    report = runner.invoke(app, monthly)
    assert report.exit_code == 0, report.output
    # one call in each queue's month: every cell under k, hidden and counted
    assert not any(line.startswith("support") for line in report.stdout.splitlines())
    assert "4 cell(s) under k=5 suppressed" in report.stdout
    # the calls K times over (each with ids of its own): the figures show
    more = tmp_path / "more.log"
    more.write_text(asterisk_copies(sample(QUEUE_LOG).read_text(), K - 1))
    added = runner.invoke(app, ["ingest", str(more), "--tenant", "acme"])
    assert f"stored {4 * (K - 1)} call(s)" in added.stdout, added.output
    report = runner.invoke(app, monthly)
    support = next(line for line in report.stdout.splitlines() if line.startswith("support"))
    assert support.split()[:5] == ["support", "2020-08", str(K), "0", str(K)]


@pytest.mark.usefixtures("operator")
def test_a_report_naming_subjects_is_decided_for_its_purpose(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert runner.invoke(app, ["ingest", str(sample(QUEUE_LOG)), "--tenant", "acme"]).exit_code == 0
    monkeypatch.setenv("DATAWARD_ACTOR_ROLE", "support")  # its purpose: telephony_support
    by_caller = ["report", "acd", "--tenant", "acme", "--by", "caller"]
    refused = runner.invoke(app, by_caller)
    assert refused.exit_code == 1
    assert "role_lacks_need_to_know" in refused.stderr
    allowed = runner.invoke(app, [*by_caller, "--purpose", "telephony_support", "--format", "csv"])
    assert allowed.exit_code == 0, allowed.output
    assert allowed.stdout.startswith("caller,period,offered")
    assert "cell(s) under k=5 suppressed; 0 label(s) withheld" in allowed.stderr
    assert runner.invoke(app, ["report", "acd", "--tenant", "acme"]).exit_code == 0


@pytest.mark.usefixtures("operator")
def test_a_bad_file_is_rejected_listing_its_lines_then_quarantined(tmp_path: Path) -> None:
    bad = tmp_path / "queue_log"
    bad.write_text(
        "1764000000|1.1|sales|NONE|ENTERQUEUE||07700900123|1\n"
        "1764000005|1.1|sales|NONE|ABANDON|1|1|5\n"
        "17640000o6|2.1|sales|NONE|ENTERQUEUE||07700900124|1\n"
    )
    rejected = runner.invoke(app, ["ingest", str(bad), "--tenant", "acme"])
    assert rejected.exit_code == 2
    assert f"{bad}:3:" in rejected.stderr
    assert "nothing was stored" in rejected.stderr
    assert "07700" not in rejected.output
    kept = runner.invoke(app, ["ingest", str(bad), "--tenant", "acme", "--quarantine"])
    assert kept.exit_code == 0, kept.output
    assert "stored 1 call(s)" in kept.stdout
    listed = runner.invoke(app, ["ingest", "quarantine", "--tenant", "acme"])
    ingest_id = listed.stdout.split()[1]
    assert f"file-{ingest_id}:3" in listed.stdout
    refused = runner.invoke(app, ["ingest", "export", ingest_id, "--tenant", "acme", "-o", "x"])
    assert refused.exit_code == 1  # the operator may not see numbers
    discarded = runner.invoke(app, ["ingest", "discard", ingest_id, "--tenant", "acme"])
    assert discarded.exit_code == 0, discarded.output
    assert "discarded 1 line(s)" in discarded.stdout


def _var_bytes(folder: Path) -> bytes:
    return b"".join(
        p.read_bytes() for p in folder.iterdir() if p.name.startswith(("dataward.db", "keys.db"))
    )


def test_a_file_named_after_a_number_is_named_only_by_its_label(
    operator: Path, tmp_path: Path, fake: Faker
) -> None:
    number = f"07700900{fake.unique.random_int(100, 999)}"
    path = tmp_path / f"{number}-calls.log"
    path.write_text(
        "1764000000|1.1|sales|NONE|ENTERQUEUE||anonymous|1\n"
        "1764000009|1.1|sales|NONE|ABANDON|1|1|9\n"
        "17640001oo|2.1|sales|NONE|ENTERQUEUE||anonymous|1\n"
    )
    landed = runner.invoke(
        app,
        ["ingest", str(path), "--tenant", "acme", "--quarantine", "--format", "asterisk-queue-log"],
    )
    assert landed.exit_code == 0, landed.output
    # the operator's own path, echoed to them, with the label the record keeps
    line = next(x for x in landed.stdout.splitlines() if x.startswith(str(path)))
    ingest_id = line.split("ingest ")[1].split()[0]
    assert line.endswith(f"ingest {ingest_id} (file-{ingest_id}.log)")
    listed = runner.invoke(app, ["ingest", "quarantine", "--tenant", "acme"])
    assert f"file-{ingest_id}.log:3" in listed.stdout
    assert number not in listed.output
    found = runner.invoke(app, ["ingest", "find", str(path), "--tenant", "acme"])
    assert found.exit_code == 0, found.output
    assert found.stdout.startswith(f"ingest {ingest_id}  file-{ingest_id}.log  ")
    assert number not in found.stdout
    other = runner.invoke(app, ["ingest", "find", str(tmp_path / "other.log"), "--tenant", "acme"])
    assert other.exit_code == 3
    audit = runner.invoke(app, ["audit", "export"], env={"DATAWARD_ACTOR_ROLE": "dco"})
    assert audit.exit_code == 0, audit.output
    assert number not in audit.stdout
    assert number.encode() not in _var_bytes(operator)


@pytest.mark.usefixtures("operator")
def test_shredding_a_caller_erases_their_quarantined_line(tmp_path: Path) -> None:
    path = tmp_path / "queue_log"
    path.write_text(
        "1764000000|1.1|sales|NONE|ENTERQUEUE||07700900123|1\n"
        "1764000009|1.1|sales|NONE|ABANDON|1|1|9\n"
        "17640001oo|2.1|sales|NONE|ENTERQUEUE||+44 7700 900123|1\n"
    )
    kept = runner.invoke(
        app,
        ["ingest", str(path), "--tenant", "acme", "--quarantine", "--format", "asterisk-queue-log"],
    )
    assert kept.exit_code == 0, kept.output
    admin = {"DATAWARD_ACTOR_ROLE": "tenant_admin", "DATAWARD_ACTOR_TENANT": "acme"}
    found = runner.invoke(
        app,
        [
            "subjects",
            "find",
            "--purpose",
            "telephony_reporting",
            "--phone",
            "07700 900123",
            "--tenant",
            "acme",
        ],
        env=admin,
    )
    assert found.exit_code == 0, found.output
    caller = found.stdout.split()[0]
    shredded = runner.invoke(
        app, ["subjects", "shred", caller, "--reason", "erasure_request", "--yes"], env=admin
    )
    assert shredded.exit_code == 0, shredded.output
    assert "quarantine 1" in shredded.stdout
    assert (
        "no quarantined lines"
        in runner.invoke(app, ["ingest", "quarantine", "--tenant", "acme"]).stdout
    )
    listed = runner.invoke(app, ["ingest", "quarantine", "--tenant", "acme", "--resolved"])
    assert listed.stdout.rstrip().endswith("[erased]")
    ingest_id = listed.stdout.split()[1]
    out = tmp_path / "lines.txt"
    export = runner.invoke(
        app, ["ingest", "export", ingest_id, "--tenant", "acme", "-o", str(out)], env=admin
    )
    assert export.exit_code == 1
    assert "no quarantined lines left" in export.output
    assert not out.exists()
