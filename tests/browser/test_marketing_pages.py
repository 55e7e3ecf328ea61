"""The links in a marketing message, followed in a real browser: the unsubscribe page names the
sender and opening it changes nothing; its button (pressed with the keyboard) unsubscribes, and
the ledger, the objections and the next campaign show it; the preferences page shows each
sender's and channel's choice and saves exactly what the person changed (method `portal`); an
altered or hostile token gets the fixed "not valid" page. The pages carry no script, set no
cookie, have their security headers, one heading, a label for every input and a keyboard path.
Screenshots of each page are kept under the test's temporary directory."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import pytest
from faker import Faker

from dataward.adapters.mail.smtp import SmtpMailer, SmtpServer
from dataward.domain.clock import FixedClock
from dataward.domain.marketing.campaign import CampaignDraft
from dataward.domain.marketing.eligibility import Exclusion
from dataward.domain.outreach import MessageKind
from dataward.domain.processing.consent import ConsentEvent, ConsentMethod
from dataward.domain.processing.restrictions import ObjectionKind
from dataward.domain.subjects import Actor
from dataward.entrypoints.api.pages import render_page
from dataward.services.marketing.audience import resolve_audience
from dataward.services.marketing.campaigns import create_campaign
from dataward.services.marketing.messages import marketing_maker
from dataward.services.marketing.preferences import Choice, Preferences
from dataward.services.marketing.sending import send_campaign
from dataward.services.outreach.outbox import deliver_messages
from dataward.services.processing.consent import GiveConsent, consent_state, record_consent
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.browser.checks import (
    AXE,
    _assert_headers,
    _assert_plain_accessible,
    _open,
    _shot,
    axe_violations,
)
from tests.browser.conftest import Live
from tests.support.smtp_inbox import Inbox, body, smtp_server

pytestmark = pytest.mark.browser
DCO = Actor(id="dco", role="dco")
MARKETING = Actor(id="marketing", role="marketing")
NEWS = "Subject: What is new in call reporting\n\nHello,\nOur reports now show queues by hour.\n"
NOT_VALID = "This link is not valid."


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    yield from smtp_server()


@dataclass
class Person:
    id: UUID
    email: str
    link: str = ""
    """The unsubscribe link of the message they were sent."""


def _person(live: Live, fake: Faker, *consents: tuple[str, str]) -> Person:
    email = fake.unique.email()
    made = create_subject(
        live.container.use_case(DCO),
        NewSubject(kind="marketing_contact", identifiers=[("email", email)]),
    )
    for purpose, channel in consents:
        record_consent(
            live.container.use_case(MARKETING),
            GiveConsent(made.id, purpose, channel, ConsentMethod.WEB_FORM, "2026.1", "form-1"),
        )
    return Person(made.id, email)


def _campaign(live: Live) -> UUID:
    draft = CampaignDraft(
        "Autumn news", "direct_marketing", "email", "akixi", NEWS, "call_reporting"
    )
    return create_campaign(live.container.use_case(MARKETING), draft).id


def _send_to(live: Live, smtp: tuple[Inbox, int], person: Person) -> None:
    """A campaign sent through the outbox to the SMTP server; the person's link from the mail."""
    inbox, port = smtp
    send_campaign(live.container.use_case(MARKETING), _campaign(live))
    mailer = SmtpMailer(SmtpServer("127.0.0.1", port), "dco@akixi.com")
    result = deliver_messages(
        live.container.use_case(DCO),
        {"email": mailer},
        {MessageKind.MARKETING: marketing_maker(live.url)},
    )
    assert result.failed == 0
    [message] = inbox.to(person.email)
    person.link = str(message["List-Unsubscribe"]).split(",")[0].strip("<> ")
    assert person.link.startswith(f"{live.url}/u/")
    assert person.link in body(message)


def _ledger(live: Live, person: Person) -> list[ConsentEvent]:
    with live.container.uow(read_only=True) as uow:
        return list(uow.consents.events_for(person.id))


def _state(live: Live, person: Person) -> dict[tuple[str, str | None], str]:
    found = consent_state(live.container.uow(), live.container.clock, person.id)
    return {key: state.value for key, state in found.items()}


def _objected(live: Live, person: Person) -> bool:
    now = live.container.clock.now()
    with live.container.uow(read_only=True) as uow:
        return any(
            o.kind is ObjectionKind.DIRECT_MARKETING and o.upheld_at(now)
            for o in uow.objections.for_subject(person.id)
        )


def test_opening_the_link_changes_nothing_and_the_button_unsubscribes(
    live: Live, browser: Any, fake: Faker, smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    keen = _person(live, fake, ("direct_marketing", "email"))
    other = _person(live, fake, ("direct_marketing", "email"))
    _send_to(live, smtp, keen)
    context = browser.new_context()
    page = context.new_page()

    first = _open(page, keen.link)  # what a person, or a mail scanner, does: changes nothing
    assert first.status == 200
    _shot(page, tmp_path, "unsubscribe")
    assert page.inner_text("h1") == "Unsubscribe from marketing"
    assert "Akixi" in page.inner_text("main")
    assert _state(live, keen)[("direct_marketing", "email")] == "given"
    assert not _objected(live, keen)
    _assert_plain_accessible(page)

    button = page.get_by_role("button", name="Unsubscribe")
    button.focus()
    assert page.evaluate("document.activeElement.innerText") == "Unsubscribe"
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 200
    _assert_headers(answer.value)
    page.wait_for_selector("h1:has-text('You are unsubscribed')")
    _shot(page, tmp_path, "unsubscribed")
    assert "Akixi" in page.inner_text("main")
    _assert_plain_accessible(page)

    assert _state(live, keen)[("direct_marketing", "email")] == "withdrawn"
    withdrawal = _ledger(live, keen)[-1]
    assert (withdrawal.method, withdrawal.evidence_ref) == (
        ConsentMethod.EMAIL_LINK,
        "unsubscribe:akixi",
    )
    assert _objected(live, keen)
    assert _state(live, other)[("direct_marketing", "email")] == "given"  # theirs alone
    clock = live.container.clock
    assert isinstance(clock, FixedClock)
    clock.advance(timedelta(minutes=1))
    audience = resolve_audience(live.container.use_case(MARKETING), _campaign(live))
    assert dict(audience.excluded)[str(keen.id)] is Exclusion.OBJECTION
    assert str(other.id) in dict(audience.included)

    page.get_by_role("link", name="See or change your marketing choices").click()
    page.wait_for_selector("h1:has-text('Your marketing choices')")
    assert page.url == f"{keen.link}/preferences"
    assert context.cookies() == []


def test_the_preferences_page_shows_each_choice_and_saves_exactly_what_changed(
    live: Live, browser: Any, fake: Faker, smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    keen = _person(live, fake, ("direct_marketing", "email"))
    _send_to(live, smtp, keen)
    context = browser.new_context()
    page = context.new_page()

    assert _open(page, f"{keen.link}/preferences").status == 200
    _shot(page, tmp_path, "preferences")
    _assert_plain_accessible(page)
    choices = page.evaluate(
        """[...document.querySelectorAll('input[type=checkbox]')].map(e => [
            e.closest('fieldset').querySelector('legend').innerText.trim(),
            e.labels[0].innerText.trim(), e.name, e.checked])"""
    )
    by_name = {name: (sender, label, ticked) for sender, label, name, ticked in choices}
    assert by_name["direct_marketing.email"] == ("Marketing from Akixi", "E-mail", True)
    assert by_name["direct_marketing.sms"] == ("Marketing from Akixi", "Text message", False)
    assert by_name["mondago_marketing.third_party"][0] == "Marketing from Mondago"
    assert not any(
        ticked for name, (_, _, ticked) in by_name.items() if name != "direct_marketing.email"
    )
    before = _ledger(live, keen)

    akixi = page.get_by_role("group", name="Marketing from Akixi", exact=True)
    akixi.get_by_label("E-mail").uncheck()
    akixi.get_by_label("Text message").check()
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Save my choices").click()
    assert answer.value.status == 200
    _assert_headers(answer.value)
    page.wait_for_selector("[role=status]")
    _shot(page, tmp_path, "preferences-saved")
    assert "2 changes" in page.inner_text("[role=status]")
    assert page.get_by_label("E-mail").first.is_checked() is False
    assert akixi.get_by_label("Text message").is_checked() is True
    after = _ledger(live, keen)

    page.get_by_role("button", name="Save my choices").click()  # again, as it stands
    page.wait_for_selector("[role=status]:has-text('Nothing to save')")
    assert _ledger(live, keen) == after

    new = after[len(before) :]
    assert after[: len(before)] == before  # the ledger only grows
    assert Counter((e.purpose, e.channel, e.state.value, e.method) for e in new) == Counter(
        {
            ("direct_marketing", "email", "withdrawn", ConsentMethod.PORTAL): 1,
            ("direct_marketing", "sms", "given", ConsentMethod.PORTAL): 1,
        }
    )
    assert context.cookies() == []


def test_an_altered_or_hostile_token_shows_the_fixed_page_and_never_the_token(
    live: Live, browser: Any, fake: Faker, smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    keen = _person(live, fake, ("direct_marketing", "email"))
    _send_to(live, smtp, keen)
    token = urlsplit(keen.link).path.removeprefix("/u/")
    middle = len(token) // 2
    altered = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    page = browser.new_page()
    hostile = "<script>document.title='owned'<script>"  # no "/": it stays one path segment
    for path in (f"/u/{altered}", f"/u/{altered}/preferences", f"/u/{hostile}"):
        response = _open(page, f"{live.url}{path}")
        assert response.status == 404
        assert NOT_VALID in page.inner_text("main")
        assert page.locator("main form").count() == 0  # the cookie banner's forms aside
        html = page.content()
        assert altered not in html
        assert "owned" not in html
        assert "<script" not in html
        assert page.title() == "Unsubscribe from marketing"
        _assert_plain_accessible(page)
    _shot(page, tmp_path, "not-valid")
    closed = _open(page, f"{live.url}/u/<script>document.title='owned'</script>")
    assert closed.status == 404  # past the route: the plain answer, which no browser runs
    assert page.evaluate("document.scripts.length") == 0
    assert "owned" not in page.content()
    assert page.title() != "owned"
    assert _state(live, keen)[("direct_marketing", "email")] == "given"  # nothing changed


def test_what_the_pages_show_is_escaped(browser: Any) -> None:
    """A sender's and a channel's name come from the register, which cannot hold a hostile
    one; the pages escape them all the same, and whatever else they are given."""
    hostile = '<img src=x id=injected onerror="document.title=1"><b id=bold>Akixi</b>'
    choice = Choice(hostile, "direct_marketing", "email", hostile, "given")
    found = Preferences((choice,), objected=False, suppressed=False)
    token = "a-token"  # noqa: S105 - a link token, quoted by the route before a page
    pages = [
        render_page("unsubscribe.html.j2", sender=hostile, token=token),
        render_page("unsubscribe.html.j2", sender=hostile, done=True, token=token),
        render_page("unsubscribe.html.j2", error=hostile),
        render_page("preferences.html.j2", found=found, token=token),
    ]
    page = browser.new_page()
    for rendered in pages:
        page.set_content(bytes(rendered.body).decode())
        assert page.locator("#injected, #bold").count() == 0
        assert hostile in page.inner_text("main")


@pytest.mark.skipif(AXE is None, reason="axe-playwright-python (a dev dependency) is not installed")
def test_axe_finds_nothing_on_any_of_the_pages(
    live: Live, browser: Any, fake: Faker, smtp: tuple[Inbox, int]
) -> None:
    keen = _person(live, fake, ("direct_marketing", "email"))
    _send_to(live, smtp, keen)
    page = browser.new_page()
    seen: dict[str, list[str]] = {}
    page.goto(keen.link)
    seen["unsubscribe"] = axe_violations(page)
    page.get_by_role("button", name="Unsubscribe").click()
    page.wait_for_selector("h1:has-text('You are unsubscribed')")
    seen["unsubscribed"] = axe_violations(page)
    page.goto(f"{keen.link}/preferences")
    seen["preferences"] = axe_violations(page)
    page.get_by_role("button", name="Save my choices").click()
    page.wait_for_selector("[role=status]")
    seen["saved"] = axe_violations(page)
    page.goto(f"{live.url}/u/not-a-token")
    seen["not valid"] = axe_violations(page)
    assert seen == {name: [] for name in seen}
    page.set_content("<html lang=en><title>t</title><main><h1>t</h1><input></main></html>")
    assert axe_violations(page) != []  # it does find what it looks for
