"""The console's request and subject pages, without a browser: a role's missing action is the
page's 403 as it is the API's, a form without the session's CSRF token changes nothing,
another tenant's request or subject is the same 404 as none, and hostile values in a query or
a form give a page in fixed words, never a 5xx nor the value echoed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from faker import Faker
from fastapi import FastAPI
from fastapi.testclient import TestClient

from dataward.bootstrap import Container, bootstrap
from dataward.config import Settings
from dataward.domain.clock import FixedClock
from dataward.domain.requests.workflow import RequestState, RequestType
from dataward.entrypoints.api.app import create_app
from dataward.entrypoints.api.console.web import SESSION_COOKIE
from dataward.entrypoints.views.request_page import ACTIONS
from dataward.installation import initialise
from dataward.services.organisation.accounts import (
    Credentials,
    NewAccount,
    create_account,
    login,
)
from dataward.services.rights.requests import request_timeline
from tests.support.console_data import a_caller, a_request, a_tenant, an_end_user, as_dco

PASSWORD = "a long enough test password"  # noqa: S105 - a test's own account
ROLES = {
    "dco": ("dco", None),
    "operator": ("operator", None),
    "support": ("support", None),
    "marketing": ("marketing", None),
    "auditor": ("auditor", None),
    "admin_a": ("tenant_admin", "tenant-a"),
    "admin_b": ("tenant_admin", "tenant-b"),
}
HOSTILE = '<script>pwned("x")</script>\'"&'


@dataclass
class Signed:
    client: TestClient
    csrf: str

    def post(self, path: str, data: dict[str, str], *, csrf: str | None = None) -> Any:
        fields = {**data, "csrf": self.csrf if csrf is None else csrf}
        return self.client.post(path, data=fields, follow_redirects=False)


@dataclass
class Console:
    container: Container
    app: FastAPI
    fake: Faker
    signed: dict[str, Signed]

    def as_(self, name: str) -> Signed:
        """A client signed in with a new account of the role named in `ROLES`."""
        if name not in self.signed:
            role, tenant = ROLES[name]
            email = self.fake.unique.company_email()
            account = NewAccount(email=email, role=role, tenant_id=tenant)
            container = self.container
            create_account(as_dco(container), account, container.passwords, PASSWORD)
            signed = login(
                container.uow(), container.clock, container.passwords, Credentials(email, PASSWORD)
            )
            client = TestClient(
                self.app, base_url="https://testserver", cookies={SESSION_COOKIE: signed.token}
            )
            self.signed[name] = Signed(client, signed.csrf_token)
        return self.signed[name]


@pytest.fixture
def console(tmp_path: Path, fake: Faker) -> Iterator[Console]:
    from tests.builders import NOW

    container = bootstrap(Settings(data_dir=tmp_path / "var"), clock=FixedClock(NOW))
    initialise(container)
    for tenant in ("tenant-a", "tenant-b"):
        a_tenant(container, fake, tenant)
    yield Console(container, create_app(container), fake, {})
    container.close()


@pytest.fixture
def fake() -> Faker:
    faker = Faker("en_GB")
    faker.seed_instance(31)
    return faker


def _state(console: Console, request_id: object) -> RequestState:
    view, _, _ = request_timeline(as_dco(console.container), str(request_id))
    return view.request.state


@pytest.mark.parametrize("role", ["operator", "support", "marketing", "auditor"])
def test_a_role_without_requests_is_refused_every_page_and_action(
    console: Console, role: str
) -> None:
    view = a_request(console.container)
    signed = console.as_(role)
    base = f"/console/requests/{view.request.id}"
    assert signed.client.get("/console/requests").status_code == 403
    assert signed.client.get("/console/requests/new").status_code == 403
    page = signed.client.get(base)
    assert page.status_code == 403
    assert "Your role does not have this action." in page.text
    for action in [a.slug for a in ACTIONS] + ["send-code"]:
        answer = signed.post(f"{base}/{action}", {"reason": "because", "kind": "erase"})
        assert answer.status_code == 403, action
    recorded = signed.post("/console/requests/new", {"type": "access", "channel": "email"})
    assert recorded.status_code == 403
    assert _state(console, view.request.id) is RequestState.RECEIVED


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
    assert _state(console, view.request.id) is RequestState.RECEIVED
    intake = {"type": "access", "channel": "email", "received": ""}
    assert dco.post("/console/requests/new", intake, csrf="").status_code == 403
    lookup = {"purpose": "correspondence", "type": "email", "value": fake.email()}
    assert dco.post("/console/subjects/lookup", lookup, csrf="wrong").status_code == 403
    queue = dco.client.get("/console/requests").text
    assert queue.count('href="/console/requests/') - queue.count("/console/requests/new") == 1
    done = dco.post(path, {})
    assert done.status_code == 303
    assert _state(console, view.request.id) is RequestState.AWAITING_IDENTITY


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
    assert other.client.get(f"/console/subjects/{caller}").status_code == 404
    assert own.client.get(f"/console/subjects/{caller}").status_code == 200
    assert _state(console, view.request.id) is RequestState.RECEIVED


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
    page = console.as_("dco").client.get(f"/console/subjects/{subject}")
    assert page.status_code == 200
    for heading in ("Consents", "Restrictions", "Objections", "Litigation holds", "Disclosures"):
        assert heading in page.text
    assert f"/console/requests/{view.request.id}" in page.text
    operator = console.as_("operator").client.get(f"/console/subjects/{subject}")
    assert operator.status_code == 200
    assert "Rights requests" not in operator.text  # not the operator's to see
    assert console.as_("auditor").client.get(f"/console/subjects/{subject}").status_code == 403
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
    assert _state(console, view.request.id) is RequestState.RECEIVED


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
    assert _state(console, view.request.id) is RequestState.RECEIVED


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
    page = console.as_("dco").client.get(f"/console/subjects/{subject}")
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
