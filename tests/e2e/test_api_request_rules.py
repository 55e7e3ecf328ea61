"""Rights requests over the API meet the rules on fees, lateness and complaints, answering a
refusal in the one error shape. Today is Wednesday 25 November 2026 (the fixtures' clock)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from faker import Faker

from dataward.domain.clock import FixedClock
from tests.e2e.conftest import Api
from tests.e2e.test_api_subjects import an_end_user


def _create(api: Api, **body: object) -> str:
    created = api.client.post(
        "/api/v1/requests",
        json={"type": "access", "received": "2026-11-20", **body},
        headers=api.as_("dco"),
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def _event(api: Api, request_id: str, **body: object) -> Any:
    return api.client.post(
        f"/api/v1/requests/{request_id}/events", json=body, headers=api.as_("dco")
    )


def _shown(api: Api, request_id: str) -> Any:
    return api.client.get(f"/api/v1/requests/{request_id}", headers=api.as_("dco")).json()


def test_a_further_copy_fee_for_an_erasure_is_refused_in_the_one_error_shape(api: Api) -> None:
    erasure = _create(api, type="erasure")
    refused = _event(api, erasure, event="ask_fee", ground="further_copy", reason="again")
    assert refused.status_code == 422
    assert refused.json() == {
        "error": {
            "code": "fee_not_allowed",
            "message": "ground: further_copy is a fee ground for access requests only "
            "(Art. 15(3)); for an erasure request: manifestly_unfounded or manifestly_excessive",
            "details": [],
        }
    }
    assert _shown(api, erasure)["request"]["state"] == "received"


def test_a_fee_carries_its_amount_in_pence_within_the_registers_bounds(api: Api) -> None:
    access = _create(api)
    why = {"event": "ask_fee", "ground": "manifestly_excessive", "reason": "the fifth this month"}
    for bad, code in (
        (0, "invalid_request"),
        (1.5, "invalid_request"),
        (1250.0, "invalid_request"),  # whole pence as an integer, never a float
        ("1250", "invalid_request"),
        (10_001, "out_of_range"),
    ):
        refused = _event(api, access, **why, amount_pence=bad)
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["code"] == code
    start = _event(api, access, event="start", amount_pence=500)
    assert start.status_code == 409
    asked = _event(api, access, **why, amount_pence=1250)
    assert asked.status_code == 200, asked.text
    assert (asked.json()["fee_ground"], asked.json()["fee_pence"]) == ("manifestly_excessive", 1250)
    default = _create(api)
    assert _event(api, default, **why).json()["fee_pence"] == 2500


def test_a_further_copy_fee_needs_a_copy_supplied_before(api: Api, fake: Faker) -> None:
    subject_id, _ = an_end_user(api, fake)
    why = {"event": "ask_fee", "ground": "further_copy", "reason": "a second copy"}
    nobody = _create(api)  # names no subject: it cannot have had a copy before
    first = _create(api, subject_id=subject_id)
    for request_id, because in (
        (nobody, "the request names no subject, so no copy was supplied before"),
        (first, "no earlier access request of this subject was completed"),
    ):
        refused = _event(api, request_id, **why)
        assert refused.status_code == 422, refused.text
        assert refused.json() == {
            "error": {
                "code": "fee_not_allowed",
                "message": "ground: further_copy is for copies after the first (Art. 15(3)): "
                f"{because}; manifestly_unfounded or manifestly_excessive",
                "details": [],
            }
        }
        shown = _shown(api, request_id)
        assert (shown["request"]["state"], shown["request"]["fee_ground"]) == ("received", None)
    assert _event(api, first, event="start").status_code == 200
    assert _event(api, first, event="complete", reason="sent by e-mail").status_code == 200
    second = _create(api, subject_id=subject_id)
    asked = _event(api, second, **why)
    assert asked.status_code == 200, asked.text
    assert (asked.json()["state"], asked.json()["fee_ground"], asked.json()["fee_pence"]) == (
        "awaiting_fee",
        "further_copy",
        1000,
    )


def test_a_late_completion_shows_its_days_late_in_the_queue_and_the_timeline(api: Api) -> None:
    late = _create(api, received="2026-10-01")  # due Monday 2 November
    assert _event(api, late, event="start").status_code == 200
    done = _event(api, late, event="complete", reason="sent by e-mail").json()
    assert (done["state"], done["due"], done["days_late"]) == ("completed", "2026-11-02", 23)
    assert done["flag"] == "complete 23 days late"
    queue = api.client.get("/api/v1/requests?all=true", headers=api.as_("dco")).json()
    (row,) = [r for r in queue if r["id"] == late]
    assert row["days_late"] == 23
    timeline = _shown(api, late)["timeline"]
    assert [(t["event"], t["days_late"]) for t in timeline] == [
        ("receive", None),
        ("start", None),
        ("complete", 23),
    ]


def test_identity_asked_after_the_due_date_leaves_the_request_overdue(api: Api) -> None:
    late = _create(api, received="2026-10-01")
    asked = _event(api, late, event="ask_identity").json()
    assert (asked["due"], asked["fixed_due"], asked["urgency"]) == (
        "2026-11-02",
        "2026-11-02",
        "overdue",
    )
    assert asked["flag"].splitlines()[0] == (
        "identity asked after the due date 2026-11-02: the date stands, the request is overdue"
    )
    verified = _event(api, late, event="identity_verified", reason="passport seen").json()
    assert (verified["due"], verified["urgency"]) == ("2026-11-02", "overdue")


def test_an_answer_to_a_clarification_dated_before_the_question_is_refused(api: Api) -> None:
    access = _create(api)
    _event(api, access, event="start")
    _event(api, access, event="ask_clarification")
    refused = _event(api, access, event="clarified", on="2026-11-24")
    assert refused.status_code == 409
    assert refused.json()["error"] == {
        "code": "request_refused",
        "message": "on: no earlier than the day the question was asked (2026-11-25)",
        "details": [],
    }


def test_a_complaint_acknowledged_then_completed_with_its_outcome(
    api: Api, clock: FixedClock
) -> None:
    complaint = _create(api, type="complaint", contact_email="someone@example.org")
    clock.advance(timedelta(days=30))
    queued = api.client.get("/api/v1/requests", headers=api.as_("dco")).json()
    (row,) = [r for r in queued if r["id"] == complaint]
    assert (row["due"], row["due_for"], row["urgency"]) == ("2027-01-14", "outcome_target", None)
    _event(api, complaint, event="start")
    bare = _event(api, complaint, event="complete")
    assert bare.status_code == 409
    assert "completed with its outcome" in bare.json()["error"]["message"]
    misplaced = _event(api, complaint, event="withdraw", found="x", done="y")
    assert misplaced.status_code == 409
    outcome = {"found": "Recordings kept too long.", "done": "Deleted; the job is fixed."}
    done = _event(api, complaint, event="complete", **outcome)
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "completed"
    shown = _shown(api, complaint)
    assert shown["complaint_outcome"] == outcome
    assert [x["letter"] for x in shown["letters"]] == ["acknowledgement", "complaint_outcome"]
    assert _shown(api, _create(api))["complaint_outcome"] is None
