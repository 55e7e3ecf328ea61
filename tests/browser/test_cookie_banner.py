"""The cookie banner and the cookie settings page in a real browser (PECR reg 6): until a
person chooses only strictly necessary cookies exist (none, in fact, until the choice is
remembered); accepting and rejecting are the same kind of control styled alike; a rejection
made with the keyboard sets only the `cookie_choices` cookie (Secure, HttpOnly, SameSite=Lax)
and records the choice by a digest of its id; the settings page changes it. With Global
Privacy Control the banner and the page say it refuses every optional cookie and offer no way
to accept them. Every page passes axe-core and the keyboard checks."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from dataward.adapters.sql.cookie_choices import cookie_choices
from tests.browser.checks import (
    AXE,
    _assert_headers,
    _assert_plain_accessible,
    _shot,
    axe_violations,
)
from tests.browser.conftest import Live

pytestmark = pytest.mark.browser
NECESSARY = {"dw_session", "dw_csrf", "cookie_choices"}
GPC_WORDS = "Your browser sent a Global Privacy Control signal."
STYLE = (
    "e => ['font', 'padding', 'color', 'background-color', 'border', 'margin']"
    ".map(p => getComputedStyle(e).getPropertyValue(p))"
)


def _rows(live: Live) -> list[dict[str, Any]]:
    with live.container.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(select(cookie_choices))]


def _assert_only_necessary(context: Any) -> dict[str, Any]:
    cookies = {c["name"]: c for c in context.cookies()}
    assert set(cookies) <= NECESSARY
    return cookies


def test_a_person_rejects_cookies_with_the_keyboard_and_changes_their_mind(
    live_db: Live, browser: Any, tmp_path: Path
) -> None:
    live = live_db  # on each backend
    context = browser.new_context()
    page = context.new_page()
    response = page.goto(f"{live.url}/requests/verify")
    _assert_headers(response)  # opening a page sets no cookie
    _shot(page, tmp_path, "banner")
    banner = page.get_by_role("region", name="Cookies")
    accept = banner.get_by_role("button", name="Accept optional cookies")
    reject = banner.get_by_role("button", name="Reject optional cookies")
    assert accept.evaluate("e => e.tagName") == reject.evaluate("e => e.tagName") == "BUTTON"
    assert accept.evaluate(STYLE) == reject.evaluate(STYLE)  # equally prominent
    assert "_ga" in banner.inner_text()
    _assert_plain_accessible(page)
    assert context.cookies() == []

    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.innerText") == "Reject optional cookies"
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 303
    page.wait_for_load_state()
    assert page.url == f"{live.url}/requests/verify"  # back where the choice was made
    assert page.get_by_role("region", name="Cookies").count() == 0
    cookies = _assert_only_necessary(context)
    remembered = cookies["cookie_choices"]
    assert (remembered["httpOnly"], remembered["secure"], remembered["sameSite"]) == (
        True,
        True,
        "Lax",
    )
    (row,) = _rows(live)
    assert row["choice_id"] == hashlib.sha256(remembered["value"].encode()).hexdigest()
    assert json.loads(row["choices"]) == {"_ga": False, "_gid": False}
    assert row["gpc"] is False

    page.get_by_role("link", name="Cookie settings").click()
    page.wait_for_selector("h1:has-text('Cookie settings')")
    _shot(page, tmp_path, "cookie-settings")
    _assert_plain_accessible(page)
    assert "No: you did not allow it" in page.inner_text("table")
    page.get_by_label("Allow _ga").check()
    page.get_by_role("button", name="Save my cookie choices").click()
    page.wait_for_selector("[role=status]")
    assert page.get_by_label("Allow _ga").is_checked()
    (row,) = _rows(live)  # the new choice replaced the old one
    assert json.loads(row["choices"]) == {"_ga": True, "_gid": False}
    _assert_only_necessary(context)  # this site sets no analytics cookie of its own


def test_with_gpc_a_person_is_told_and_no_optional_cookie_can_be_accepted(
    live_db: Live, browser: Any, tmp_path: Path
) -> None:
    live = live_db  # on each backend
    context = browser.new_context(extra_http_headers={"Sec-GPC": "1"})
    page = context.new_page()
    for path in ("/", "/requests/new", "/requests/verify"):
        _assert_headers(page.goto(f"{live.url}{path}"))
        assert GPC_WORDS in page.get_by_role("region", name="Cookies").inner_text()
        assert page.get_by_role("button", name="Accept optional cookies").count() == 0
    _shot(page, tmp_path, "gpc-banner")
    _assert_plain_accessible(page)
    page.goto(f"{live.url}/cookies")
    _shot(page, tmp_path, "gpc-settings")
    assert GPC_WORDS in page.inner_text("main")
    assert "sharing of your data for another company's marketing" in page.inner_text("main")
    assert page.locator("input[type=checkbox]").count() == 0
    assert page.inner_text("table").count("No: refused by Global Privacy Control") == 2
    _assert_plain_accessible(page)
    page.get_by_role("button", name="Record my refusal").click()
    page.wait_for_selector("[role=status]")
    _assert_only_necessary(context)
    (row,) = _rows(live)
    assert (json.loads(row["choices"]), row["gpc"]) == ({"_ga": False, "_gid": False}, True)
    page.goto(f"{live.url}/")
    assert page.get_by_role("region", name="Cookies").count() == 0  # recorded: asked no more


@pytest.mark.skipif(AXE is None, reason="axe-playwright-python (a dev dependency) is not installed")
def test_axe_finds_nothing_on_the_banner_or_the_settings(live: Live, browser: Any) -> None:
    seen: dict[str, list[str]] = {}
    for gpc in (False, True):
        context = browser.new_context(extra_http_headers={"Sec-GPC": "1"} if gpc else {})
        page = context.new_page()
        for path in ("/requests/new", "/cookies"):
            page.goto(f"{live.url}{path}")
            seen[f"{path} gpc={gpc}"] = axe_violations(page)
    assert seen == {name: [] for name in seen}
