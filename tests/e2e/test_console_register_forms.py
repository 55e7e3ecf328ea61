"""The register pages' forms on SQLite and PostgreSQL: a form without the session's CSRF token,
with a wrong one, or sent from another site is refused (403) and records nothing; the DCO
records a breach by UK wall-clock time and sees its 72-hour clock, judges it, reports it and
closes it; a time the form cannot take is refused by name and never repeated; the ICO's
involvement in a complaint is recorded; a sweep runs by form for the DCO only; each page of an
audit search is recorded as `audit_searched`."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest

from dataward.domain.breaches.deadline import UK
from dataward.services.breaches.register import list_breaches, show_breach
from dataward.services.retention.history import retention_history
from dataward.services.rights.complaint_register import show_complaint
from tests.e2e.console_backends import Console, console_fixture  # noqa: F401 - the fixture
from tests.e2e.register_pages_data import a_breach, a_complaint

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _uk(console: Console, hours_ago: int) -> str:
    """A UK wall-clock time `hours_ago` before the tests' now, as the form takes it."""
    at = console.container.clock.now() - timedelta(hours=hours_ago)
    return at.astimezone(UK).strftime("%Y-%m-%dT%H:%M")


def _forms(console: Console) -> list[tuple[str, dict[str, Any]]]:
    breach, complaint = a_breach(console), a_complaint(console)
    return [
        (
            "/console/breaches",
            {
                "aware_at": _uk(console, 1),
                "natures": "integrity",
                "description": "A file share was opened to everyone.",
            },
        ),
        (
            f"/console/breaches/{breach}/assessment",
            {
                "likelihood": "likely",
                "severity": "severe",
                "reasoning": "Many calls exposed.",
                "people": "12",
            },
        ),
        (f"/console/breaches/{breach}/reports", {"phase": "initial", "at": _uk(console, 1)}),
        (f"/console/breaches/{breach}/close", {}),
        (
            f"/console/complaints/{complaint}/ico",
            {"reference": "IC-123456-A1B2", "on": str(console.container.clock.now().date())},
        ),
        ("/console/retention/sweep", {}),
    ]


def _state(console: Console) -> tuple[Any, ...]:
    """What any of the forms would change."""
    ctx = console.ctx()
    breaches = list_breaches(ctx, include_closed=True)
    return (
        sorted((str(v.breach.id), v.breach.version, v.breach.closed_at) for v in breaches),
        sorted(str(v.breach.reports) for v in breaches),
        len(retention_history(ctx, 1000)),
    )


def _icos(console: Console, complaints: list[str]) -> list[Any]:
    return [show_complaint(console.ctx(), c).row.ico for c in complaints]


@pytest.mark.parametrize(
    ("token", "headers"),
    [
        (None, {}),
        ("wrong-token-of-the-right-length-000000", {}),
        ("", {}),
        ("right", {"Sec-Fetch-Site": "cross-site"}),
        ("right", {"Origin": "https://elsewhere.example"}),
    ],
    ids=["missing", "wrong", "empty", "cross-site", "other-origin"],
)
def test_a_form_without_the_sessions_token_is_refused_and_records_nothing(
    console: Console, token: str | None, headers: dict[str, str]
) -> None:
    forms = _forms(console)
    complaints = [p.split("/")[3] for p, _ in forms if p.startswith("/console/complaints/")]
    before, icos = _state(console), _icos(console, complaints)
    right = console.csrf("dco", "/console/breaches")
    dco = console.as_("dco")
    for path, fields in forms:
        sent = dict(fields)
        if token is not None:
            sent["csrf"] = right if token == "right" else token  # noqa: S105 - a test's token
        answer = dco.post(path, data=sent, headers=headers)
        assert answer.status_code == 403, (path, answer.status_code)
        assert "Form refused" in answer.text
    assert _state(console) == before
    assert _icos(console, complaints) == icos


def _post(console: Console, who: str, path: str, fields: dict[str, str]) -> Any:
    token = console.csrf(who, "/console")
    return console.as_(who).post(path, data={"csrf": token, **fields})


def test_the_dco_records_a_breach_by_uk_time_and_works_it_to_its_close(console: Console) -> None:
    made = _post(
        console,
        "dco",
        "/console/breaches",
        {
            "aware_at": _uk(console, 3),
            "natures": "confidentiality",
            "description": "Call exports were e-mailed to the wrong customer.",
            "consequences": "Another customer saw callers' numbers.",
            "measures": "The customer deleted the e-mail and confirmed it.",
        },
    )
    assert made.status_code == 303
    found = re.fullmatch(
        r"/console/breaches/([0-9a-f-]{36})\?done=recorded", made.headers["location"]
    )
    assert found is not None
    breach = UUID(found.group(1))
    assert show_breach(console.ctx(), breach).breach.aware_at == (
        console.container.clock.now() - timedelta(hours=3)
    ).replace(second=0, microsecond=0)
    page = console.as_("dco").get(made.headers["location"])
    assert "The breach is recorded." in page.text
    assert "ICO clock: 69 h 00 min left" in page.text
    assert " GMT" in page.text or " BST" in page.text  # UK time beside UTC
    draft = console.as_("dco").get(f"/console/breaches/{breach}/draft")
    assert draft.status_code == 200
    assert "Call exports were e-mailed to the wrong customer." in draft.text
    judged = _post(
        console,
        "dco",
        f"/console/breaches/{breach}/assessment",
        {
            "likelihood": "possible",
            "severity": "significant",
            "reasoning": "Numbers were seen.",
            "people": "40",
            "categories": "telephony_activity",
        },
    )
    assert judged.status_code == 303
    for phase, hours_ago in (("initial", 2), ("final", 1)):
        reported = _post(
            console,
            "dco",
            f"/console/breaches/{breach}/reports",
            {"phase": phase, "at": _uk(console, hours_ago), "reference": "ICO-0001"},
        )
        assert reported.status_code == 303, reported.text
    shown = show_breach(console.ctx(), breach).breach
    assert shown.assessment is not None
    assert [r.phase.value for r in shown.reports] == ["initial", "final"]
    page = console.as_("dco").get(f"/console/breaches/{breach}")
    assert "ICO-0001" in page.text
    assert "(stopped)" in page.text
    closed = _post(console, "dco", f"/console/breaches/{breach}/close", {})
    assert closed.status_code == 303, closed.text
    assert show_breach(console.ctx(), breach).breach.closed_at is not None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("aware_at", "<script>alert(1)</script>"),
        ("aware_at", "\uff12\uff10\uff12\uff16-\uff11\uff11-\uff12\uff15T10:00"),
        ("aware_at", "2999-01-01T10:00"),
        ("aware_at", "9" * 500),
        ("natures", "<script>"),
        ("description", ""),
        ("tenants", "no-such-tenant-xyz"),
    ],
)
def test_a_breach_the_form_cannot_take_is_refused_by_name_and_not_repeated(
    console: Console, field: str, value: str
) -> None:
    fields = {
        "aware_at": _uk(console, 2),
        "natures": "availability",
        "description": "The call store was unreachable for a day.",
    }
    before = _state(console)
    answer = _post(console, "dco", "/console/breaches", {**fields, field: value})
    assert answer.status_code in (404, 422), answer.status_code
    if value:
        assert value not in answer.text
    assert "<script>" not in answer.text
    assert _state(console) == before


def test_a_uk_time_the_clocks_skip_or_show_twice_is_refused(console: Console) -> None:
    year = console.container.clock.now().year - 1  # a year surely past
    for month, says in ((3, "skip"), (10, "twice")):
        last_sunday = max(d for d in range(25, 32) if date(year, month, d).weekday() == 6)
        answer = _post(
            console,
            "dco",
            "/console/breaches",
            {
                "aware_at": f"{year}-{month:02d}-{last_sunday}T01:30",
                "natures": "integrity",
                "description": "Altered.",
            },
        )
        assert answer.status_code == 422
        assert says in answer.text


def test_only_the_dco_records_a_breach(console: Console) -> None:
    before = _state(console)
    for who in ("operator", "auditor", "admin_a", "marketing"):
        answer = _post(
            console,
            who,
            "/console/breaches",
            {"aware_at": _uk(console, 1), "natures": "integrity", "description": "Altered."},
        )
        assert answer.status_code == 403, who
    assert _state(console) == before


def test_the_dco_records_the_icos_involvement_in_a_complaint(console: Console) -> None:
    complaint = a_complaint(console)
    today = console.container.clock.now().date()
    bad = _post(
        console,
        "dco",
        f"/console/complaints/{complaint}/ico",
        {"reference": "<b>", "on": str(today)},
    )
    assert bad.status_code == 422
    assert "<b>" not in bad.text
    done = _post(
        console,
        "dco",
        f"/console/complaints/{complaint}/ico",
        {"reference": "IC-123456-A1B2", "on": str(today)},
    )
    assert done.status_code == 303
    page = console.as_("dco").get(done.headers["location"])
    assert "Case IC-123456-A1B2" in page.text
    case = show_complaint(console.ctx(), complaint).row.ico
    assert case is not None
    assert case.notified == today
    refused = _post(
        console,
        "admin_a",
        f"/console/complaints/{complaint}/ico",
        {"reference": "IC-999999-ZZZZ", "on": str(today)},
    )
    assert refused.status_code == 404


def test_a_sweep_runs_by_form_for_the_dco_only(console: Console) -> None:
    assert "Run the sweep" not in console.as_("auditor").get("/console/retention").text
    refused = _post(console, "auditor", "/console/retention/sweep", {})
    assert refused.status_code == 403
    assert retention_history(console.ctx(), 1000) == []
    swept = _post(console, "dco", "/console/retention/sweep", {})
    assert swept.status_code == 303
    assert retention_history(console.ctx(), 1000) != []
    page = console.as_("dco").get(swept.headers["location"])
    assert "The sweep ran" in page.text
    tomorrow = console.container.clock.now().date() + timedelta(days=1)
    late = _post(console, "dco", "/console/retention/sweep", {"as_of": str(tomorrow)})
    assert late.status_code in (409, 422)


def test_each_page_of_an_audit_search_is_recorded(console: Console) -> None:
    breach = a_breach(console)
    before = console.actions("audit_searched")
    page = console.as_("auditor").get(
        "/console/audit", params={"search": "1", "action": "breach_recorded"}
    )
    assert page.status_code == 200
    assert str(breach) in page.text
    assert console.actions("audit_searched") == before + 1
    console.as_("auditor").get("/console/audit")  # the form alone searches nothing
    assert console.actions("audit_searched") == before + 1
    assert "The chain is intact" in page.text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("people", "١٢"),
        ("people", "9" * 20),
        ("records", "-1"),
        ("likelihood", "LIKELY-ish"),
        ("severity", "<script>"),
        ("categories", "<script>"),
    ],
)
def test_a_judgement_the_form_cannot_take_is_refused_and_not_repeated(
    console: Console, field: str, value: str
) -> None:
    breach = a_breach(console)
    fields = {
        "likelihood": "possible",
        "severity": "minimal",
        "reasoning": "Few calls.",
        "people": "3",
    }
    answer = _post(
        console, "dco", f"/console/breaches/{breach}/assessment", {**fields, field: value}
    )
    assert answer.status_code == 422
    assert value not in answer.text
    assert show_breach(console.ctx(), breach).breach.assessment is None
