"""Whether a breach must be reported, and to whom (UK GDPR Art. 33(1), 34(1), 34(3)). Pure.

The DCO judges the likelihood and the severity of the risk to people; the factors the ICO's
guidance names then move that judgement, each with a reason kept in the decision trail:

- the categories of data: financial data, or data about calls (who called whom, when), can
  cause harm on its own, so its severity is at least `significant`;
- the volume: 1,000 people or more raises the severity one step (a breach of many people's
  data is harder to contain and more likely to reach someone who misuses it);
- intelligibility: data encrypted under keys that were not compromised, lost in confidence
  only (not in integrity or availability), is unintelligible to whoever has it, so the
  likelihood is `remote`, and people need not be told (Art. 34(3)(a)).

Risk is the product of the two (1 to 9). Below 3 the breach is unlikely to result in a risk:
recorded with its reasoning, not reported (Art. 33(1), 33(5)). From 3 the ICO is told. From 6
the risk is high: the people are told too (Art. 34(1)), unless the data was unintelligible.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Final

from dataward.domain.bounds import check_printable
from dataward.domain.errors import InvalidValue


class Nature(StrEnum):
    """What the breach lost: confidentiality (disclosed, accessed), integrity (altered),
    availability (lost, destroyed, unreachable)."""

    CONFIDENTIALITY = "confidentiality"
    INTEGRITY = "integrity"
    AVAILABILITY = "availability"


class Likelihood(IntEnum):
    REMOTE = 1
    POSSIBLE = 2
    LIKELY = 3


class Severity(IntEnum):
    MINIMAL = 1
    SIGNIFICANT = 2
    SEVERE = 3


class Outcome(StrEnum):
    NOT_REPORTABLE = "not_reportable"
    """Unlikely to result in a risk: recorded with the reasoning, not reported."""
    REPORT_ICO = "report_ico"
    TELL_PEOPLE = "tell_people"
    """A high risk: the ICO is told, and so are the people."""


HARMFUL_ON_THEIR_OWN: Final = frozenset({"financial", "telephony_activity"})
MANY_PEOPLE: Final = 1000
REPORT_FROM: Final = 3
HIGH_FROM: Final = 6
MAX_TEXT: Final = 4000


@dataclass(frozen=True, slots=True)
class Factors:
    """What the DCO judged, and what it was judged on."""

    likelihood: Likelihood
    severity: Severity
    categories: frozenset[str]
    people: int
    """How many people, approximately (from `breaches affected`, or the DCO's estimate)."""
    unintelligible: bool
    """Encrypted (or otherwise unintelligible) under keys that were not compromised."""
    reasoning: str
    """Why: Art. 33(5) asks for it, above all when the breach is not reported."""
    records: int | None = None
    """How many records, approximately, where no store counts them (the DCO's estimate)."""


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    likelihood: Likelihood
    severity: Severity
    risk: int
    reasons: tuple[str, ...]
    """How each factor moved the judgement, in words (the decision trail)."""


def check_factors(factors: Factors, natures: Iterable[Nature], known: Iterable[str]) -> None:
    """Refuse factors that cannot be judged on, naming the field."""
    if not 0 <= factors.people <= 10**9:
        raise InvalidValue("people", "a whole number of people from 0 to 1,000,000,000")
    if factors.records is not None and not 0 <= factors.records <= 10**12:
        raise InvalidValue("records", "a whole number of records from 0 to 10^12")
    unknown = sorted(factors.categories - set(known))
    if unknown:
        raise InvalidValue("categories", f"register data categories ({', '.join(sorted(known))})")
    if not factors.reasoning.strip():
        raise InvalidValue("reasoning", "say why (Art. 33(5) keeps the reasoning)")
    if len(factors.reasoning) > MAX_TEXT:
        raise InvalidValue("reasoning", f"at most {MAX_TEXT} characters")
    check_printable("reasoning", factors.reasoning)
    if factors.unintelligible and set(natures) != {Nature.CONFIDENTIALITY}:
        raise InvalidValue(
            "unintelligible",
            "only for a breach of confidentiality alone: encryption does not restore data "
            "that was altered or lost",
        )


def assess(factors: Factors) -> Decision:
    """The outcome the factors lead to, with the reason for each step."""
    likelihood, severity = factors.likelihood, factors.severity
    reasons = [f"judged {likelihood.name.lower()} likelihood, {severity.name.lower()} severity"]
    harmful = sorted(factors.categories & HARMFUL_ON_THEIR_OWN)
    if harmful and severity < Severity.SIGNIFICANT:
        severity = Severity.SIGNIFICANT
        reasons.append(f"severity at least significant: {', '.join(harmful)} data")
    if factors.people >= MANY_PEOPLE and severity < Severity.SEVERE:
        severity = Severity(severity + 1)
        reasons.append(f"severity raised to {severity.name.lower()}: {factors.people} people")
    if factors.unintelligible and likelihood > Likelihood.REMOTE:
        likelihood = Likelihood.REMOTE
        reasons.append("likelihood remote: unintelligible under keys not compromised")
    risk = int(likelihood) * int(severity)
    if risk < REPORT_FROM:
        outcome = Outcome.NOT_REPORTABLE
        reasons.append(f"risk {risk} of 9: unlikely to result in a risk, not reported")
    elif risk < HIGH_FROM:  # unintelligible data stops here: remote at most 3
        outcome = Outcome.REPORT_ICO
        reasons.append(f"risk {risk} of 9: the ICO is told")
    else:
        outcome = Outcome.TELL_PEOPLE
        reasons.append(f"risk {risk} of 9 is high: the ICO and the people are told")
    return Decision(outcome, likelihood, severity, risk, tuple(reasons))
