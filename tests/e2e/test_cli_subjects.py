"""The subject registry from the command line, acting as the configured DCO."""

from __future__ import annotations

import pytest
from faker import Faker
from typer.testing import CliRunner

from dataward.entrypoints.cli.main import app

runner = CliRunner()


pytestmark = pytest.mark.usefixtures("data_dir")


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_register_find_show_restrict_and_shred_a_subject() -> None:
    fake = Faker("en_GB")
    fake.seed_instance(7)
    email = fake.email()
    subject_id = invoke("subjects", "create", "--kind", "end_user", "--email", email).strip()
    assert email not in subject_id
    found = invoke("subjects", "find", "--email", email.upper(), "--purpose", "correspondence")
    assert found.startswith(subject_id)
    shown = invoke("subjects", "show", subject_id, "--purpose", "correspondence")
    assert f"email\t{email.lower()}" in shown

    restricted = invoke("restrictions", "apply", subject_id, "--ground", "accuracy_contested")
    assert "applied" in restricted
    refused = runner.invoke(app, ["subjects", "show", subject_id, "--purpose", "correspondence"])
    assert refused.exit_code == 1
    assert "processing_restricted" in refused.output
    assert email.lower() not in refused.output
    assert email.lower() in invoke("subjects", "show", subject_id, "--purpose", "legal_claims")

    shredded = invoke("subjects", "shred", subject_id, "--reason", "erasure_request", "--yes")
    assert "key destroyed=True" in shredded
    missing = runner.invoke(
        app, ["subjects", "find", "--email", email, "--purpose", "correspondence"]
    )
    assert missing.exit_code == 3


def test_a_role_without_the_action_is_refused_at_the_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    subject_id = invoke(
        "subjects", "create", "--kind", "end_user", "--email", "a@example.org"
    ).strip()
    monkeypatch.setenv("DATAWARD_ACTOR_ROLE", "support")
    result = runner.invoke(
        app, ["restrictions", "apply", subject_id, "--ground", "accuracy_contested"]
    )
    assert result.exit_code == 1
    assert "not allowed to manage restrictions" in result.output


def test_consent_given_and_withdrawn() -> None:
    subject_id = invoke(
        "subjects", "create", "--kind", "end_user", "--email", "b@example.org"
    ).strip()
    invoke(
        "consents",
        "give",
        subject_id,
        "--purpose",
        "direct_marketing",
        "--channel",
        "email",
        "--method",
        "web_form",
        "--notice-version",
        "2026.1",
    )
    assert "direct_marketing\temail\tgiven" in invoke("consents", "show", subject_id)
    invoke(
        "consents",
        "withdraw",
        subject_id,
        "--purpose",
        "direct_marketing",
        "--method",
        "email_link",
        "--notice-version",
        "2026.1",
    )
    assert "direct_marketing\temail\twithdrawn" in invoke("consents", "show", subject_id)


def test_the_sweep_finds_nothing_left_after_a_clean_shred() -> None:
    subject_id = invoke("subjects", "create", "--kind", "end_user", "--email", "c@example.org")
    invoke("subjects", "shred", subject_id.strip(), "--reason", "erasure_request", "--yes")
    assert "0 left-over key(s) destroyed" in invoke("keys", "sweep")
