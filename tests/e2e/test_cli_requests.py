"""`dataward requests` as the DCO records a request that came by post and works it."""

from __future__ import annotations

import pytest
from faker import Faker
from typer.testing import CliRunner

from dataward.entrypoints.cli.main import app
from tests.builders import EVIDENCE

runner = CliRunner()
pytestmark = pytest.mark.usefixtures("data_dir")


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_create_prints_the_due_date_then_the_request_is_worked_and_shown() -> None:
    created = invoke("requests", "create", "--type", "access", "--received", "2024-11-25")
    request_id, due = created.strip().split("\t")
    assert due == "due 2024-12-27 (Friday)"  # the ICO's example: 25 and 26 December
    assert "OVERDUE" in invoke("requests", "queue")
    assert invoke("requests", "advance", request_id, "start").startswith("in_progress")
    refused = runner.invoke(app, ["requests", "advance", request_id, "ask_fee"])
    assert refused.exit_code == 1
    assert "cannot ask_fee" in refused.output
    invoke("requests", "advance", request_id, "complete", "--reason", "sent by post")
    shown = invoke("requests", "show", request_id)
    assert "receive: received -> received" in shown
    assert "complete: in_progress -> completed" in shown
    assert "(sent by post)" in shown
    assert request_id not in invoke("requests", "queue")
    assert request_id in invoke("requests", "queue", "--all")


def test_bad_input_is_named() -> None:
    bad = runner.invoke(app, ["requests", "create", "--type", "acess", "--received", "2026-11-20"])
    assert bad.exit_code == 2
    future = runner.invoke(
        app, ["requests", "create", "--type", "access", "--received", "2099-01-01"]
    )
    assert future.exit_code == 1
    assert "future" in future.output


def _working(kind: str, subject: str, *extra: str) -> str:
    created = invoke(
        "requests",
        "create",
        "--type",
        kind,
        "--received",
        "2026-11-20",
        "--subject",
        subject,
        *extra,
    )
    request_id = created.split("\t")[0]
    for event in ("ask_identity", "identity_verified", "start"):
        why = EVIDENCE.get(event)
        invoke("requests", "advance", request_id, event, *(("--reason", why) if why else ()))
    return request_id


def test_each_right_is_carried_out_through_one_command(fake: Faker) -> None:
    email = fake.email()
    subject = invoke("subjects", "create", "--kind", "end_user", "--email", email).split()[0]
    corrected = fake.email()
    rectify = _working("rectification", subject)
    bad = runner.invoke(app, ["requests", "fulfil", rectify, "--set", "email"])
    assert bad.exit_code == 2
    done = invoke("requests", "fulfil", rectify, "--set", f"email={corrected}")
    assert done.startswith("completed\trectification")
    assert '"corrected": [\n    "email"\n  ]' in done
    assert email not in done
    assert corrected not in done
    restrict = _working("restriction", subject, "--scope", "needed_for_legal_claims")
    assert invoke("requests", "fulfil", restrict).startswith("completed\trestriction")
    erase = _working("erasure", subject)
    kept = runner.invoke(app, ["requests", "fulfil", erase])
    assert kept.exit_code == 1  # kept for the person's legal claim: erasure is refused
    assert "restrict" in kept.output
    complaint = invoke("requests", "create", "--type", "complaint", "--received", "2026-11-20")
    refused = runner.invoke(app, ["requests", "fulfil", complaint.split("\t")[0]])
    assert refused.exit_code == 1
    assert "complaint" in refused.output
    shown = invoke("requests", "show", rectify)
    assert '"corrected": ["email"]' in shown


def test_an_erasure_is_carried_out_and_its_outcome_shown(fake: Faker) -> None:
    subject = invoke(
        "subjects", "create", "--kind", "marketing_contact", "--email", fake.email()
    ).split()[0]
    erase = _working("erasure", subject)
    done = invoke("requests", "fulfil", erase)
    assert done.startswith("completed\terasure")
    assert '"key_destroyed": true' in done
    assert '"kept": null' in done
    assert '"outcome": ' in invoke("requests", "show", erase).replace("outcome: ", '"outcome": ')
