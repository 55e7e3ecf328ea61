"""The console in a real browser: the first DCO opens the link `dataward init` printed, sets a
password, signs in with the keyboard, sees the dashboard and signs out; the link works once;
a wrong password says so without repeating it; each page passes axe-core. On SQLite and on
PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.checks import AXE
from tests.browser.conftest import Live, checked_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(AXE is None, reason="axe-playwright-python is not installed"),
]
NEW_PASSWORD = "four words make a password"  # noqa: S105 - a test's own account


def test_the_first_dco_sets_a_password_signs_in_and_out(
    live_db: Live, browser: Any, tmp_path: Path
) -> None:
    assert live_db.first_link is not None
    register = live_db.container.active_register.get(live_db.container.uow()).register
    email = str(register.contacts.data_compliance_officer.email)
    shots = tmp_path / "shots"
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_db.url + live_db.first_link)
    checked_page(page, shots, "password")
    page.get_by_label("New password").fill("z" * 14)
    page.get_by_label("The same password again").fill("z" * 14)
    page.get_by_role("button", name="Set the password").click()
    assert "not one character repeated" in page.locator("[role=alert]").inner_text()
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("The same password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set the password").click()
    page.wait_for_url("**/console/login?done=1")
    checked_page(page, shots, "login")

    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill("not the password at all")
    page.keyboard.press("Enter")
    alert = page.locator("[role=alert]").inner_text()
    assert "not right" in alert
    assert "not the password" not in page.content()

    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_db.url}/console")
    assert page.locator("h1").inner_text() == "Dashboard"
    assert "Signed in as dco (dco)" in page.content()
    checked_page(page, shots, "dashboard")
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies["dw_session"]["httpOnly"]
    assert cookies["dw_session"]["secure"]
    assert cookies["dw_session"]["sameSite"] == "Strict"

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/console/login")
    page.goto(f"{live_db.url}/console")
    assert page.url.endswith("/console/login")

    page.goto(live_db.url + live_db.first_link)  # used: it works once
    assert "This link is not valid" in page.locator("[role=alert]").inner_text()
    context.close()
