"""What every page of the portal must be, checked in the browser: its security headers and no
cookie set by opening it; one heading, one main, no script, a label for every input and every
control reached by the keyboard in order; what axe-core finds; a screenshot kept under the
test's temporary directory."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

HEADERS = ("content-security-policy", "x-content-type-options", "referrer-policy")


def _open(page: Any, url: str) -> Any:
    """Go to `url` and return the response (the page's own, checked for its headers)."""
    response = page.goto(url)
    assert response is not None
    _assert_headers(response)
    return response


def _assert_headers(response: Any) -> None:
    headers = response.all_headers()
    for name in HEADERS:
        assert name in headers, name
    assert "script-src" not in headers["content-security-policy"]
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert "set-cookie" not in headers


def _shot(page: Any, tmp_path: Path, name: str) -> None:
    page.screenshot(path=str(tmp_path / "screens" / f"{name}.png"), full_page=True)


def _assert_plain_accessible(page: Any) -> None:
    """What a person with a screen reader or only a keyboard needs, read from the DOM."""
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.title().strip()
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
    controls: list[str] = page.evaluate(
        f"""[...document.querySelectorAll('a[href], button, input, select, textarea')]
            .filter(e => e.type !== 'hidden' && !e.disabled).map({_NAME})"""
    )
    assert page.locator("[tabindex]").count() == 0
    assert _tab_through(page, len(controls)) == controls  # every control, in the page's order


_NAME = "e => e.tagName + ':' + (e.name || e.innerText.trim())"
"""What a control is called in the lists of the keyboard check."""


def _tab_through(page: Any, most: int) -> list[str]:
    """Press Tab from the top of the page; what takes the focus, in order, until it leaves."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    reached: list[str] = []
    for _ in range(most + 1):
        page.keyboard.press("Tab")
        name = page.evaluate(f"({_NAME})(document.activeElement)")
        if name in reached or name.startswith("BODY"):
            break
        reached.append(name)
    return reached


AXE = importlib.util.find_spec("axe_playwright_python")
"""The dev dependency that bundles axe-core (`axe.min.js`), read from disk: no network."""


def axe_violations(page: Any) -> list[str]:
    """axe-core's WCAG 2.1 A and AA rules and its best practices, on the page as it stands.

    The pages forbid script; axe goes in through the browser's debugging protocol, which the
    page's policy does not govern, and only reads the DOM."""
    assert AXE is not None
    assert AXE.origin is not None
    script = (Path(AXE.origin).parent / "axe.min.js").read_text(encoding="utf-8")
    page.evaluate(script)
    found: list[str] = page.evaluate(
        """axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
           .then(r => r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.html).join(' | ')))"""
    )
    return found
