"""The `dataward` command as a DCO uses it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dataward.adapters.register_file import shipped_register_text
from dataward.entrypoints.cli.main import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "var"
    monkeypatch.setenv("DATAWARD_DATA_DIR", str(folder))
    for name in ("DATAWARD_DATABASE_URL", "DATAWARD_MASTER_KEY", "DATAWARD_REGISTER_FILE"):
        monkeypatch.delenv(name, raising=False)
    return folder


def test_check_accepts_the_shipped_register() -> None:
    result = runner.invoke(app, ["policy", "check"])
    assert result.exit_code == 0, result.output
    assert "ok, version 2026.1" in result.output


def test_check_names_the_lines_of_placeholders_left_to_confirm(tmp_path: Path) -> None:
    """The shipped register's facts only the company can supply (`# confirm:`) are listed by
    line for the DCO; a register with them all replaced lists none."""
    text = shipped_register_text()
    marked = [n for n, line in enumerate(text.splitlines(), 1) if "# confirm" in line]
    result = runner.invoke(app, ["policy", "check"])
    assert result.exit_code == 0, result.output
    assert f"{len(marked)} placeholder(s) marked '# confirm'" in result.stderr
    assert f"line(s) {', '.join(map(str, marked))}" in result.stderr
    confirmed = tmp_path / "confirmed.yaml"
    confirmed.write_text(text.replace("# confirm", "# confirmed by the DCO:"))
    result = runner.invoke(app, ["policy", "check", str(confirmed)])
    assert result.exit_code == 0, result.output
    assert "placeholder" not in result.output


def test_check_rejects_a_bad_register_with_exit_code_2_and_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        shipped_register_text().replace("lawful_basis: contract", "lawful_basis: contrct", 1)
    )
    completed = subprocess.run(
        [sys.executable, "-m", "dataward", "policy", "check", str(bad)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ},
    )
    assert completed.returncode == 2
    line = shipped_register_text().split("lawful_basis: contract")[0].count("\n") + 1
    assert f"{bad}: purposes[0].lawful_basis: not one of" in completed.stderr
    assert f"(line {line})" in completed.stderr
    assert "nothing was loaded" in completed.stderr


def test_init_is_idempotent_and_makes_a_private_key_file(data_dir: Path) -> None:
    first = runner.invoke(app, ["init"])
    assert first.exit_code == 0, first.output
    assert "created (mode 0600)" in first.output
    assert "loaded and active" in first.output
    key_file = data_dir / "master.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    key = key_file.read_bytes()
    second = runner.invoke(app, ["init"])
    assert second.exit_code == 0, second.output
    assert "kept" in second.output
    assert key_file.read_bytes() == key


def test_an_invalid_register_is_not_loaded(tmp_path: Path) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(shipped_register_text().replace('version: "2026.1"', 'version: ""'))
    result = runner.invoke(app, ["policy", "load", str(bad)])
    assert result.exit_code == 2
    versions = runner.invoke(app, ["policy", "show"])
    assert "register 2026.1" in versions.output


def test_load_switches_the_active_register(tmp_path: Path) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    newer = tmp_path / "newer.yaml"
    newer.write_text(shipped_register_text().replace('version: "2026.1"', 'version: "2026.2"'))
    result = runner.invoke(app, ["policy", "load", str(newer)])
    assert result.exit_code == 0, result.output
    assert "register 2026.2" in runner.invoke(app, ["policy", "show"]).output


def test_notice_writes_a_readable_html_file(tmp_path: Path) -> None:
    out = tmp_path / "notice.html"
    result = runner.invoke(app, ["policy", "notice", "--format", "html", "--output", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert html.lstrip().lower().startswith("<!doctype html")
    assert "Information Commissioner" in html


def test_the_notice_gives_mondagos_marketing_one_basis_consent() -> None:
    result = runner.invoke(app, ["policy", "notice", "--format", "md"])
    assert result.exit_code == 0, result.output
    notice = " ".join(result.stdout.split())
    section = notice[notice.index("### Sharing with Mondago Limited") :]
    section = section[: section.index("An objection to marketing stops")]
    assert "only to people who consented to Mondago's marketing" in section
    assert "for Mondago's own marketing" in section
    assert "Lawful basis: Consent (Art. 6(1)(a) UK GDPR)" in section
    assert "Legitimate interests" not in section  # not both: consent, and no consent needed
    assert "Mondago addendum" not in notice


def test_ropa_json_lists_both_parts() -> None:
    result = runner.invoke(app, ["policy", "ropa", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["controller"]
    assert document["processor"]


def test_diff_separates_material_from_editorial_changes(tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    new = tmp_path / "new.yaml"
    old.write_text(shipped_register_text())
    new.write_text(
        shipped_register_text().replace(
            "    lawful_basis: legitimate_interests\n"
            "    legitimate_interest: To recover debts due to us.\n",
            "    lawful_basis: contract\n",
        )
    )
    result = runner.invoke(app, ["policy", "diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    assert "debt_recovery" in result.output
    material = result.output.split("Editorial changes")[0]
    assert "lawful_basis" in material


def test_exports_are_json() -> None:
    for fmt in ("fides", "dpv"):
        result = runner.invoke(app, ["policy", "export", "--format", fmt])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)
