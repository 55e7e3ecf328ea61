"""The breach clock and the risk judgement, on exact calendar cases. Pure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dataward.domain.breaches.assessment import (
    Factors,
    Likelihood,
    Nature,
    Outcome,
    Severity,
    assess,
    check_factors,
)
from dataward.domain.breaches.deadline import (
    UK,
    controller_deadline,
    ico_deadline,
    parse_time,
    remaining,
    uk_time,
)
from dataward.domain.errors import InvalidValue

NOW = datetime(2030, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("aware_uk", "deadline_uk"),
    [
        # the clocks go back at 02:00 BST on Sunday 25 October 2026: the deadline's wall time
        # is an hour earlier than the awareness's
        ("2026-10-24T01:30", "2026-10-27 00:30 GMT"),
        # forward at 01:00 GMT on Sunday 29 March 2026: an hour later
        ("2026-03-28T12:00", "2026-03-31 13:00 BST"),
        # no change between: the same wall time
        ("2026-06-10T09:15", "2026-06-13 09:15 BST"),
        # a leap day
        ("2028-02-27T23:00", "2028-03-01 23:00 GMT"),
    ],
)
def test_the_deadline_is_72_elapsed_hours(aware_uk: str, deadline_uk: str) -> None:
    aware = parse_time("aware_at", aware_uk, now=NOW)
    assert uk_time(ico_deadline(aware)) == deadline_uk
    assert ico_deadline(aware) - aware == timedelta(hours=72)


def test_times_with_an_offset_or_z_are_the_same_moment() -> None:
    a = parse_time("t", "2026-10-24T00:30Z", now=NOW)
    b = parse_time("t", "2026-10-24T01:30+01:00", now=NOW)
    c = parse_time("t", "2026-10-24T01:30", now=NOW)
    assert a == b == c
    assert a.tzinfo is UTC


@pytest.mark.parametrize(
    "text",
    [
        "2026-10-25T01:30",  # shown twice
        "2026-03-29T01:30",  # skipped
        "2026-02-30T10:00",
        "2026-01-01T24:00",
        "2026-01-01",
        "2026-01-01T10:00+15:00",
        "2026-01-01T10:00+01:60",
        "\u0662026-01-01T10:00",
        "1999-12-31T23:59Z",
        "2030-01-01T00:01Z",
        "2026-01-01T10:00" + " " * 50,
    ],
)
def test_what_is_not_one_moment_before_now_is_refused(text: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        parse_time("aware_at", text, now=NOW)
    assert text.strip() not in str(refused.value)


def test_remaining_counts_down_then_up() -> None:
    deadline = datetime(2026, 1, 4, 12, tzinfo=UTC)
    assert remaining(deadline, deadline - timedelta(minutes=90)).describe() == "1 h 30 min left"
    assert remaining(deadline, deadline).describe() == "0 h 00 min left"
    assert remaining(deadline, deadline + timedelta(hours=50)).describe() == "50 h 00 min late"
    assert controller_deadline(deadline, 24) - deadline == timedelta(hours=24)
    assert uk_time(deadline.astimezone(UK)) == "2026-01-04 12:00 GMT"


def _factors(
    likelihood: Likelihood, severity: Severity, *, people: int = 10, **other: object
) -> Factors:
    return Factors(
        likelihood=likelihood,
        severity=severity,
        categories=frozenset(other.get("categories", frozenset())),  # type: ignore[arg-type]
        people=people,
        unintelligible=bool(other.get("unintelligible", False)),
        reasoning="why",
    )


@pytest.mark.parametrize(
    ("likelihood", "severity", "outcome", "risk"),
    [
        (Likelihood.REMOTE, Severity.MINIMAL, Outcome.NOT_REPORTABLE, 1),
        (Likelihood.POSSIBLE, Severity.MINIMAL, Outcome.NOT_REPORTABLE, 2),
        (Likelihood.REMOTE, Severity.SEVERE, Outcome.REPORT_ICO, 3),
        (Likelihood.POSSIBLE, Severity.SIGNIFICANT, Outcome.REPORT_ICO, 4),
        (Likelihood.POSSIBLE, Severity.SEVERE, Outcome.TELL_PEOPLE, 6),
        (Likelihood.LIKELY, Severity.SEVERE, Outcome.TELL_PEOPLE, 9),
    ],
)
def test_the_risk_matrix(
    likelihood: Likelihood, severity: Severity, outcome: Outcome, risk: int
) -> None:
    decision = assess(_factors(likelihood, severity))
    assert (decision.outcome, decision.risk) == (outcome, risk)


def test_the_factors_move_the_judgement_with_their_reasons() -> None:
    calls = assess(_factors(Likelihood.POSSIBLE, Severity.MINIMAL, categories={"financial"}))
    assert calls.severity is Severity.SIGNIFICANT
    assert calls.outcome is Outcome.REPORT_ICO
    assert any("financial" in r for r in calls.reasons)
    many = assess(_factors(Likelihood.POSSIBLE, Severity.SIGNIFICANT, people=1000))
    assert many.outcome is Outcome.TELL_PEOPLE
    hidden = assess(_factors(Likelihood.LIKELY, Severity.SEVERE, unintelligible=True))
    assert hidden.outcome is Outcome.REPORT_ICO
    assert hidden.likelihood is Likelihood.REMOTE


def test_unintelligible_only_for_a_loss_of_confidentiality() -> None:
    factors = _factors(Likelihood.LIKELY, Severity.SEVERE, unintelligible=True)
    check_factors(factors, {Nature.CONFIDENTIALITY}, ["contact"])
    with pytest.raises(InvalidValue, match="unintelligible"):
        check_factors(factors, {Nature.CONFIDENTIALITY, Nature.AVAILABILITY}, ["contact"])
    with pytest.raises(InvalidValue, match="categories"):
        check_factors(
            _factors(Likelihood.LIKELY, Severity.SEVERE, categories={"nope"}), set(), ["contact"]
        )
