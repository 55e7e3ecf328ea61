"""The public request form and the one-time code, as a person without a staff token uses
them: the form's request reaches the DCO's queue with its acknowledgement queued."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from faker import Faker
from sqlalchemy import select

from dataward.adapters.sql.rights.requests import outbox
from dataward.domain.clock import FixedClock
from tests.e2e.conftest import Api


def test_the_form_is_served_and_a_request_sent_through_it_is_recorded(
    api: Api, fake: Faker
) -> None:
    page = api.client.get("/requests/new")
    assert page.status_code == 200
    assert '<form method="post" action="/requests/new">' in page.text
    assert "https://ico.org.uk/make-a-complaint/" in page.text
    email = fake.email()
    sent = api.client.post(
        "/requests/new",
        content=f"type=erasure&name=A+Person&email={email}".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert sent.status_code == 201, sent.text
    reference = re.search(r"reference is <strong>([0-9a-f-]{36})</strong>", sent.text)
    assert reference is not None
    assert email not in sent.text
    queue = api.client.get("/api/v1/requests", headers=api.as_("dco")).json()
    (mine,) = [r for r in queue if r["id"] == reference.group(1)]
    assert (mine["type"], mine["channel"], mine["state"]) == ("erasure", "portal", "received")
    with api.container.engine.connect() as connection:
        letters = connection.execute(select(outbox.c.letter)).scalars().all()
    assert letters == ["acknowledgement"]


def test_bad_input_is_named_on_the_page_without_echoing_it(api: Api) -> None:
    bad = api.client.post(
        "/requests/new",
        content=b"type=access&email=not-an-address-07700900123",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert bad.status_code == 422
    assert "does not look right" in bad.text
    assert "07700900123" not in bad.text
    no_type = api.client.post(
        "/requests/new",
        content=b"email=a%40b.org",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert no_type.status_code == 422


def test_a_code_for_a_request_that_has_none_is_not_found(api: Api) -> None:
    missing = api.client.post(
        "/api/v1/public/requests/00000000-0000-4000-8000-000000000000/verify",
        json={"code": "123456"},
    )
    assert missing.status_code == 404


def test_a_request_is_matched_to_our_subject_by_its_address(api: Api, fake: Faker) -> None:
    email = fake.email()
    subject_id = api.create(
        "dco", {"kind": "end_user", "identifiers": [{"type": "email", "value": email}]}
    )
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for address in (email.upper(), fake.email()):
        sent = api.client.post(
            "/requests/new", content=f"type=access&email={address}".encode(), headers=form
        )
        assert sent.status_code == 201, sent.text
    queue = api.client.get("/api/v1/requests", headers=api.as_("dco")).json()
    assert sorted(str(r["subject_id"]) for r in queue) == sorted([subject_id, "None"])
    again = api.client.post(
        "/requests/new", content=f"type=access&email={email}".encode(), headers=form
    )
    assert again.status_code == 201
    flagged = [
        r for r in api.client.get("/api/v1/requests", headers=api.as_("dco")).json() if r["flag"]
    ]
    assert len(flagged) == 1
    assert flagged[0]["subject_id"] == subject_id


def test_one_connection_may_send_only_so_many_forms_an_hour(api: Api, fake: Faker) -> None:
    limit = api.container.settings.public_form_per_hour

    def send() -> object:
        return api.client.post(
            "/requests/new",
            content=f"type=access&email={fake.email()}".encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    assert [send().status_code for _ in range(limit)] == [201] * limit  # type: ignore[attr-defined]
    refused = send()
    assert refused.status_code == 429  # type: ignore[attr-defined]
    assert 0 < int(refused.headers["Retry-After"]) <= 3600  # type: ignore[attr-defined]
    assert "Too many requests" in refused.text  # type: ignore[attr-defined]
    queue = api.client.get("/api/v1/requests", headers=api.as_("dco")).json()
    assert len(queue) == limit  # the refused one left nothing behind


def test_the_form_carries_a_restrictions_ground_and_a_representative(api: Api, fake: Faker) -> None:
    page = api.client.get("/requests/new").text
    assert 'value="accuracy_contested"' in page
    assert 'value="legitimate_interests:debt_recovery"' in page
    sent = api.client.post(
        "/requests/new",
        content=(
            f"type=restriction&ground=accuracy_contested&objection=direct_marketing"
            f"&representative=yes&email={fake.email()}"
        ).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert sent.status_code == 201, sent.text
    (mine,) = api.client.get("/api/v1/requests", headers=api.as_("dco")).json()
    assert (mine["scope"], mine["representative"]) == ("accuracy_contested", True)
    no_ground = api.client.post(
        "/requests/new",
        content=f"type=restriction&email={fake.email()}".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert no_ground.status_code == 422
    assert "Choose why its use should be restricted" in no_ground.text


@pytest.mark.parametrize(
    ("sent_at", "received"),
    [
        (datetime(2027, 3, 27, 23, 30, tzinfo=UTC), date(2027, 3, 27)),  # GMT, the eve of BST
        (datetime(2027, 3, 28, 0, 30, tzinfo=UTC), date(2027, 3, 28)),  # 00:30 GMT, then BST
        (datetime(2027, 3, 28, 23, 30, tzinfo=UTC), date(2027, 3, 29)),  # 00:30 BST
        (datetime(2027, 7, 14, 23, 30, tzinfo=UTC), date(2027, 7, 15)),  # summer: 00:30 BST
        (datetime(2027, 10, 30, 23, 30, tzinfo=UTC), date(2027, 10, 31)),  # the last BST night
        (datetime(2027, 10, 31, 23, 30, tzinfo=UTC), date(2027, 10, 31)),  # GMT again
    ],
)
def test_the_form_dates_a_request_by_the_uk_calendar(
    api: Api, clock: FixedClock, fake: Faker, sent_at: datetime, received: date
) -> None:
    clock.current = sent_at
    sent = api.client.post(
        "/requests/new",
        content=f"type=access&email={fake.email()}".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert sent.status_code == 201, sent.text
    (request,) = api.client.get("/api/v1/requests", headers=api.as_("dco")).json()
    assert request["received"] == received.isoformat()
