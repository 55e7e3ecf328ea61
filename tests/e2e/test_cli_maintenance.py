"""Maintenance on every tenant's data at once (`dataward keys sweep`, `dataward keys rotate`)
is for a role of every tenant with `run_maintenance` alone: the command line's other roles,
a tenant's administrator above all, are refused and nothing is done."""

from __future__ import annotations

from pathlib import Path

import pytest
from faker import Faker
from typer.testing import CliRunner, Result

from dataward.adapters.register_file import shipped_register_text
from dataward.adapters.vault.keystore import SqlVault
from dataward.entrypoints.cli.common import container
from dataward.entrypoints.cli.main import app

runner = CliRunner()

pytestmark = pytest.mark.usefixtures("data_dir")

REFUSED = [
    pytest.param("operator", None, id="operator"),
    pytest.param("support", None, id="support"),
    pytest.param("marketing", None, id="marketing"),
    pytest.param("auditor", None, id="auditor"),
    pytest.param("tenant_admin", "beta", id="tenant_admin"),
    pytest.param("no_such_role", None, id="unknown-role"),
]
"""Every role of the shipped register but the DCO's (and one it does not have)."""
WHY = "not allowed to run maintenance: the role does not have this action"


def invoke(*args: str) -> Result:
    return runner.invoke(app, list(args))


def act_as(monkeypatch: pytest.MonkeyPatch, role: str, tenant: str | None) -> None:
    monkeypatch.setenv("DATAWARD_ACTOR", f"someone-{role}")
    monkeypatch.setenv("DATAWARD_ACTOR_ROLE", role)
    if tenant is None:
        monkeypatch.delenv("DATAWARD_ACTOR_TENANT", raising=False)
    else:
        monkeypatch.setenv("DATAWARD_ACTOR_TENANT", tenant)


def a_shred_interrupted_before_its_key_went(monkeypatch: pytest.MonkeyPatch) -> str:
    """A subject whose shred committed and whose key then could not be destroyed: the one
    thing a sweep finishes."""
    fake = Faker("en_GB")
    fake.seed_instance(11)
    created = invoke("subjects", "create", "--kind", "end_user", "--email", fake.email())
    subject_id = created.stdout.strip()
    with monkeypatch.context() as patched:

        def power_cut(_self: SqlVault, *_key_ids: object) -> int:
            raise OSError("the key store went away")

        patched.setattr(SqlVault, "destroy_key", power_cut)
        patched.setattr(SqlVault, "destroy_keys", power_cut)  # the shred's doomed keys
        invoke("subjects", "shred", subject_id, "--reason", "erasure_request", "--yes")
    assert key_is_held(subject_id)
    return subject_id


def key_is_held(subject_id: str) -> bool:
    with container() as wired:
        return wired.vault().has_key(subject_id)


def audit_count() -> int:
    with container() as wired, wired.uow(read_only=True) as uow:
        return uow.audit.count()


@pytest.mark.parametrize(("role", "tenant"), REFUSED)
def test_the_sweep_is_refused_to_every_role_but_one_of_every_tenant(
    monkeypatch: pytest.MonkeyPatch, role: str, tenant: str | None
) -> None:
    subject_id = a_shred_interrupted_before_its_key_went(monkeypatch)
    act_as(monkeypatch, role, tenant)
    refused = invoke("keys", "sweep")
    assert refused.exit_code == 1
    assert WHY in refused.stderr
    assert "destroyed" not in refused.stdout
    assert key_is_held(subject_id)
    act_as(monkeypatch, "dco", None)
    swept = invoke("keys", "sweep")
    assert swept.exit_code == 0, swept.output
    assert "1 left-over key(s) destroyed" in swept.stdout
    assert not key_is_held(subject_id)


def test_a_tenant_administrator_given_maintenance_by_a_register_is_still_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Even the register cannot hand the sweep to a role that stops at one tenant: it is
    refused at load, so the register in force never grants it."""
    actions = (
        "    actions: [register_subjects, erase_subjects, ingest_calls, read_call_reports, "
        "manage_requests,\n              manage_holds, manage_restrictions]\n"
    )
    generous = shipped_register_text().replace(
        actions, actions.replace("]\n", ", run_maintenance]\n")
    )
    assert generous != shipped_register_text()
    path = tmp_path / "generous.yaml"
    path.write_text(generous.replace('version: "2026.1"', 'version: "2026.2"'))
    loaded = invoke("policy", "load", str(path))
    assert loaded.exit_code != 0
    assert "run_maintenance reaches every tenant's data" in loaded.output
    act_as(monkeypatch, "tenant_admin", "beta")
    assert invoke("keys", "sweep").exit_code == 1


@pytest.mark.parametrize(("role", "tenant"), REFUSED)
def test_rotating_the_master_key_is_refused_to_every_role_but_one_of_every_tenant(
    monkeypatch: pytest.MonkeyPatch, role: str, tenant: str | None
) -> None:
    with container() as wired:
        key_file = wired.settings.resolved_master_key_file()
    before, audited = key_file.read_bytes(), audit_count()
    act_as(monkeypatch, role, tenant)
    refused = invoke("keys", "rotate")
    assert refused.exit_code == 1
    assert WHY in refused.stderr
    assert key_file.read_bytes() == before
    act_as(monkeypatch, "dco", None)
    assert audit_count() == audited
    rotated = invoke("keys", "rotate")
    assert rotated.exit_code == 0, rotated.output
    assert key_file.read_bytes() != before
