"""Console accounts at the command line: `dataward init` makes the first DCO account once and
prints its one-time link; `staff create` makes an account with a link or a password from
standard input; `staff accounts` lists them, `staff password-link` makes a new link and `staff
disable` ends its sessions; a role without manage_staff is refused; `staff add` still issues
API tokens, which are no console login."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from dataward.entrypoints.cli.common import container
from dataward.entrypoints.cli.main import app
from dataward.services.organisation.accounts import Credentials, link_valid, login

runner = CliRunner()
pytestmark = pytest.mark.usefixtures("data_dir")
LINK = re.compile(r"(https?://\S+)/console/password/([A-Za-z0-9_-]{40,})")
PASSWORD = "several unrelated words here"  # noqa: S105 - a test's own account


def invoke(*args: str, stdin: str | None = None) -> Result:
    return runner.invoke(app, list(args), input=stdin)


def ok(*args: str, stdin: str | None = None) -> str:
    result = invoke(*args, stdin=stdin)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_init_makes_the_first_dco_account_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATAWARD_DATA_DIR", str(tmp_path / "fresh"))
    first = ok("init")
    found = LINK.search(first)
    assert found is not None
    assert "console: account dco (dco) created" in first
    with container() as wired:
        assert link_valid(wired.uow(), wired.clock, found.group(2))
    again = ok("init")
    assert LINK.search(again) is None
    listed = ok("staff", "accounts")
    assert listed.count("\n") == 1
    assert "\tdco\t-\t" in listed
    assert "password not set" in listed


def test_create_with_a_password_from_standard_input_signs_in() -> None:
    ok("init")
    out = ok(
        "staff",
        "create",
        "--role",
        "operator",
        "--email",
        "ops@staff.example",
        "--actor",
        "ops-one",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert "console account ops-one created as operator" in out
    assert LINK.search(out) is None
    assert PASSWORD not in out
    with container() as wired:
        signed = login(
            wired.uow(), wired.clock, wired.passwords, Credentials("ops@staff.example", PASSWORD)
        )
    assert signed.actor.id == "ops-one"
    assert "ops-one\tops@staff.example\toperator\t-\t" in ok("staff", "accounts")
    link = LINK.search(ok("staff", "password-link", "ops-one"))
    assert link is not None
    assert ok("staff", "disable", "ops-one") == "account disabled\n"
    assert "disabled" in ok("staff", "accounts")
    assert invoke("staff", "disable", "ops-one").exit_code != 0


def test_a_tenant_administrator_needs_a_tenant_that_exists() -> None:
    ok("init")
    refused = invoke("staff", "create", "--role", "tenant_admin", "--email", "a@t.example")
    assert refused.exit_code != 0
    assert "give the tenant" in refused.output
    missing = invoke(
        "staff", "create", "--role", "tenant_admin", "--email", "a@t.example", "--tenant", "nope"
    )
    assert missing.exit_code != 0
    ok("tenants", "create", "Acme Telecom")
    made = ok(
        "staff",
        "create",
        "--role",
        "tenant_admin",
        "--email",
        "a@t.example",
        "--tenant",
        "acme-telecom",
    )
    assert "as tenant_admin of acme-telecom" in made
    assert LINK.search(made) is not None


def test_a_short_password_or_a_bad_address_is_refused_without_repeating_it() -> None:
    ok("init")
    short = invoke(
        "staff",
        "create",
        "--role",
        "dco",
        "--email",
        "x@staff.example",
        "--password-stdin",
        stdin="hunter2\n",
    )
    assert short.exit_code != 0
    assert "at least 12" in short.output
    assert "hunter2" not in short.output
    hostile = "<script>@@"
    bad = invoke("staff", "create", "--role", "dco", "--email", hostile)
    assert bad.exit_code != 0
    assert hostile not in bad.output


def test_a_role_without_manage_staff_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    ok("init")
    monkeypatch.setenv("DATAWARD_ACTOR", "someone-ops")
    monkeypatch.setenv("DATAWARD_ACTOR_ROLE", "operator")
    for args in (
        ("staff", "create", "--role", "dco", "--email", "x@staff.example"),
        ("staff", "accounts"),
        ("staff", "password-link", "dco"),
        ("staff", "disable", "dco"),
    ):
        refused = invoke(*args)
        assert refused.exit_code != 0, args
        assert "not allowed to manage staff" in refused.output


def test_the_help_says_which_command_makes_what() -> None:
    help_text = ok("staff", "--help")
    assert "console accounts" in help_text
    assert "API tokens" in help_text
    assert "not a console login" in ok("staff", "add", "--help")
