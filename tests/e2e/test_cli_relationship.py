"""The end of a customer relationship and the last transaction recorded from the command line
for a subject that exists; a wrong date is a clear error, never a traceback."""

from __future__ import annotations

import json

import pytest
from faker import Faker

from dataward.entrypoints.cli.main import app
from tests.support.cli_calls import a_customer, invoke, refused, runner

pytestmark = pytest.mark.usefixtures("data_dir")


def test_the_end_of_a_relationship_is_recorded_for_an_existing_subject(fake: Faker) -> None:
    subject_id = a_customer(fake)
    out = invoke(
        "subjects",
        "relationship",
        subject_id,
        "--ended",
        "2026-10-31",
        "--last-transaction",
        "2026-09-30",
    )
    assert out == f"{subject_id}\trelationship ended 2026-10-31\tlast transaction 2026-09-30\n"
    out = invoke("subjects", "relationship", subject_id, "--ended", "2026-11-25")
    assert out.endswith("relationship ended 2026-11-25\tlast transaction 2026-09-30\n")


@pytest.mark.parametrize(
    ("args", "says", "code"),
    [
        (("--ended", "2026-11-26"), "ended: a date no later than today (2026-11-25)", 2),
        (
            ("--ended", "2026-10-31", "--last-transaction", "2026-11-01"),
            "last_transaction: a date no later than the end (2026-10-31)",
            2,
        ),
        (("--ended", "2026-02-30"), "a date (YYYY-MM-DD) from 1900-01-01 to 2999-12-31", 2),
        (("--ended", "yesterday"), "a date (YYYY-MM-DD) from 1900-01-01 to 2999-12-31", 2),
    ],
)
def test_a_wrong_relationship_date_is_a_clear_error(
    fake: Faker, args: tuple[str, ...], says: str, code: int
) -> None:
    subject_id = a_customer(fake)
    output = refused("subjects", "relationship", subject_id, *args, code=code)
    assert says in output
    assert "yesterday" not in output


def test_an_unknown_subject_is_not_found(fake: Faker) -> None:
    a_customer(fake)
    output = refused(
        "subjects",
        "relationship",
        "2f1c8a4e-0b7d-4d0e-9a51-6f3c2b1d9e07",
        "--ended",
        "2026-10-31",
        code=3,
    )
    assert "no such subject" in output


@pytest.mark.parametrize("role", ["operator", "marketing"])
def test_roles_that_register_subjects_may_not_move_their_retention_dates(
    fake: Faker, monkeypatch: pytest.MonkeyPatch, role: str
) -> None:
    """The dates decide how long tax records are kept: `manage_holds` (the DCO), not
    `register_subjects`, which operators and marketing staff have."""
    subject_id = a_customer(fake)
    monkeypatch.setenv("DATAWARD_ACTOR", f"someone-{role}")
    monkeypatch.setenv("DATAWARD_ACTOR_ROLE", role)
    result = runner.invoke(
        app,
        [
            "subjects",
            "relationship",
            subject_id,
            "--ended",
            "2019-01-31",
            "--last-transaction",
            "2019-01-15",
        ],
    )
    assert result.exit_code == 1, result.output
    assert "not allowed to manage holds" in result.stderr
    assert "Traceback" not in result.output
    monkeypatch.setenv("DATAWARD_ACTOR", "dco-on-duty")
    monkeypatch.setenv("DATAWARD_ACTOR_ROLE", "dco")
    out = invoke(
        "subjects",
        "relationship",
        subject_id,
        "--ended",
        "2026-10-31",
        "--last-transaction",
        "2026-09-30",
    )
    assert out.endswith("relationship ended 2026-10-31\tlast transaction 2026-09-30\n")
    assert "relationship_recorded" not in _audited_before_last(subject_id)


def _audited_before_last(subject_id: str) -> str:
    """The subject's audit actions, but for the last (the DCO's recording)."""
    lines = [json.loads(line) for line in invoke("audit", "export").splitlines()]
    actions = [e["action"] for e in lines if e.get("subject_ref") == subject_id]
    assert actions[-1] == "relationship_recorded"
    return " ".join(actions[:-1])
