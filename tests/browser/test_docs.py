"""The interactive docs in a real browser: Swagger UI, served from our own origin under a
policy that allows scripts and styles from it alone, draws every operation of the API and
calls the API from "Try it out", without one violation of that policy and without a request
to any other host."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Live

pytestmark = pytest.mark.browser

WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""


def test_the_docs_draw_every_operation_under_their_policy(live: Live, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.add_init_script(WATCH_VIOLATIONS)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda r: elsewhere.append(r.url) if not r.url.startswith((live.url, "data:")) else None,
    )
    page.goto(f"{live.url}/docs")
    page.wait_for_selector(".opblock")
    paths = page.evaluate("async () => (await (await fetch('/openapi.json')).json()).paths")
    assert page.locator(".opblock").count() == sum(len(methods) for methods in paths.values())
    assert page.locator(".info .title").inner_text().startswith("dataward")

    health = page.locator(".opblock", has_text="/healthz")
    health.locator(".opblock-summary").click()
    page.click("button.try-out__btn")
    page.click("button.execute")
    answered = page.locator(".live-responses-table tbody .response-col_status")
    answered.wait_for()
    assert answered.inner_text().strip() == "200"

    assert page.evaluate("window.__violations") == []
    assert [m for m in console if "Content Security Policy" in m] == []
    assert elsewhere == []
