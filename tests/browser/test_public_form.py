"""The public request form in a real browser: a person fills it in and sends it, sees their
reference and due date, and the DCO's queue has the request; the browser's own validation
stops an empty address; the rate limit answers with its page."""

from __future__ import annotations

import re

import pytest
from faker import Faker

from dataward.domain.subjects import Actor
from dataward.services.rights.requests import request_queue
from tests.browser.conftest import Live

pytestmark = pytest.mark.browser
DCO = Actor(id="dco", role="dco")


def test_a_person_sends_a_restriction_request_through_the_form(
    live: Live, browser: object, fake: Faker
) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(f"{live.url}/requests/new")
    assert "Make a request about your personal data" in page.title()
    page.select_option("#type", "restriction")
    page.select_option("#ground", "accuracy_contested")
    page.fill("#name", fake.name())
    page.fill("#email", fake.email())
    page.check("input[name=representative]")
    page.click("main button[type=submit]")
    page.wait_for_selector("h1:has-text('We have received your request')")
    text = page.inner_text("main")
    reference = re.search(r"reference is ([0-9a-f-]{36})", text)
    assert reference is not None
    assert "We will answer by" in text
    (view,) = request_queue(live.container.use_case(DCO, read_only=True))
    assert str(view.request.id) == reference.group(1)
    assert (view.request.scope, view.request.representative) == ("accuracy_contested", True)


def test_the_browser_requires_an_address_and_the_limit_shows_its_page(
    live: Live, browser: object, fake: Faker
) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(f"{live.url}/requests/new")
    page.click("main button[type=submit]")  # no address: the browser refuses to send
    assert page.url.endswith("/requests/new")
    assert page.locator("#email").evaluate("e => e.validity.valueMissing") is True
    for _ in range(3):  # the live server allows three an hour
        page.goto(f"{live.url}/requests/new")
        page.fill("#email", fake.email())
        page.click("main button[type=submit]")
        page.wait_for_selector("h1:has-text('We have received your request')")
    page.goto(f"{live.url}/requests/new")
    page.fill("#email", fake.email())
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("main button[type=submit]")
    assert answer.value.status == 429
    assert "Too many requests" in page.inner_text("main")


def test_the_pages_are_styled_under_their_policy_and_break_none_of_it(
    live: Live, browser: object, fake: Faker
) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.goto(f"{live.url}/requests/new")
    # The stylesheet applies (40rem = 640px): its hash is in the policy.
    assert page.evaluate("getComputedStyle(document.body).maxWidth") == "640px"
    assert page.evaluate("getComputedStyle(document.querySelector('input.check')).width") != (
        page.evaluate("getComputedStyle(document.querySelector('#name')).width")
    )
    page.fill("#name", "<style>body{display:none}</style>")
    page.fill("#email", fake.email())
    page.select_option("#type", "objection")
    page.click("main button[type=submit]")  # an objection without its target: refused
    page.wait_for_selector("p.error")
    assert page.evaluate("getComputedStyle(document.body).display") == "block"
    page.goto(f"{live.url}/api/v1/public/downloads/a-token")
    assert page.evaluate("getComputedStyle(document.body).maxWidth") == "640px"
    page.goto(f"{live.url}/api/v1/register/notice")
    assert page.evaluate("getComputedStyle(document.body).maxWidth") == "832px"  # 52rem
    assert refused == []
