"""The processor's limits at the doors (UK GDPR Art. 28(3)(a), 30(2)(a)): none of our staff
roles may shred a tenant's caller through the API or the command line (a 403 in the one error
shape, a clear error, never a traceback), the tenant's own administrator may; and the record
of processing names every tenant as a controller with its contact, as far as the caller's
role may read it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from faker import Faker
from typer.testing import CliRunner

from dataward.entrypoints.cli.main import app
from dataward.services.register.controllers import NO_CONTACT
from tests.e2e.conftest import Api
from tests.e2e.test_api_register import assert_error_shape

runner = CliRunner()
OUR_ROLES = ("dco", "operator", "support", "marketing", "auditor")
"""Every staff role of ours (no tenant of its own) in the shipped register."""


def _caller(api: Api, fake: Faker) -> str:
    number = fake.numerify("07700 900###")
    return api.create(
        "admin_a",
        {
            "kind": "caller",
            "tenant_id": "tenant-a",
            "identifiers": [{"type": "phone", "value": number}],
        },
    )


@pytest.mark.parametrize("who", OUR_ROLES)
@pytest.mark.parametrize("reason", ["erasure_request", "controller_instruction"])
def test_no_staff_role_of_ours_shreds_a_tenants_caller(
    api: Api, fake: Faker, who: str, reason: str
) -> None:
    caller = _caller(api, fake)
    response = api.client.delete(
        f"/api/v1/subjects/{caller}",
        params={"reason": reason, "request_ref": "R-2026-0042"},
        headers=api.as_(who),
    )
    body = response.json()
    if who == "marketing":  # no tenant in its scope: it may not even know the caller exists
        assert response.status_code == 404, response.text
        assert_error_shape(body, "not_found")
    else:  # the DCO may erase our own subjects, so it meets the processor's rule; the others
        # lack the action altogether: both are the one permission error
        assert response.status_code == 403, response.text
        code = "controller_instruction_required" if who == "dco" else "action_not_allowed"
        assert_error_shape(body, code)
    if who == "dco":
        assert "Art. 28(3)(a)" in body["error"]["message"]
        assert "no_longer_needed" in body["error"]["message"]
    assert api.read("admin_a", caller, "telephony_reporting").status_code == 200


def test_the_tenants_own_administrator_shreds_its_caller_and_no_other_tenant_can(
    api: Api, fake: Faker
) -> None:
    caller = _caller(api, fake)
    other = api.client.delete(
        f"/api/v1/subjects/{caller}",
        params={"reason": "erasure_request"},
        headers=api.as_("admin_b"),
    )
    assert other.status_code == 404
    own = api.client.delete(
        f"/api/v1/subjects/{caller}",
        params={"reason": "erasure_request"},
        headers=api.as_("admin_a"),
    )
    assert own.status_code == 200, own.text
    assert own.json()["key_destroyed"] is True


def test_our_dco_does_not_restrict_a_tenants_caller_its_administrator_does(
    api: Api, fake: Faker
) -> None:
    caller = _caller(api, fake)
    body = {"ground": "accuracy_contested"}
    ours = api.client.post(
        f"/api/v1/subjects/{caller}/restrictions", json=body, headers=api.as_("dco")
    )
    assert ours.status_code == 403, ours.text
    assert_error_shape(ours.json(), "controller_instruction_required")
    assert "Art. 28(3)(a)" in ours.json()["error"]["message"]
    theirs = api.client.post(
        f"/api/v1/subjects/{caller}/restrictions", json=body, headers=api.as_("admin_a")
    )
    assert theirs.status_code == 201, theirs.text
    other = api.client.post(
        f"/api/v1/subjects/{caller}/restrictions", json=body, headers=api.as_("admin_b")
    )
    assert other.status_code == 404


@pytest.fixture
def acme(data_dir: Path) -> str:
    del data_dir  # an initialised installation, acted on as the DCO
    made = runner.invoke(app, ["tenants", "create", "Acme Ltd", "--id", "acme"])
    assert made.exit_code == 0, made.output
    admin = {"DATAWARD_ACTOR_ROLE": "tenant_admin", "DATAWARD_ACTOR_TENANT": "acme"}
    created = runner.invoke(
        app,
        ["subjects", "create", "--kind", "caller", "--tenant", "acme", "--phone", "07700 900123"],
        env=admin,
    )
    assert created.exit_code == 0, created.output
    return created.stdout.strip()


@pytest.mark.parametrize("role", OUR_ROLES)
def test_the_command_line_refuses_our_staff_a_clear_error(role: str, acme: str) -> None:
    refused = runner.invoke(
        app,
        ["subjects", "shred", acme, "--reason", "erasure_request", "--yes"],
        env={"DATAWARD_ACTOR_ROLE": role},
    )
    assert refused.exit_code == 1
    assert refused.output.startswith("error: not allowed to erase subjects")
    assert "Traceback" not in refused.output
    if role == "dco":
        assert "customer's caller" in refused.output
    admin = {"DATAWARD_ACTOR_ROLE": "tenant_admin", "DATAWARD_ACTOR_TENANT": "acme"}
    still = runner.invoke(
        app, ["subjects", "show", acme, "--purpose", "telephony_reporting"], env=admin
    )
    assert "07700900123" in still.stdout.replace(" ", "") or "+447700900123" in still.stdout


def test_a_dco_claiming_a_tenant_at_the_command_line_is_still_ours(acme: str) -> None:
    """DATAWARD_ACTOR_TENANT given to a role of ours does not make it the tenant."""
    refused = runner.invoke(
        app,
        ["subjects", "shred", acme, "--reason", "erasure_request", "--yes"],
        env={"DATAWARD_ACTOR_ROLE": "dco", "DATAWARD_ACTOR_TENANT": "acme"},
    )
    assert refused.exit_code == 1, refused.output
    assert "the role is not tied to a tenant, and one is given" in refused.output


def test_the_command_line_lets_the_tenant_shred_its_caller(acme: str) -> None:
    admin = {"DATAWARD_ACTOR_ROLE": "tenant_admin", "DATAWARD_ACTOR_TENANT": "acme"}
    done = runner.invoke(
        app, ["subjects", "shred", acme, "--reason", "erasure_request", "--yes"], env=admin
    )
    assert done.exit_code == 0, done.output
    assert "key destroyed=True" in done.stdout


# -- the record of processing names each controller --------------------------------------------


def _tenant_with_contact(api: Api, fake: Faker, tenant_id: str) -> tuple[str, str]:
    name, email = fake.name(), fake.email()
    made = api.client.post(
        "/api/v1/tenants",
        json={
            "name": f"{tenant_id.title()} Ltd",
            "id": tenant_id,
            "controller_contact": {"name": name, "email": email},
        },
        headers=api.as_("dco"),
    )
    assert made.status_code == 201, made.text
    return name, email


def _controllers(api: Api, who: str) -> list[str]:
    response = api.client.get("/api/v1/register/ropa", headers=api.as_(who))
    assert response.status_code == 200, response.text
    processor = response.json()["processor"]
    assert processor
    lists = {tuple(entry["controllers"]) for entry in processor}
    assert len(lists) == 1  # every processor activity names the same controllers
    return list(lists.pop())


def test_the_ropa_names_every_tenant_with_its_contact_for_the_dco(api: Api, fake: Faker) -> None:
    name_c, email_c = _tenant_with_contact(api, fake, "tenant-c")
    name_d, email_d = _tenant_with_contact(api, fake, "tenant-d")
    controllers = _controllers(api, "dco")
    assert controllers == [
        f"Tenant tenant-a (tenant tenant-a) ({NO_CONTACT})",
        f"Tenant tenant-b (tenant tenant-b) ({NO_CONTACT})",
        f"Tenant-C Ltd (tenant tenant-c) ({name_c}, {email_c.lower()})",
        f"Tenant-D Ltd (tenant tenant-d) ({name_d}, {email_d.lower()})",
    ]
    text = json.dumps(controllers)
    assert "tenant register" not in text  # no placeholder pointing elsewhere
    rows = csv.DictReader(
        io.StringIO(
            api.client.get(
                "/api/v1/register/ropa", params={"format": "csv"}, headers=api.as_("dco")
            ).text
        )
    )
    processor = [r for r in rows if r["part"] == "processor"]
    assert processor
    assert all(email_c.lower() in r["controllers"] for r in processor)
    html = api.client.get(
        "/api/v1/register/ropa", params={"format": "html"}, headers=api.as_("dco")
    ).text
    assert "Tenant-D Ltd (tenant tenant-d)" in html


def test_a_role_that_never_sees_identifiers_gets_the_tenants_not_their_contacts(
    api: Api, fake: Faker
) -> None:
    name, email = _tenant_with_contact(api, fake, "tenant-c")
    controllers = _controllers(api, "auditor")
    entry = next(c for c in controllers if "tenant-c" in c)
    assert entry.startswith("Tenant-C Ltd (tenant tenant-c)")
    assert "not shown to this role" in entry
    assert email.lower() not in json.dumps(controllers)
    assert name not in json.dumps(controllers)


@pytest.mark.usefixtures("data_dir")
def test_the_command_line_ropa_names_the_contact_in_a_private_file(
    tmp_path: Path, fake: Faker
) -> None:
    name, email = fake.name(), fake.email()
    made = runner.invoke(
        app,
        [
            "tenants",
            "create",
            "Tenant C",
            "--id",
            "tenant-c",
            "--contact-name",
            name,
            "--contact-email",
            email,
        ],
    )
    assert made.exit_code == 0, made.output
    out = tmp_path / "ropa.csv"
    result = runner.invoke(app, ["policy", "ropa", "--format", "csv", "--output", str(out)])
    assert result.exit_code == 0, result.output
    rows = [r for r in csv.DictReader(io.StringIO(out.read_text())) if r["part"] == "processor"]
    assert rows
    assert all(
        r["controllers"] == f"Tenant C (tenant tenant-c) ({name}, {email.lower()})" for r in rows
    )
    assert out.stat().st_mode & 0o777 == 0o600  # it names a person: not a public file


def test_each_role_sees_only_the_customers_within_its_reach(api: Api, fake: Faker) -> None:
    """Which customers we have is need-to-know: a tenant's administrator finds its own tenant
    in the record, never another; a role of no tenant (marketing) finds none."""
    _tenant_with_contact(api, fake, "tenant-c")
    assert [c.split(" (")[0] for c in _controllers(api, "admin_a")] == ["Tenant tenant-a"]
    assert [c.split(" (")[0] for c in _controllers(api, "admin_b")] == ["Tenant tenant-b"]
    response = api.client.get("/api/v1/register/ropa", headers=api.as_("marketing"))
    assert response.status_code == 200, response.text
    text = json.dumps(response.json()["processor"])
    assert "tenant-a" not in text
    assert "Tenant-C" not in text


def test_another_tenants_caller_and_an_unknown_subject_are_answered_alike(acme: str) -> None:
    """The command line, like the API, does not tell another tenant's administrator that the
    caller exists."""
    beta = {"DATAWARD_ACTOR_ROLE": "tenant_admin", "DATAWARD_ACTOR_TENANT": "beta"}
    answers = [
        runner.invoke(
            app, ["subjects", "shred", subject, "--reason", "erasure_request", "--yes"], env=beta
        )
        for subject in (acme, "6f1c8a4e-0b7d-4d0e-9a51-6f3c2b1d9e07")
    ]
    assert [(a.exit_code, a.output) for a in answers] == [(3, "error: no such subject\n")] * 2
