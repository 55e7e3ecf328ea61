"""The console's request and subject pages in a real browser, on SQLite and PostgreSQL.

A DCO signs in, records an access request that came by e-mail, asks for and records proof of
identity, starts it and fulfils it, each by its form, and sees the state, the timeline and the
letters queued change on the request's page; then finds the subject by its address through the
gate and sees the request on its page. A tenant's administrator instructs the erasure of a
caller whose request the DCO forwarded to it, and gets a 404 for another tenant's request and
subject. Each page has one heading, a label for every input, no script, and no serious or
critical finding of axe-core; screenshots are kept under the test's temporary directory.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from faker import Faker

from dataward.domain.requests.workflow import RequestState, RequestType
from dataward.domain.subjects import SubjectStatus
from dataward.services.rights.processor import forward_to_controller
from dataward.services.rights.requests import request_timeline
from tests.browser.conftest import Live, console_account, sign_in
from tests.support.console_data import a_caller, a_request, a_tenant, an_end_user, as_dco

pytestmark = pytest.mark.browser
AXE = importlib.util.find_spec("axe_playwright_python")


def _serious(page: Any) -> list[str]:
    """axe-core's serious and critical findings (WCAG 2.1 A and AA, best practices)."""
    assert AXE is not None
    assert AXE.origin is not None
    page.evaluate((Path(AXE.origin).parent / "axe.min.js").read_text(encoding="utf-8"))
    found: list[str] = page.evaluate(
        """axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
           .then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
             .map(v => v.id + ': ' + v.nodes.map(n => n.html).join(' | ')))"""
    )
    return found


def _checked(page: Any, tmp_path: Path, name: str) -> None:
    """The page as every console page must be; its screenshot kept."""
    (tmp_path / "screens").mkdir(exist_ok=True)
    page.screenshot(path=str(tmp_path / "screens" / f"{name}.png"), full_page=True)
    assert page.locator("h1").count() == 1, name
    assert page.evaluate("document.scripts.length") == 0
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('input, select, textarea')]
            .filter(e => e.type !== 'hidden')
            .filter(e => !(e.labels && e.labels.length && e.labels[0].innerText.trim()))
            .map(e => e.name || e.id)"""
    )
    assert unlabelled == [], name
    if AXE is not None:
        assert _serious(page) == [], name


def _press(page: Any, action: str) -> None:
    """Send an action's form with the keyboard: focus its button, press Enter."""
    page.locator(f"form[action$='/{action}'] button[type=submit]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _facts(page: Any) -> str:
    return str(page.locator("dl.facts").first.inner_text())


def _record_by_intake(page: Any, live: Live, fake: Faker, subject: UUID, tmp_path: Path) -> str:
    """Record an access request about `subject` with the intake form; its id."""
    page.goto(f"{live.url}/console/requests")
    _checked(page, tmp_path, "queue-empty")
    page.get_by_role("link", name=re.compile("Record a request")).click()
    _checked(page, tmp_path, "intake")
    page.get_by_label("Right asked for").select_option("access")
    page.get_by_label("How it came").select_option("email")
    page.get_by_label("Subject's id, if known").fill(str(subject))
    page.get_by_label("Requester's e-mail address").fill(fake.email())
    page.get_by_label("Requester's name").fill(fake.name())
    page.get_by_role("button", name="Record the request").click()
    page.wait_for_url(re.compile(r"/console/requests/[0-9a-f-]{36}\?done=recorded"))
    assert "The request is recorded" in page.locator("[role=status]").inner_text()
    assert "received" in _facts(page)
    _checked(page, tmp_path, "request-received")
    return str(page.url.split("/console/requests/")[1].split("?")[0])


def _find_by_email(page: Any, live: Live, email: str, tmp_path: Path) -> None:
    """Look a subject up by its e-mail address, for correspondence."""
    page.goto(f"{live.url}/console/subjects")
    _checked(page, tmp_path, "subject-search")
    page.get_by_label("Purpose of the look-up").select_option("correspondence")
    page.get_by_label("Kind of identifier").select_option("email")
    page.get_by_label("The identifier", exact=True).fill(email)
    page.get_by_role("button", name="Look up").click()


def test_a_dco_works_an_access_request_from_intake_to_completion(
    live_db: Live, browser: Any, fake: Faker, tmp_path: Path
) -> None:
    live = live_db
    email = fake.unique.email()
    subject = an_end_user(live.container, email)
    dco = console_account(live, fake, "dco")
    page = browser.new_context().new_page()
    sign_in(page, live, dco)

    request_id = _record_by_intake(page, live, fake, subject, tmp_path)

    _press(page, "ask-identity")
    assert "awaiting identity" in _facts(page)
    _checked(page, tmp_path, "request-awaiting-identity")
    page.get_by_label("How identity was checked").fill("passport seen at the front desk")
    _press(page, "verify-identity")
    assert "Identity verified" in _facts(page)
    _press(page, "start")
    assert "in progress" in _facts(page)
    _checked(page, tmp_path, "request-in-progress")
    assert page.locator("form[action$='/ask-fee']").count() == 0  # not from in_progress
    _press(page, "fulfil")
    assert "Done: the request was carried out and completed." in page.inner_text("main")
    assert "completed" in _facts(page)
    _checked(page, tmp_path, "request-completed")

    timeline = page.locator("table[aria-labelledby=timeline] tbody tr td:nth-child(2)")
    assert timeline.all_inner_texts() == [
        "receive",
        "ask identity",
        "identity verified",
        "start",
        "complete",
    ]
    letters = page.locator("table[aria-labelledby=letters] tbody tr td:first-child")
    assert letters.all_inner_texts() == ["acknowledgement", "identity request", "completion"]
    assert "Nothing: the request is closed" in page.inner_text("main")
    view, _, queued = request_timeline(as_dco(live.container), request_id)
    assert view.request.state is RequestState.COMPLETED
    assert [x.letter for x in queued] == ["acknowledgement", "identity_request", "completion"]

    page.goto(f"{live.url}/console/requests?state=closed")
    assert request_id in page.inner_html("main")
    _checked(page, tmp_path, "queue-closed")
    _find_by_email(page, live, email, tmp_path)
    page.wait_for_url(re.compile(rf"/console/subjects/{subject}\?purpose=[a-z_]+$"))
    assert email not in page.content()  # references and states only
    assert page.locator(f"a[href='/console/requests/{request_id}']").count() == 1
    _checked(page, tmp_path, "subject")


def test_a_tenant_administrator_instructs_an_erasure_and_reaches_no_other_tenant(
    live_db: Live, browser: Any, fake: Faker, tmp_path: Path
) -> None:
    live = live_db
    for tenant in ("tenant-a", "tenant-b"):
        a_tenant(live.container, fake, tenant)
    caller = a_caller(live.container, fake, "tenant-a")
    theirs = a_caller(live.container, fake, "tenant-b")
    ours = a_request(live.container, tenant_id="tenant-a", subject_id=caller)
    other = a_request(live.container, tenant_id="tenant-b", subject_id=theirs)
    forward_to_controller(as_dco(live.container), ours.request.id)
    forward_to_controller(as_dco(live.container), other.request.id)
    admin = console_account(live, fake, "tenant_admin", "tenant-a")
    page = browser.new_context().new_page()
    sign_in(page, live, admin)

    page.goto(f"{live.url}/console/requests?state=all")
    main = page.inner_html("main")
    assert str(ours.request.id) in main
    assert str(other.request.id) not in main
    assert page.locator("#f-tenant").count() == 0  # one tenant: nothing to choose
    _checked(page, tmp_path, "admin-queue")
    page.locator(f"a[href='/console/requests/{ours.request.id}']").click()
    assert "forwarded to controller" in _facts(page)
    actions = page.locator("main section.action h3").all_inner_texts()
    assert actions == ["Instruct us on the caller"]
    _checked(page, tmp_path, "admin-request")
    page.get_by_label("Erase the caller").check()
    _press(page, "instruct")
    assert "Done: your instruction was carried out and recorded." in page.inner_text("main")
    _checked(page, tmp_path, "admin-instructed")
    with live.container.uow(read_only=True) as uow:
        erased = uow.subjects.get(caller)
    assert erased is not None
    assert erased.status is SubjectStatus.ERASED  # its tombstone: the rest is gone

    for path in (f"/console/requests/{other.request.id}", f"/console/subjects/{theirs}"):
        answer = page.goto(f"{live.url}{path}")
        assert answer is not None
        assert answer.status == 404, path
        assert page.locator("h1").inner_text() == "Not found"
        assert str(theirs) not in page.content()
    _checked(page, tmp_path, "admin-not-found")
    nothing = page.goto(f"{live.url}/console/requests/{RequestType.ACCESS.value}")
    assert nothing is not None
    assert nothing.status == 404
