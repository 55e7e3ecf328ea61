"""The console's request queue and a request's forms, without a browser: the filters keep
what they name, every form of a request's page moves it as the API's same call would, and a
subject's page lists what stands against it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from faker import Faker

from dataward.domain.requests.workflow import RequestType
from tests.e2e.request_console import Console, Signed, served_console
from tests.support.console_data import a_request, as_dco


@pytest.fixture
def console(tmp_path: Path) -> Iterator[Console]:
    yield from served_console(tmp_path)


def test_the_queues_filters_keep_what_they_name(console: Console) -> None:
    container = console.container
    ours = a_request(container, RequestType.ACCESS)
    late = a_request(container, RequestType.ERASURE, days_ago=70)
    in_a = a_request(container, tenant_id="tenant-a")
    in_b = a_request(container, tenant_id="tenant-b")
    everyone = {v.request.id for v in (ours, late, in_a, in_b)}
    dco = console.as_("dco")

    def shown(**query: str) -> set[object]:
        page = dco.client.get("/console/requests", params=query)
        assert page.status_code == 200
        return {i for i in everyone if f"/console/requests/{i}" in page.text}

    assert shown() == everyone
    assert shown(type="access") == {ours.request.id}
    assert shown(due="overdue") == {late.request.id}
    assert shown(tenant="tenant-b") == {in_b.request.id}
    assert shown(state="closed") == set()
    admin = console.as_("admin_a").client.get("/console/requests", params={"tenant": "tenant-b"})
    assert str(in_b.request.id) not in admin.text
    assert 'id="f-tenant"' not in admin.text


def test_a_subjects_page_lists_its_consents_restrictions_objections_and_holds(
    console: Console, fake: Faker
) -> None:
    from datetime import timedelta

    from dataward.domain.processing.consent import ConsentMethod
    from dataward.domain.processing.litigation_holds import HoldGround
    from dataward.domain.processing.restrictions import ObjectionKind, RestrictionGround
    from dataward.services.processing.consent import GiveConsent, record_consent
    from dataward.services.processing.holds import PlaceHold, place_hold
    from dataward.services.processing.objections import RecordObjection, record_objection
    from dataward.services.processing.restrictions import ApplyRestriction, apply_restriction
    from dataward.services.subjects.registry import NewSubject, create_subject

    ctx = as_dco(console.container)
    subject = create_subject(
        ctx, NewSubject(kind="marketing_contact", identifiers=[("email", fake.email())])
    ).id
    record_consent(
        ctx,
        GiveConsent(
            subject, "direct_marketing", "email", ConsentMethod.WEB_FORM, "2026.1", "form-1"
        ),
    )
    apply_restriction(ctx, ApplyRestriction(subject, RestrictionGround.ACCURACY_CONTESTED))
    record_objection(ctx, RecordObjection(subject, ObjectionKind.DIRECT_MARKETING))
    review = console.container.clock.now().date() + timedelta(days=90)
    place_hold(ctx, PlaceHold(subject, HoldGround.LEGAL_CLAIMS, review, "a claim is expected"))
    page = console.as_("dco").client.get(
        f"/console/subjects/{subject}?purpose=rights_and_complaints"
    )
    assert page.status_code == 200
    text = page.text
    assert "<td>direct marketing</td><td>email</td>" in text  # the consent's row
    for shown in ("<td>accuracy contested</td>", "<td>legal claims</td>", "<td>upheld</td>"):
        assert shown in text, shown
    assert "a claim is expected" not in text  # a hold's reason stays sealed


def _walk(dco: Signed, request_id: object, steps: list[tuple[str, dict[str, str], str]]) -> None:
    """Send each form in turn: each is taken, and the page then shows the state it led to."""
    for action, form, state in steps:
        sent = dco.post(f"/console/requests/{request_id}/{action}", form)
        assert sent.status_code == 303, (action, sent.text)
        page = dco.client.get(sent.headers["location"])
        assert page.status_code == 200
        assert f"<dt>State</dt><dd>{state}" in page.text, action


def test_every_form_of_a_requests_page_moves_it_as_the_api_would(console: Console) -> None:
    dco = console.as_("dco")
    access = a_request(console.container, RequestType.ACCESS)
    reason = {"reason": "many overlapping requests in a month"}
    _walk(
        dco,
        access.request.id,
        [
            (
                "ask-fee",
                {"ground": "manifestly_excessive", "amount": "12.50", **reason},
                "awaiting fee",
            ),
            ("fee-paid", {"on": ""}, "received"),
            ("ask-identity", {}, "awaiting identity"),
            ("send-code", {}, "awaiting identity"),
            ("verify-identity", {"reason": "a one-time code"}, "received"),
            ("start", {}, "in progress"),
            ("clarify", {"reason": "which years of records"}, "awaiting clarification"),
            ("clarified", {}, "in progress"),
            ("extend", {"reason": "many records on paper"}, "extended"),
            ("refuse", {"ground": "manifestly_excessive", **reason}, "refused"),
        ],
    )
    page = dco.client.get(f"/console/requests/{access.request.id}").text
    assert "£12.50" in page
    complaint = a_request(console.container, RequestType.COMPLAINT)
    found = {"found": "the letter was late", "done": "the process changed"}
    _walk(
        dco,
        complaint.request.id,
        [("start", {}, "in progress"), ("complete", found, "completed")],
    )
    assert "the process changed" in dco.client.get(f"/console/requests/{complaint.request.id}").text
    theirs = a_request(console.container, tenant_id="tenant-a")
    _walk(dco, theirs.request.id, [("forward", {}, "forwarded to controller")])
    recorded = dco.post(
        "/console/requests/new",
        {"type": "erasure", "channel": "post", "received": "", "representative": "yes"},
    )
    assert recorded.status_code == 303
    made = recorded.headers["location"].split("/")[-1].split("?")[0]
    _walk(dco, made, [("authority", {"ground": "power_of_attorney", "on": ""}, "received")])
    _walk(dco, made, [("withdraw", {"reason": "by telephone"}, "withdrawn")])
