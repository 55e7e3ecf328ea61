"""The command line acts in a register role: what the role may not do, it cannot do here either."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from faker import Faker
from typer.testing import CliRunner, Result

from dataward.adapters.register_file import shipped_register_text
from dataward.entrypoints.cli.common import container
from dataward.entrypoints.cli.main import app

runner = CliRunner()

pytestmark = pytest.mark.usefixtures("data_dir")


def invoke(*args: str) -> Result:
    return runner.invoke(app, list(args))


def ok(*args: str) -> str:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def as_role(monkeypatch: pytest.MonkeyPatch, role: str) -> None:
    monkeypatch.setenv("DATAWARD_ACTOR", f"someone-{role}")
    monkeypatch.setenv("DATAWARD_ACTOR_ROLE", role)


def registers_and_audit() -> tuple[list[tuple[str, bool]], int]:
    with container() as wired, wired.uow(read_only=True) as uow:
        return [(r.version, r.active) for r in uow.registers.history()], uow.audit.count()


def newer_register(tmp_path: Path) -> Path:
    newer = tmp_path / "newer.yaml"
    newer.write_text(shipped_register_text().replace('version: "2026.1"', 'version: "2026.2"'))
    return newer


def audit_entries() -> list[dict[str, Any]]:
    return [json.loads(line) for line in ok("audit", "export").splitlines()]


def test_an_operator_cannot_load_a_register(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    newer = newer_register(tmp_path)
    before = registers_and_audit()
    as_role(monkeypatch, "operator")
    refused = invoke("policy", "load", str(newer))
    assert refused.exit_code == 1
    assert "not allowed to manage register" in refused.stderr
    assert registers_and_audit() == before
    as_role(monkeypatch, "dco")
    ok("policy", "load", str(newer))
    assert registers_and_audit()[0] == [("2026.1", False), ("2026.2", True)]


def test_a_register_cannot_grant_its_own_loader_the_right_to_load_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    generous = tmp_path / "generous.yaml"
    generous.write_text(
        shipped_register_text()
        .replace('version: "2026.1"', 'version: "2026.2"')
        .replace(
            "    actions: [register_subjects, manage_tenants]\n",
            "    actions: [register_subjects, manage_tenants, manage_register]\n",
        )
    )
    before = registers_and_audit()
    as_role(monkeypatch, "operator")
    assert invoke("policy", "load", str(generous)).exit_code == 1
    assert registers_and_audit() == before


def test_init_loading_a_register_file_over_one_in_force_needs_manage_register(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATAWARD_REGISTER_FILE", str(newer_register(tmp_path)))
    before = registers_and_audit()
    as_role(monkeypatch, "operator")
    refused = invoke("init")
    assert refused.exit_code == 1
    assert "not allowed to manage register" in refused.stderr
    assert registers_and_audit() == before
    as_role(monkeypatch, "dco")
    ok("init")
    assert registers_and_audit()[0][-1] == ("2026.2", True)


def test_an_operator_cannot_add_a_dco_token_or_revoke_one(monkeypatch: pytest.MonkeyPatch) -> None:
    token = ok("staff", "add", "dco-two", "--role", "dco").strip()
    assert token.startswith("dw_")
    before = ok("staff", "list")
    audit_before = registers_and_audit()[1]
    as_role(monkeypatch, "operator")
    added = invoke("staff", "add", "mallory", "--role", "dco")
    assert added.exit_code == 1
    assert "not allowed to manage staff" in added.stderr
    assert "dw_" not in added.stdout
    revoked = invoke("staff", "revoke", "dco-two")
    assert revoked.exit_code == 1
    assert "not allowed to manage staff" in revoked.stderr
    as_role(monkeypatch, "dco")
    assert ok("staff", "list") == before
    assert "dco-two\tdco\t-\t" in before
    assert "live" in before
    assert registers_and_audit()[1] == audit_before
    assert ok("staff", "revoke", "dco-two") == "revoked 1 token(s)\n"


def test_no_token_is_issued_for_a_tenant_that_does_not_exist() -> None:
    before = ok("staff", "list")
    added = invoke("staff", "add", "admin-z", "--role", "tenant_admin", "--tenant", "tenant-z")
    assert added.exit_code == 3
    assert added.stderr.strip() == "error: no such tenant"
    assert "dw_" not in added.stdout
    assert ok("staff", "list") == before


def test_serve_runs_uvicorn_without_an_access_log(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda _app, **options: calls.append(options))
    ok("serve", "--port", "8123")
    (options,) = calls
    assert options["access_log"] is False
    assert options["port"] == 8123


def test_find_needs_a_purpose_the_role_may_know_and_is_audited(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = Faker("en_GB")
    fake.seed_instance(11)
    email = fake.email()
    subject_id = ok("subjects", "create", "--kind", "end_user", "--email", email).strip()
    assert invoke("subjects", "find", "--email", email).exit_code == 2  # --purpose is required
    as_role(monkeypatch, "operator")
    refused = invoke("subjects", "find", "--email", email, "--purpose", "correspondence")
    assert refused.exit_code == 1
    assert "role_lacks_need_to_know" in refused.stderr
    assert subject_id not in refused.output
    as_role(monkeypatch, "dco")
    found = ok("subjects", "find", "--email", email, "--purpose", "correspondence")
    assert found.startswith(subject_id)
    decisions = [
        (e["actor"], e["purpose"], e["decision"])
        for e in audit_entries()
        if e["action"] == "gate_decision" and e["subject_ref"] == subject_id
    ]
    assert decisions == [("someone-dco", "correspondence", "permitted")]
    missing = invoke("subjects", "find", "--email", fake.email(), "--purpose", "correspondence")
    assert missing.exit_code == 3
    assert "no such subject" in missing.stderr


def test_lift_takes_a_time_with_its_zone_only() -> None:
    subject_id = ok("subjects", "create", "--kind", "end_user", "--email", "c@example.org").strip()
    applied = ok("restrictions", "apply", subject_id, "--ground", "accuracy_contested")
    restriction_id = applied.split()[1]
    naive = invoke("restrictions", "lift", restriction_id, "--told", "2026-01-05T09:00:00")
    assert naive.exit_code == 2
    assert "time zone" in naive.output
    assert "lifted" in ok(
        "restrictions", "lift", restriction_id, "--told", "2026-01-05T09:00:00+00:00"
    )
    unknown = invoke("restrictions", "lift", str(uuid.uuid4()), "--told", "2026-01-05T09:00:00Z")
    assert unknown.exit_code == 3


def test_marketing_staff_are_not_shown_a_childs_email_for_advertising(
    monkeypatch: pytest.MonkeyPatch, fake: Faker
) -> None:
    email = fake.email()
    as_role(monkeypatch, "marketing")
    # today is 25 November 2026 (the commands' clock): born ten years before
    subject_id = ok(
        "subjects",
        "create",
        "--kind",
        "marketing_contact",
        "--email",
        email,
        "--birth-date",
        "2016-11-25",
    ).strip()
    refused = invoke("subjects", "show", subject_id, "--purpose", "content_and_advertising")
    assert refused.exit_code == 1
    assert "subject_is_child" in refused.output
    assert email.lower() not in refused.output
