"""A person's whole journey through the portal in a real browser, on each backend: they read
the privacy notice at `/` (its version and date), refuse optional cookies, make an access
request on the form, receive the one-time code by e-mail (the outbox delivered to a real SMTP
server), confirm the request with it on the portal's page, follow it by the status link; the
DCO fulfils it through the services; the status page says the data is ready, and the person
downloads the package through the signed link in the completion letter. Every page passes
axe-core, keeps its security headers and sets no cookie but the choice; screenshots are kept
under the test's temporary directory."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from faker import Faker

from dataward.adapters.documents.subject_export import render_export
from dataward.adapters.mail.letters import letter_renderer
from dataward.adapters.mail.smtp import SmtpMailer, SmtpServer
from dataward.domain.requests.workflow import RequestEvent
from dataward.domain.subjects import Actor
from dataward.services.rights.access import fulfil_access
from dataward.services.rights.delivery import Delivery
from dataward.services.rights.outbox import deliver
from dataward.services.rights.requests import Step, advance
from dataward.services.rights.verification import send_code
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.browser.checks import AXE, _assert_headers, _shot, axe_violations
from tests.browser.conftest import Live
from tests.builders import EVIDENCE
from tests.support.smtp_inbox import Inbox, body, smtp_server

pytestmark = pytest.mark.browser
DCO = Actor(id="dco", role="dco")


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    yield from smtp_server()


def _deliver_letters(live: Live, smtp: tuple[Inbox, int]) -> None:
    mailer = SmtpMailer(SmtpServer("127.0.0.1", smtp[1]), "dco@akixi.com")
    done = deliver(live.container.use_case(DCO), mailer, letter_renderer(live.url))
    assert done.failed == 0


def _letter(inbox: Inbox, email: str, subject: str) -> str:
    found = [m for m in inbox.to(email) if str(m["Subject"]).startswith(subject)]
    assert len(found) == 1, [str(m["Subject"]) for m in inbox.to(email)]
    return body(found[0])


def _check(page: Any, tmp_path: Path, name: str, seen: dict[str, list[str]]) -> None:
    """A screenshot, one heading, no script, and what axe finds, for the page as it stands."""
    _shot(page, tmp_path, name)
    assert page.locator("h1").count() == 1
    assert page.evaluate("document.scripts.length") == 0
    if AXE is not None:
        seen[name] = axe_violations(page)


@dataclass
class Visit:
    """One person's browser on the live server, and what each page showed axe."""

    live: Live
    page: Any
    shots: Path
    seen: dict[str, list[str]] = field(default_factory=dict)

    def check(self, name: str) -> None:
        _check(self.page, self.shots, name, self.seen)


def _read_the_notice_and_refuse_cookies(visit: Visit) -> None:
    page, live = visit.page, visit.live
    _assert_headers(page.goto(f"{live.url}/"))
    register = live.container.active_register.get(live.container.uow(read_only=True)).register
    updated = register.policy.last_updated
    assert f"version {register.policy.version}" in page.inner_text("main")
    assert f"{updated.day} {updated:%B %Y}" in page.inner_text("main")
    assert page.locator("main h2#cookies").count() == 1  # the notice's own sections
    visit.check("portal")
    page.get_by_role("button", name="Reject optional cookies").click()
    page.wait_for_load_state()


def _make_a_request(visit: Visit, email: str) -> str:
    page = visit.page
    page.get_by_role("link", name="Make a request about your personal data").click()
    page.wait_for_selector("h1:has-text('Make a request about your personal data')")
    page.select_option("#type", "access")
    page.fill("#email", email)
    page.click("main button[type=submit]")
    page.wait_for_selector("h1:has-text('We have received your request')")
    visit.check("receipt")
    found = re.search(r"reference is ([0-9a-f-]{36})", page.inner_text("main"))
    assert found is not None
    return found.group(1)


def _staff_send_the_code(live: Live, smtp: tuple[Inbox, int], reference: str, email: str) -> str:
    reason = EVIDENCE.get(RequestEvent.ASK_IDENTITY)
    advance(live.container.use_case(DCO), reference, Step(RequestEvent.ASK_IDENTITY, reason=reason))
    send_code(live.container.use_case(DCO), reference)
    _deliver_letters(live, smtp)
    code = re.search(r"^\s+(\d{6})\s*$", _letter(smtp[0], email, "Your code"), re.MULTILINE)
    assert code is not None
    return code.group(1)


def _confirm_by_code(visit: Visit, reference: str, code: str) -> str:
    """The code entered, a wrong one first; the status link the page gives."""
    page = visit.page
    page.goto(f"{visit.live.url}/")
    page.get_by_role("link", name="Enter the code we sent you").click()
    page.wait_for_selector("h1:has-text('Confirm your request')")
    visit.check("verify")
    page.fill("#reference", reference)
    page.fill("#code", "000000" if code != "000000" else "111111")
    page.click("main button[type=submit]")
    page.wait_for_selector("[role=alert]")
    assert reference not in page.content()  # never shown back
    visit.check("verify-wrong")
    page.fill("#reference", reference)
    page.fill("#code", code)
    page.click("main button[type=submit]")
    page.wait_for_selector("h1:has-text('your request is confirmed')")
    visit.check("verified")
    page.get_by_role("link", name="Follow your request").click()
    page.wait_for_selector("h1:has-text('Your request')")
    assert "We will answer it by" in page.inner_text("main")
    visit.check("status")
    return str(page.url)


def _staff_fulfil(live: Live, smtp: tuple[Inbox, int], reference: str, email: str) -> str:
    """The request fulfilled and its letters sent; the download link of the completion."""
    reason = EVIDENCE.get(RequestEvent.START)
    advance(live.container.use_case(DCO), reference, Step(RequestEvent.START, reason=reason))
    delivery = Delivery(live.url, render_export, timedelta(days=7))
    fulfil_access(live.container.use_case(DCO), reference, delivery)
    _deliver_letters(live, smtp)
    letter = _letter(smtp[0], email, "Your request is complete")
    link = re.search(rf"{re.escape(live.url)}/api/v1/public/downloads/\S+", letter)
    assert link is not None
    return link.group(0)


def test_a_person_requests_their_data_confirms_by_code_and_downloads_it(
    live_db: Live, browser: Any, fake: Faker, smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    live = live_db
    email = fake.unique.email()
    create_subject(
        live.container.use_case(DCO),
        NewSubject(kind="end_user", identifiers=[("email", email)]),
    )
    context = browser.new_context(accept_downloads=True)
    visit = Visit(live, context.new_page(), tmp_path)
    page = visit.page

    _read_the_notice_and_refuse_cookies(visit)
    assert {c["name"] for c in context.cookies()} == {"cookie_choices"}
    reference = _make_a_request(visit, email)
    code = _staff_send_the_code(live, smtp, reference, email)
    status_url = _confirm_by_code(visit, reference, code)
    acknowledgement = _letter(smtp[0], email, "We have received your request")
    assert f"at {status_url}. Keep this link to yourself" in acknowledgement  # the same link
    link = _staff_fulfil(live, smtp, reference, email)

    page.goto(status_url)
    assert "It is complete." in page.inner_text("main")
    assert "Your data is ready." in page.inner_text("main")
    visit.check("status-ready")
    _assert_headers(page.goto(link))
    visit.check("download")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the ZIP file").click()
    saved = tmp_path / "package.zip"
    download.value.save_as(saved)
    assert saved.read_bytes()[:2] == b"PK"
    page.goto(status_url)
    assert "Your data is ready." not in page.inner_text("main")  # the link is spent
    assert {c["name"] for c in context.cookies()} == {"cookie_choices"}
    assert visit.seen == {name: [] for name in visit.seen}
