"""The console's register pages (breaches, complaints, retention, audit, marketing) on SQLite
and PostgreSQL: each page opens for the roles its service lets read it and is the 403 page to
the others; a tenant's administrator reaches nothing of ours (a complaint's id is a 404, the
breach register a 403); a campaign is refused, without its name, to a role that may not run it;
hostile query values and ids give no 5xx and are never repeated; without a session, the
browser is sent to sign in."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests.e2e.console_backends import ROLES, Console, console_fixture  # noqa: F401 - the fixture
from tests.e2e.register_pages_data import FOUND, a_breach, a_campaign, a_complaint

EVERYONE = frozenset(ROLES)


def _pages(console: Console) -> dict[str, tuple[frozenset[str], int]]:
    """Each page, the roles that open it, and what the others get."""
    breach, complaint, campaign = a_breach(console), a_complaint(console), a_campaign(console)
    return {
        "/console/breaches": (frozenset({"dco"}), 403),
        f"/console/breaches/{breach}": (frozenset({"dco"}), 403),
        f"/console/breaches/{breach}/draft": (frozenset({"dco"}), 403),
        "/console/complaints": (frozenset({"dco", "admin_a"}), 403),
        "/console/retention": (frozenset({"dco", "auditor"}), 403),
        "/console/audit": (frozenset({"dco", "auditor"}), 403),
        "/console/marketing": (EVERYONE, 403),
        f"/console/marketing/{campaign}": (frozenset({"marketing"}), 403),
        f"/console/complaints/{complaint}": (frozenset({"dco"}), 403),
    }


def test_each_page_opens_for_its_roles_and_refuses_the_others(console: Console) -> None:
    for path, (readers, refused) in _pages(console).items():
        for who in ROLES:
            answer = console.as_(who).get(path)
            expected = 200 if who in readers else refused
            if who == "admin_a" and path.startswith("/console/complaints/"):
                expected = 404  # a complaint is none of a tenant's: as if it did not exist
            assert answer.status_code == expected, (path, who, answer.status_code)
            assert answer.text.count("<h1>") == 1
            if expected != 200:
                assert "Back to the dashboard" in answer.text  # the console's error page


def test_a_tenant_administrator_sees_none_of_ours(console: Console) -> None:
    complaint, campaign = a_complaint(console), a_campaign(console, "Winter offers")
    admin = console.as_("admin_a")
    listed = admin.get("/console/complaints")
    assert listed.status_code == 200
    assert str(complaint)[:8] not in listed.text
    assert "No complaint" in listed.text
    assert admin.get(f"/console/complaints/{complaint}").status_code == 404
    assert "Winter offers" not in admin.get("/console/marketing").text
    for who in ("admin_a", "dco"):  # neither runs a marketing purpose
        refused = console.as_(who).get(f"/console/marketing/{campaign}")
        assert refused.status_code == 403
        assert "Winter offers" not in refused.text
    assert "Winter offers" in console.as_("marketing").get("/console/marketing").text


def test_the_complaints_page_shows_the_outcome_and_its_opening_is_audited(
    console: Console,
) -> None:
    complaint = a_complaint(console)
    before = console.actions("complaint_outcome_read")
    page = console.as_("dco").get(f"/console/complaints/{complaint}")
    assert page.status_code == 200
    assert FOUND in page.text
    assert console.actions("complaint_outcome_read") == before + 1
    listed = console.as_("dco").get("/console/complaints")
    assert FOUND not in listed.text  # the register never shows an outcome's text
    assert "Outcomes recorded</dt><dd>1" in listed.text


def test_without_a_session_each_page_sends_the_browser_to_sign_in(console: Console) -> None:
    stranger = TestClient(console.app, base_url="https://testserver", follow_redirects=False)
    for path in _pages(console):
        for cookies in ({}, {"dw_session": "not-a-session"}):
            stranger.cookies.clear()
            stranger.cookies.update(cookies)
            answer = stranger.get(path)
            assert answer.status_code == 303, path
            assert answer.headers["location"] == "/console/login"


HOSTILE = (
    "١٢٣",
    "\uff12\uff10\uff12\uff16-\uff11\uff11-\uff12\uff15",
    "9" * 400,
    "<script>alert(1)</script>",
    "2026-13-45",
    "0000-00-00",
    "1.99999999999999999999999",
    "\u202e2026",
    "2999-12-31",
    "1900-01-01",
)


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_query_values_and_ids_give_no_error_and_are_not_repeated(
    console: Console, value: str
) -> None:
    q = quote(value, safe="")
    paths = [
        f"/console/breaches?all={q}",
        f"/console/breaches/{q}",
        f"/console/breaches/{q}/draft",
        f"/console/complaints?since={q}",
        f"/console/complaints?until={q}",
        f"/console/complaints?open={q}",
        f"/console/complaints?cursor={q}",
        f"/console/complaints/{q}",
        f"/console/retention?as_of={q}",
        f"/console/audit?search=1&subject={q}",
        f"/console/audit?search=1&actor={q}",
        f"/console/audit?search=1&action={q}",
        f"/console/audit?search=1&since={q}",
        f"/console/audit?search=1&until={q}",
        f"/console/audit?search=1&cursor={q}",
    ]
    for who, path in [("dco", p) for p in paths] + [("marketing", f"/console/marketing/{q}")]:
        answer = console.as_(who).get(path)
        assert answer.status_code < 500, (path, answer.status_code)
        assert "<script>" not in answer.text, path
        if answer.status_code != 200:  # refused: never repeated (a value taken is shown back)
            assert value not in answer.text, path
        if answer.status_code == 422:
            assert answer.text.count("<h1>") == 1
