"""Data a contract requires, from the command line: `subjects create --purpose` refuses a subject
without it, and `subjects required` lists what a subject lacks and queues the letter asking for
it on the person's open request."""

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


def test_create_for_a_purpose_refuses_a_subject_without_the_data_it_requires() -> None:
    fake = Faker("en_GB")
    fake.seed_instance(15)
    email = fake.email()
    args = ["subjects", "create", "--kind", "end_user", "--email", email]
    refused = runner.invoke(app, [*args, "--purpose", "register_end_user"])
    assert refused.exit_code == 1
    assert "requires your first name and your last name (a contractual requirement)" in (
        refused.output
    )
    assert "without it the service cannot be provided" in refused.output
    assert email not in refused.output
    created = invoke(
        "subjects",
        "create",
        "--kind",
        "end_user",
        "--email",
        email,
        "--name",
        fake.name(),
        "--purpose",
        "register_end_user",
    ).strip()
    assert len(created) == 36
    unknown = runner.invoke(
        app, ["subjects", "create", "--kind", "end_user", "--email", email, "--purpose", "nope"]
    )
    assert unknown.exit_code == 2


def test_required_lists_what_is_missing_and_notify_queues_the_letter() -> None:
    fake = Faker("en_GB")
    fake.seed_instance(16)
    email = fake.email()
    subject_id = invoke("subjects", "create", "--kind", "end_user", "--email", email).strip()

    missing = runner.invoke(
        app, ["subjects", "required", subject_id, "--purpose", "order_delivery"]
    )
    assert missing.exit_code == 1
    assert missing.stdout.splitlines() == [
        f"{subject_id}\torder_delivery\tmissing identity.first_name",
        f"{subject_id}\torder_delivery\tmissing identity.last_name",
        f"{subject_id}\torder_delivery\tmissing contact.billing_address",
    ]
    assert "your billing address (a contractual requirement)" in missing.output

    no_request = runner.invoke(
        app, ["subjects", "required", subject_id, "--purpose", "order_delivery", "--notify"]
    )
    assert no_request.exit_code == 1
    assert "no rights request about the subject is open" in no_request.output
    created = invoke(
        "requests",
        "create",
        "--type",
        "rectification",
        "--received",
        "2026-11-20",
        "--subject",
        subject_id,
        "--email",
        email,
    )
    request_id = created.split()[0]
    notified = runner.invoke(
        app, ["subjects", "required", subject_id, "--purpose", "order_delivery", "--notify"]
    )
    assert notified.exit_code == 0, notified.output
    assert f"letter queued on request {request_id}" in notified.output
    shown = invoke("requests", "show", request_id)
    assert "required_data" in shown
    assert email not in notified.output


def test_a_subject_with_everything_can_be_served() -> None:
    fake = Faker("en_GB")
    fake.seed_instance(17)
    subject_id = invoke(
        "subjects", "create", "--kind", "end_user", "--email", fake.email(), "--name", fake.name()
    ).strip()
    served = invoke("subjects", "required", subject_id, "--purpose", "register_end_user")
    assert served == f"{subject_id}\tregister_end_user\tnothing missing\n"
