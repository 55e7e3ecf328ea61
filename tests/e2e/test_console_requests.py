"""The console's request and subject pages, without a browser: a role's missing action is the
page's 403 as it is the API's, a form without the session's CSRF token changes nothing,
another tenant's request or subject is the same 404 as none, and hostile values in a query or
a form give a page in fixed words, never a 5xx nor the value echoed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from faker import Faker

from dataward.domain.audit import AuditAction
from dataward.domain.requests.workflow import RequestState, RequestType
from dataward.entrypoints.views.request_page import ACTIONS
from tests.e2e.request_console import HOSTILE, Console, served_console, state_of
from tests.support.console_data import a_caller, a_request, an_end_user, as_dco


@pytest.fixture
def console(tmp_path: Path) -> Iterator[Console]:
    yield from served_console(tmp_path)


@pytest.mark.parametrize("role", ["operator", "support", "marketing", "auditor"])
def test_a_role_without_requests_is_refused_every_page_and_action(
    console: Console, role: str
) -> None:
    view = a_request(console.container)
    signed = console.as_(role)
    base = f"/console/requests/{view.request.id}"
    assert signed.client.get("/console/requests").status_code == 403
    assert signed.client.get("/console/requests", params={"due": HOSTILE}).status_code == 403
    assert signed.client.get("/console/requests/new").status_code == 403
    page = signed.client.get(base)
    assert page.status_code == 403
    assert "Your role does not have this action." in page.text
    for action in [a.slug for a in ACTIONS] + ["send-code"]:
        answer = signed.post(f"{base}/{action}", {"reason": "because", "kind": "erase"})
        assert answer.status_code == 403, action
    recorded = signed.post("/console/requests/new", {"type": "access", "channel": "email"})
    assert recorded.status_code == 403
    assert state_of(console, view.request.id) is RequestState.RECEIVED


def test_a_form_without_the_sessions_token_changes_nothing(console: Console, fake: Faker) -> None:
    view = a_request(console.container)
    dco = console.as_("dco")
    path = f"/console/requests/{view.request.id}/ask-identity"
    for token in ("", "not-the-token", dco.csrf[:-1]):
        answer = dco.post(path, {}, csrf=token)
        assert answer.status_code == 403
        assert "Form refused" in answer.text
    other_site = dco.client.post(
        path, data={"csrf": dco.csrf}, headers={"sec-fetch-site": "cross-site"}
    )
    assert other_site.status_code == 403
    assert state_of(console, view.request.id) is RequestState.RECEIVED
    intake = {"type": "access", "channel": "email", "received": ""}
    assert dco.post("/console/requests/new", intake, csrf="").status_code == 403
    lookup = {"purpose": "correspondence", "type": "email", "value": fake.email()}
    assert dco.post("/console/subjects/lookup", lookup, csrf="wrong").status_code == 403
    queue = dco.client.get("/console/requests").text
    assert queue.count('href="/console/requests/') - queue.count("/console/requests/new") == 1
    done = dco.post(path, {})
    assert done.status_code == 303
    assert state_of(console, view.request.id) is RequestState.AWAITING_IDENTITY


def test_another_tenants_request_and_subject_are_a_404_like_none(
    console: Console, fake: Faker
) -> None:
    caller = a_caller(console.container, fake, "tenant-a")
    view = a_request(console.container, tenant_id="tenant-a", subject_id=caller)
    own, other = console.as_("admin_a"), console.as_("admin_b")
    base = f"/console/requests/{view.request.id}"
    assert own.client.get(base).status_code == 200
    assert str(view.request.id) in own.client.get("/console/requests").text
    assert str(view.request.id) not in other.client.get("/console/requests").text
    nothing = other.client.get("/console/requests/00000000-0000-4000-8000-000000000000")
    theirs = other.client.get(base)
    assert theirs.status_code == nothing.status_code == 404
    assert theirs.text.replace(str(view.request.id), "") == nothing.text.replace(
        "00000000-0000-4000-8000-000000000000", ""
    )
    assert other.post(f"{base}/withdraw", {}).status_code == 404
    reading = f"/console/subjects/{caller}?purpose=telephony_reporting"
    assert other.client.get(reading).status_code == 404
    assert own.client.get(reading).status_code == 200
    assert state_of(console, view.request.id) is RequestState.RECEIVED


def test_a_look_up_of_another_tenants_caller_is_no_such_subject(
    console: Console, fake: Faker
) -> None:
    number = f"020 7946 0{fake.random_int(0, 999):03d}"
    from dataward.services.subjects.registry import NewSubject, create_subject

    create_subject(
        as_dco(console.container),
        NewSubject(kind="caller", identifiers=[("phone", number)], tenant_id="tenant-a"),
    )
    form = {"purpose": "telephony_reporting", "type": "phone", "value": number}
    found = console.as_("admin_a").post("/console/subjects/lookup", form)
    assert found.status_code == 303
    assert found.headers["location"].endswith("?purpose=telephony_reporting")
    subject = found.headers["location"].rsplit("/", 1)[1].split("?")[0]
    with console.container.uow(read_only=True) as uow:
        recorded = [e.action for e in uow.audit.entries_about(subject)]
    assert AuditAction.GATE_DECISION in recorded  # the look-up is on record
    theirs = console.as_("admin_b").post("/console/subjects/lookup", form)
    none = console.as_("admin_b").post(
        "/console/subjects/lookup", {**form, "value": "020 7946 0999"}
    )
    assert theirs.status_code == none.status_code == 404
    assert "No such subject" in theirs.text
    assert number not in theirs.text


def test_a_subjects_page_shows_what_the_role_keeps(console: Console, fake: Faker) -> None:
    subject = an_end_user(console.container, fake.email())
    view = a_request(console.container, RequestType.ACCESS, subject_id=subject)
    asks = console.as_("dco").client.get(f"/console/subjects/{subject}")
    assert asks.status_code == 200
    assert "Consents" not in asks.text  # nothing is read before a purpose is chosen
    assert 'name="purpose"' in asks.text
    page = console.as_("dco").client.get(
        f"/console/subjects/{subject}?purpose=rights_and_complaints"
    )
    assert page.status_code == 200
    with console.container.uow(read_only=True) as uow:
        reads = [
            (e.action, e.purpose, e.actor)
            for e in uow.audit.entries_about(str(subject))
            if e.action == AuditAction.SUBJECT_READ
        ]
    assert len(reads) == 1
    assert reads[0][1] == "rights_and_complaints"
    elsewhere = console.as_("dco").client.get(f"/console/subjects/{subject}?purpose=marketing_x")
    assert elsewhere.status_code == 403  # not a purpose of the role's
    for heading in ("Consents", "Restrictions", "Objections", "Litigation holds", "Disclosures"):
        assert heading in page.text
    assert f"/console/requests/{view.request.id}" in page.text
    operator = console.as_("operator").client.get(
        f"/console/subjects/{subject}?purpose=telephony_reporting"
    )
    assert operator.status_code == 200
    assert "Rights requests" not in operator.text  # not the operator's to see
    auditor = console.as_("auditor").client.get(f"/console/subjects/{subject}?purpose=x")
    assert auditor.status_code == 403
    lookup = console.as_("auditor").post(
        "/console/subjects/lookup",
        {"purpose": "correspondence", "type": "email", "value": fake.email()},
    )
    assert lookup.status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        {"state": HOSTILE},
        {"type": HOSTILE},
        {"due": HOSTILE},
        {"tenant": HOSTILE},
        {"state": "open\x00"},
        {"type": "access" * 1000},
    ],
)
def test_hostile_filters_are_refused_in_fixed_words(
    console: Console, query: dict[str, str]
) -> None:
    page = console.as_("dco").client.get("/console/requests", params=query)
    assert page.status_code == 422
    assert "<script>" not in page.text
    assert "pwned" not in page.text
    assert "access" * 3 not in page.text


@pytest.mark.parametrize(
    ("action", "form"),
    [
        ("ask-fee", {"ground": "manifestly_excessive", "amount": "١٢", "reason": "x"}),
        ("ask-fee", {"ground": HOSTILE, "amount": "12.50", "reason": "x"}),
        ("refuse", {"ground": HOSTILE, "reason": "x"}),
        ("verify-identity", {"reason": "seen", "on": "2026-13-45"}),
        ("verify-identity", {"reason": "seen", "on": "٢٠٢٦-01-01"}),
        ("verify-identity", {"reason": "seen", "on": "9999-01-01"}),
        ("instruct", {"kind": HOSTILE}),
        ("instruct", {"kind": "erase", "subject": HOSTILE}),
        ("extend", {"reason": HOSTILE * 100}),
        ("fulfil", {"kind": HOSTILE, "value": "x"}),
        (HOSTILE, {}),
    ],
)
def test_hostile_form_values_give_no_5xx_and_are_not_echoed(
    console: Console, action: str, form: dict[str, str]
) -> None:
    view = a_request(console.container)
    answer = console.as_("dco").post(f"/console/requests/{view.request.id}/{action}", form)
    assert 400 <= answer.status_code < 500
    assert "<script>" not in answer.text
    assert "١٢" not in answer.text
    assert state_of(console, view.request.id) is RequestState.RECEIVED


@pytest.mark.parametrize("request_id", [HOSTILE, "1", "x" * 5000, "00000000-0000-4000-8000"])
def test_a_hostile_request_id_is_a_404(console: Console, request_id: str) -> None:
    dco = console.as_("dco")
    for path in ("/console/requests/", "/console/subjects/"):
        page = dco.client.get(path + request_id)
        assert page.status_code in {404, 405}  # 405: a "/" in it made it another route's
        assert "pwned" not in page.text


def test_what_staff_wrote_is_shown_escaped(console: Console) -> None:
    view = a_request(console.container)
    dco = console.as_("dco")
    done = dco.post(f"/console/requests/{view.request.id}/withdraw", {"reason": HOSTILE})
    assert done.status_code == 303
    page = dco.client.get(f"/console/requests/{view.request.id}?done=moved")
    assert "&lt;script&gt;pwned(&#34;x&#34;)&lt;/script&gt;" in page.text
    assert "<script>" not in page.text
    assert "Done: the request moved on." in page.text
    hostile_flash = dco.client.get(f"/console/requests/{view.request.id}?done={HOSTILE}")
    assert hostile_flash.status_code == 200
    assert "pwned" not in hostile_flash.text.split("Timeline")[0]


def test_a_refused_form_shows_the_request_again_with_the_reason(console: Console) -> None:
    view = a_request(console.container)
    dco = console.as_("dco")
    form = {"ground": "manifestly_excessive", "amount": "12.50", "reason": ""}
    answer = dco.post(f"/console/requests/{view.request.id}/ask-fee", form)
    assert answer.status_code == 409
    assert "Not done: ask_fee needs its reasons" in answer.text
    assert str(view.request.id) in answer.text  # the request's own page, its forms with it
    assert 'action="/console/requests/' in answer.text
    assert state_of(console, view.request.id) is RequestState.RECEIVED
