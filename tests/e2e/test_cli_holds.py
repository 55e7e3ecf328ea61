"""Litigation holds from the command line, as the DCO places, reviews and lifts them, and as a
role without the action, or a wrong ground or date, is refused: never with a traceback."""

from __future__ import annotations

from datetime import timedelta

import pytest
from faker import Faker

from dataward.domain.clock import FixedClock
from tests.builders import EVIDENCE
from tests.support.cli_calls import a_customer, invoke, refused

pytestmark = pytest.mark.usefixtures("data_dir")


def test_a_hold_keeps_a_subject_from_shredding_until_it_is_lifted(
    fake: Faker, clock: FixedClock
) -> None:
    subject_id = a_customer(fake)
    reason = f"Claim by {fake.name()}, invoice 4471"
    hold_id = invoke(
        "holds",
        "place",
        "--subject",
        subject_id,
        "--ground",
        "legal_claims",
        "--review",
        "2026-12-31",
        "--reason",
        reason,
    ).strip()

    shred = ("subjects", "shred", subject_id, "--reason", "erasure_request", "--yes")
    output = refused(*shred, code=1)
    assert f"hold {hold_id}, legal_claims, review by 2026-12-31" in output
    assert reason not in output

    listed = invoke("holds", "list")
    assert listed == (f"{hold_id}\t{subject_id}\t-\tlegal_claims\treview 2026-12-31\tactive\n")
    assert reason not in listed
    shown = invoke("holds", "show", hold_id)
    assert f"reason: {reason}" in shown

    clock.advance(timedelta(days=37))  # 1 January 2027: the review date has passed
    assert invoke("holds", "list").endswith("\tactive\tREVIEW OVERDUE\n")
    assert "next review 2027-03-31" in invoke("holds", "review", hold_id, "--next", "2027-03-31")
    assert invoke("holds", "list").endswith("\treview 2027-03-31\tactive\n")

    assert f"hold {hold_id} lifted" in invoke("holds", "lift", hold_id)
    assert invoke("holds", "list") == ""
    assert "lifted 2027-01-01" in invoke("holds", "list", "--lifted")
    shredded = invoke(*shred)
    assert "litigation_holds 1" in shredded


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--ground", "lawsuit", "--review", "2026-12-31"), "one of legal_claims, tax_enquiry"),
        (
            ("--ground", "legal_claims", "--review", "2026-11-25"),
            "review_on: a date after today (2026-11-25)",
        ),
        (("--ground", "legal_claims", "--review", "25/12/2026"), "a date (YYYY-MM-DD)"),
    ],
)
def test_a_wrong_hold_is_a_clear_error(fake: Faker, args: tuple[str, ...], says: str) -> None:
    subject_id = a_customer(fake)
    output = refused(
        "holds", "place", "--subject", subject_id, *args, "--reason", "a claim", code=2
    )
    assert says in output


@pytest.mark.parametrize("role", ["operator", "support", "marketing", "auditor"])
def test_a_role_without_manage_holds_is_refused(
    fake: Faker, monkeypatch: pytest.MonkeyPatch, role: str
) -> None:
    subject_id = a_customer(fake)
    hold_id = invoke(
        "holds",
        "place",
        "--subject",
        subject_id,
        "--ground",
        "legal_claims",
        "--review",
        "2026-12-31",
        "--reason",
        "a claim",
    ).strip()
    monkeypatch.setenv("DATAWARD_ACTOR_ROLE", role)
    for args in (
        (
            "holds",
            "place",
            "--subject",
            subject_id,
            "--ground",
            "legal_claims",
            "--review",
            "2026-12-31",
            "--reason",
            "another claim",
        ),
        ("holds", "list"),
        ("holds", "lift", hold_id),
    ):
        assert "not allowed to manage holds" in refused(*args, code=1)


def test_an_erasure_request_for_a_held_subject_is_answered_and_carried_out_once_lifted(
    fake: Faker,
) -> None:
    email = fake.email()
    subject_id = invoke("subjects", "create", "--kind", "end_user", "--email", email).strip()
    reason = f"Claim by {fake.name()}, invoice 4471"
    hold_id = invoke(
        "holds",
        "place",
        "--subject",
        subject_id,
        "--ground",
        "legal_claims",
        "--review",
        "2026-12-31",
        "--reason",
        reason,
    ).strip()
    created = invoke(
        "requests",
        "create",
        "--type",
        "erasure",
        "--received",
        "2026-11-25",
        "--subject",
        subject_id,
        "--email",
        email,
    )
    request_id = created.split("\t")[0]
    for event in ("ask_identity", "identity_verified", "start"):
        why = EVIDENCE.get(event)
        invoke("requests", "advance", request_id, event, *(("--reason", why) if why else ()))

    done = invoke("requests", "fulfil", request_id)

    assert done.startswith("partially_completed\terasure")
    assert "until the hold is lifted; next reviewed by 31 December 2026" in done
    assert "UK GDPR Art. 17(3)(e)" in done
    assert reason not in done
    assert email not in done
    shred = ("subjects", "shred", subject_id, "--reason", "erasure_request", "--yes")
    assert f"hold {hold_id}, legal_claims" in refused(*shred, code=1)
    assert "1 held erasure(s) due but kept by a litigation hold" in invoke("keys", "sweep")

    invoke("holds", "lift", hold_id)
    assert "1 held erasure(s) finished" in invoke("keys", "sweep")
    assert "key destroyed=False; calls 0" in invoke(*shred)  # nothing left: the sweep erased it
    assert "no such subject" in refused(
        "subjects", "find", "--purpose", "rights_and_complaints", "--email", email, code=3
    )
