"""The console's register pages in a real browser, on SQLite and PostgreSQL: the DCO records a
breach by UK wall-clock time with the keyboard-usable form, sees its 72-hour clock and opens the
ICO's draft; the DCO searches the audit log for a subject and the search is itself recorded.
Every register page (breaches, a breach, its draft, complaints, a complaint, retention, the
audit log, marketing and a campaign, and a refusal) has one heading, a label for every input,
no script, and nothing axe-core reports under WCAG 2.1 AA or its best practices.
Screenshots are kept under the test's directory."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from faker import Faker

from dataward.domain.breaches.deadline import UK
from dataward.domain.subjects import Actor
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.browser.checks import AXE, axe_violations
from tests.browser.conftest import Live, console_account, sign_in
from tests.e2e.console_backends import Console
from tests.e2e.register_pages_data import a_campaign, a_complaint

pytestmark = pytest.mark.browser
DCO = Actor("dco", "dco")


def _shot(page: Any, tmp_path: Path, name: str) -> None:
    page.screenshot(path=str(tmp_path / "screens" / f"{name}.png"), full_page=True)


def _searches(live: Live) -> int:
    return Console(live.container, None, Faker()).actions("audit_searched")


def _plain(page: Any) -> None:
    """One heading, a main, no script, and a label with words for every input."""
    assert page.locator("h1").count() == 1
    assert page.locator("main").count() == 1
    assert page.evaluate("document.scripts.length") == 0
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('input, select, textarea')]
            .filter(e => e.type !== 'hidden')
            .filter(e => !(e.labels && e.labels.length && e.labels[0].innerText.trim()))
            .map(e => e.name || e.id)"""
    )
    assert unlabelled == []


def test_the_dco_records_a_breach_sees_its_clock_and_searches_the_audit_log(
    live_db: Live, browser: Any, fake: Faker, tmp_path: Path
) -> None:
    live = live_db
    account = console_account(live, fake, "dco")
    page = browser.new_context().new_page()
    sign_in(page, live, account)

    page.goto(f"{live.url}/console/breaches")
    aware = (live.container.clock.now() - timedelta(hours=3)).astimezone(UK)
    page.get_by_label("When you became aware").fill(aware.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("confidentiality").check()
    page.get_by_label("What happened").fill("Call exports were sent to the wrong customer.")
    page.get_by_label("What happened").press("Tab")
    page.get_by_role("button", name="Record the breach").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#ico-clock")
    _shot(page, tmp_path, "breach")
    assert page.inner_text("#ico-clock") == "ICO clock: 69 h 00 min left"
    assert aware.strftime("%Y-%m-%d %H:%M") in page.inner_text("main")  # its UK time
    assert page.inner_text("[role=status]").startswith("The breach is recorded.")

    page.get_by_role("link", name="The ICO notification drafted from this record").click()
    page.wait_for_selector("h1:has-text('ICO notification draft')")
    _shot(page, tmp_path, "breach-draft")
    assert "Call exports were sent to the wrong customer." in page.inner_text("main")

    subject = create_subject(
        live.container.use_case(DCO),
        NewSubject(kind="marketing_contact", identifiers=[("email", fake.unique.email())]),
    )
    searched = _searches(live)
    page.goto(f"{live.url}/console/audit")
    page.get_by_label("A subject's id").fill(str(subject.id))
    page.get_by_role("button", name="Search").click()
    page.wait_for_selector("h2:has-text('Found')")
    _shot(page, tmp_path, "audit-search")
    rows = page.locator("table tbody tr")
    assert rows.count() >= 1
    assert all(str(subject.id) in rows.nth(i).inner_text() for i in range(rows.count()))
    assert _searches(live) == searched + 1
    assert page.get_by_label("A subject's id").input_value() == str(subject.id)


@pytest.mark.skipif(AXE is None, reason="axe-playwright-python (a dev dependency) is not installed")
def test_axe_finds_nothing_serious_on_any_register_page(
    live_db: Live, browser: Any, fake: Faker, tmp_path: Path
) -> None:
    live = live_db
    helper = Console(live.container, None, fake)
    complaint, campaign = a_complaint(helper), a_campaign(helper)
    dco = browser.new_context().new_page()
    sign_in(dco, live, console_account(live, fake, "dco"))
    dco.goto(f"{live.url}/console/breaches")
    aware = (live.container.clock.now() - timedelta(hours=1)).astimezone(UK)
    dco.get_by_label("When you became aware").fill(aware.strftime("%Y-%m-%dT%H:%M"))
    dco.get_by_label("availability").check()
    dco.get_by_label("What happened").fill("The call store was unreachable.")
    dco.get_by_role("button", name="Record the breach").click()
    dco.wait_for_selector("#ico-clock")
    breach = dco.url.split("/console/breaches/")[1].split("?")[0]
    marketing = browser.new_context().new_page()
    sign_in(marketing, live, console_account(live, fake, "marketing"))
    pages = [
        (dco, "breaches", "/console/breaches"),
        (dco, "breach", f"/console/breaches/{breach}"),
        (dco, "draft", f"/console/breaches/{breach}/draft"),
        (dco, "complaints", "/console/complaints"),
        (dco, "complaint", f"/console/complaints/{complaint}"),
        (dco, "retention", "/console/retention"),
        (dco, "audit", "/console/audit?search=1&action=breach_recorded"),
        (marketing, "marketing", "/console/marketing"),
        (marketing, "campaign", f"/console/marketing/{campaign}"),
        (dco, "refused", "/console/marketing/" + "0" * 8),
    ]
    seen: dict[str, list[str]] = {}
    for page, name, path in pages:
        answer = page.goto(f"{live.url}{path}")
        assert answer is not None
        assert answer.status == (404 if name == "refused" else 200), name
        _plain(page)
        _shot(page, tmp_path, f"axe-{name}")
        seen[name] = axe_violations(page)
    assert seen == {name: [] for _page, name, _path in pages}
