"""Litigation holds through the API, as the DCO and tenant administrators use them, and as
other roles and other tenants are refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from faker import Faker

from dataward.domain.clock import FixedClock
from tests.e2e.conftest import Api
from tests.e2e.test_api_subjects import a_caller, an_end_user, assert_error


def _place(api: Api, who: str, subject_id: str, **extra: Any) -> Any:
    body = {
        "subject_id": subject_id,
        "ground": "legal_claims",
        "review_on": "2026-12-31",
        "reason": "Claim 2026-117: invoice dispute",
        **extra,
    }
    return api.client.post("/api/v1/holds", json=body, headers=api.as_(who))


def test_a_hold_keeps_a_subject_from_deletion_until_it_is_lifted(api: Api, fake: Faker) -> None:
    subject_id, _ = an_end_user(api, fake)
    placed = _place(api, "dco", subject_id)
    assert placed.status_code == 201, placed.text
    hold = placed.json()
    assert "reason" not in hold
    assert (hold["ground"], hold["review_on"], hold["flag"]) == ("legal_claims", "2026-12-31", None)

    deleted = api.client.delete(
        f"/api/v1/subjects/{subject_id}",
        params={"reason": "erasure_request"},
        headers=api.as_("dco"),
    )
    message = assert_error(deleted, 409, "subject_held")["error"]["message"]
    assert f"hold {hold['id']}, legal_claims, review by 2026-12-31" in message
    assert "invoice dispute" not in message

    listed = api.client.get("/api/v1/holds", headers=api.as_("dco")).json()
    assert [h["id"] for h in listed] == [hold["id"]]
    shown = api.client.get(f"/api/v1/holds/{hold['id']}", headers=api.as_("dco")).json()
    assert shown["reason"] == "Claim 2026-117: invoice dispute"
    lifted = api.client.post(f"/api/v1/holds/{hold['id']}/lift", headers=api.as_("dco"))
    assert lifted.status_code == 200, lifted.text
    assert lifted.json()["lifted_by"] == "dco"
    again = api.client.post(f"/api/v1/holds/{hold['id']}/lift", headers=api.as_("dco"))
    assert_error(again, 409, "hold_refused")

    deleted = api.client.delete(
        f"/api/v1/subjects/{subject_id}",
        params={"reason": "erasure_request"},
        headers=api.as_("dco"),
    )
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["removed"]["litigation_holds"] == 1


def test_a_review_past_its_date_is_flagged_and_moved(
    api: Api, fake: Faker, clock: FixedClock
) -> None:
    subject_id, _ = an_end_user(api, fake)
    hold = _place(api, "dco", subject_id, review_on="2026-11-26").json()
    clock.advance(timedelta(days=2))
    (listed,) = api.client.get("/api/v1/holds", headers=api.as_("dco")).json()
    assert listed["flag"] == "review_overdue"
    moved = api.client.put(
        f"/api/v1/holds/{hold['id']}/review",
        json={"review_on": "2027-05-27"},
        headers=api.as_("dco"),
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["review_on"], moved.json()["flag"]) == ("2027-05-27", None)
    today = api.client.put(
        f"/api/v1/holds/{hold['id']}/review",
        json={"review_on": "2026-11-27"},
        headers=api.as_("dco"),
    )
    assert_error(today, 422, "out_of_range")


@pytest.mark.parametrize("who", ["operator", "support", "marketing", "auditor"])
def test_roles_without_manage_holds_are_refused(api: Api, fake: Faker, who: str) -> None:
    subject_id, _ = an_end_user(api, fake)
    hold = _place(api, "dco", subject_id).json()
    assert_error(_place(api, who, subject_id), 403, "action_not_allowed")
    assert_error(api.client.get("/api/v1/holds", headers=api.as_(who)), 403, "action_not_allowed")
    lift = api.client.post(f"/api/v1/holds/{hold['id']}/lift", headers=api.as_(who))
    assert_error(lift, 403, "action_not_allowed")
    assert api.client.get("/api/v1/holds", headers=api.as_("dco")).json()[0]["lifted_at"] is None


def test_tenant_administrators_hold_their_own_callers_only(api: Api, fake: Faker) -> None:
    caller_a = a_caller(api, fake, "admin_a", "tenant-a")
    caller_b = a_caller(api, fake, "admin_b", "tenant-b")
    ours, _ = an_end_user(api, fake)
    held_a = _place(api, "admin_a", caller_a)
    assert held_a.status_code == 201, held_a.text
    held_b = _place(api, "admin_b", caller_b).json()

    for subject_id in (caller_b, ours):
        body = assert_error(_place(api, "admin_a", subject_id), 404, "not_found")
        assert body["error"]["message"] == "no such subject"
    for path in (f"/api/v1/holds/{held_b['id']}", f"/api/v1/holds/{held_b['id']}/lift"):
        method = api.client.get if path.endswith(held_b["id"]) else api.client.post
        assert_error(method(path, headers=api.as_("admin_a")), 404, "not_found")
    listed = api.client.get("/api/v1/holds", headers=api.as_("admin_a")).json()
    assert [h["id"] for h in listed] == [held_a.json()["id"]]
    every = api.client.get("/api/v1/holds", headers=api.as_("dco")).json()
    assert {h["subject_id"] for h in every} == {caller_a, caller_b}


def test_our_staff_hold_a_tenants_caller_only_as_the_law_requires(api: Api, fake: Faker) -> None:
    """The DCO holding a customer's caller for a claim is the customer's decision (403); for
    a regulator's investigation it is ours, shown as ours, and the customer cannot lift it."""
    caller = a_caller(api, fake, "admin_a", "tenant-a")
    refused = _place(api, "dco", caller)
    assert_error(refused, 403, "controller_instruction_required")
    ours = _place(api, "dco", caller, ground="regulatory_investigation")
    assert ours.status_code == 201, ours.text
    assert ours.json()["ours"] is True
    lift = api.client.post(f"/api/v1/holds/{ours.json()['id']}/lift", headers=api.as_("admin_a"))
    assert_error(lift, 403, "controller_instruction_required")
    theirs = _place(api, "admin_a", caller).json()
    assert theirs["ours"] is False


def test_a_hold_body_is_checked_at_the_edge(api: Api, fake: Faker) -> None:
    subject_id, _ = an_end_user(api, fake)
    long_reason = _place(api, "dco", subject_id, reason="x" * 1001)
    body = assert_error(long_reason, 422, "invalid_request")
    assert "xxxx" not in str(body)
    assert_error(_place(api, "dco", subject_id, ground="lawsuit"), 422, "invalid_request")
    assert_error(_place(api, "dco", subject_id, review_on="2026-11-25"), 422, "out_of_range")
    assert_error(_place(api, "dco", subject_id, extra_field=1), 422, "invalid_request")
