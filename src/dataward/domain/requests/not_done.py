"""What a partly completed request did not do, item by item, as its letter states it.

A request completed only in part owes the person, for each thing not done (UK GDPR Art.
12(4)): what it is, the ground, in the register's own words, and until when the data is kept,
on an exact date or, where the date hangs on an event that has not happened yet, which event.
The letter adds the right to complain to the ICO and to a judicial remedy. Three rights end in
part:

- **erasure** keeps, item per litigation hold, everything the hold keeps, on its ground
  (Art. 17(3)(e) for legal claims, (b) for an enquiry or investigation the law makes us keep
  it for), until the hold is lifted and the hold's next review date;
- **erasure** keeps what a legal obligation keeps (Art. 17(3)(b)): per category, the fields
  kept, the purpose that keeps them, which of the rule's terms the law sets (six years from the
  end of the financial year of the last transaction) and which is our own policy (seven years
  after the relationship ends), each with its date, and the rule as the notice states it;
- **objection** overridden by compelling legitimate grounds (Art. 21(1)): the purpose that goes
  on, the interest the register states for it and the DCO's reasons;
- **portability** leaves out what Art. 20 does not reach: each item, and why.

Pure: the items are built from the register and dates the caller gives, and stored with the
request's outcome (they hold no personal data: categories, field names, grounds and dates).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Final

from dataward.domain.processing.litigation_holds import HoldGround
from dataward.domain.processing.retention import RetentionOutcome
from dataward.domain.register.model import (
    HoldKind,
    Purpose,
    Register,
    RetentionEvent,
    RetentionRule,
    RetentionTerm,
)
from dataward.domain.register.wording import EVENT_WORDS, HOLD_WORDS, basis_text, describe_period

ART_20 = (
    "The right to data portability covers only the data you gave us that we process by "
    "automated means on the basis of your consent or of a contract with you "
    "(UK GDPR Art. 20(1))."
)


@dataclass(frozen=True, slots=True)
class NotDone:
    """One thing a request asked that was not done: the letter prints each field as is."""

    what: str
    ground: str
    kept_until: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def long_date(day: date) -> str:
    """A date as a letter writes it: 31 March 2033."""
    return f"{day.day} {day:%B %Y}"


PER_RECORD: Final = frozenset(
    {
        RetentionEvent.COLLECTION,
        RetentionEvent.LAST_INTERACTION,
        RetentionEvent.CALL_END,
        RetentionEvent.SESSION_END,
    }
)
"""Events each record has its own of (a call's end, a log line's collection): a period from
one of them gives each record its own date, never one date for the person."""


def kept_until(rule: RetentionRule, outcome: RetentionOutcome) -> str:
    """Until when data under `rule` is kept: the exact day it goes; or the period, and the
    events about the person still missing that it runs from (never a date guessed for them)."""
    if outcome.delete_on is not None:
        return f"until {long_date(outcome.delete_on)}, when it is deleted"
    text = f"for {describe_period(rule)}"
    missing = [event for event in outcome.waiting_for if event not in PER_RECORD]
    if len(missing) < len(outcome.waiting_for):
        text += ", each record counted from its own date"
    if missing:
        events = _and_list(EVENT_WORDS[event] for event in missing)
        text += (
            f"; no date can be set yet, because it runs from {events}, which has not "
            "happened yet or is not known to us"
        )
    return text


LAW_EVENTS: Final = frozenset({RetentionEvent.FINANCIAL_YEAR_END_OF_LAST_TRANSACTION})
"""The events a term of a tax-driven rule runs from when the law sets it: company and tax
records, kept for six years from the end of the financial year of the last transaction (HMRC).
Every other term of such a rule (seven years after the relationship ends) is company policy
(docs/legal-rules.md A8)."""


@dataclass(frozen=True, slots=True)
class KeptByLaw:
    """What a legal obligation keeps of a person: `kept` maps each category kept to the keys
    of its fields kept (none known: the category as a whole); the purposes that keep it, their
    retention rule, and when that rule lets it go (`RetentionOutcome`)."""

    kept: Mapping[str, Sequence[str]]
    purposes: Sequence[str]
    rule: RetentionRule
    outcome: RetentionOutcome


def kept_by_law(register: Register, law: KeptByLaw, *, after_holds: bool = False) -> list[NotDone]:
    """An erasure's items for what a legal obligation keeps, a category each. The ground says
    which of the rule's terms the law sets and which is our own policy, each with its own date
    where the outcome has it (`term_ends`). `after_holds`: what it will still keep once the
    litigation holds that keep everything now are lifted."""
    kept, rule, outcome = law.kept, law.rule, law.outcome
    activities = " ".join(register.purpose(key).activity for key in law.purposes) or rule.name
    ground = _law_and_policy(rule, outcome) + (
        f" We keep it for this purpose: {activities} Our retention rule, as our privacy notice "
        f"states it: {rule.legal_reference}"
    )
    until = kept_until(rule, outcome)
    items = []
    for key in sorted(kept):
        category = register.category(key)
        labels = [f.label for f in category.fields if f.key in set(kept[key])]
        what = (
            f"Once every hold above is lifted, we will still keep your {category.name}"
            if after_holds
            else f"We have not erased your {category.name}"
        )
        items.append(
            NotDone(f"{what}: {_and_list(labels)}." if labels else f"{what}.", ground, until)
        )
    return items


def _law_and_policy(rule: RetentionRule, outcome: RetentionOutcome) -> str:
    """Which terms of a tax-driven rule the law sets and which our policy does, truthfully:
    the right to erasure gives way only to the law's (Art. 17(3)(b))."""
    dated = len(outcome.term_ends) == len(rule.terms)
    ends: Sequence[date | None] = outcome.term_ends if dated else (None,) * len(rule.terms)
    law = [(t, end) for t, end in zip(rule.terms, ends, strict=True) if t.runs_from in LAW_EVENTS]
    policy = [
        (t, end) for t, end in zip(rule.terms, ends, strict=True) if t.runs_from not in LAW_EVENTS
    ]
    if law:
        periods = _and_list(_term_words(term, end, dated=dated) for term, end in law)
        text = (
            f"The law requires us to keep it, as company and tax records, for {periods}; the "
            "right to erasure does not reach what a legal obligation keeps (UK GDPR Art. "
            "17(3)(b))."
        )
    else:
        text = (
            "A legal obligation requires us to keep it, and the right to erasure does not reach "
            "what a legal obligation keeps (UK GDPR Art. 17(3)(b))."
        )
    if law and policy:
        periods = _and_list(_term_words(term, end, dated=dated) for term, end in policy)
        text += (
            f" Our company policy, not the law, keeps it for {periods}; it is kept until the "
            "later of these dates."
        )
    return text


def _term_words(term: RetentionTerm, end: date | None, *, dated: bool) -> str:
    """One term and its own date: "6 years from ..., until 31 March 2032"; without `dated`
    (the terms' dates were not worked out), the period alone."""
    words = f"{term.parsed().describe()} from {EVENT_WORDS[term.runs_from]}"
    if not dated:
        return words
    if end is None:
        event = EVENT_WORDS[term.runs_from]
        return f"{words} (no date can be set for it yet: {event} is not known to us)"
    return f"{words}, until {long_date(end)}"


def kept_by_hold(
    register: Register,
    ground: HoldGround,
    review_on: date,
    categories: Iterable[str],
    tax_purposes: Sequence[str],
) -> NotDone:
    """An erasure's item for one litigation hold that keeps the subject: what is kept (all of
    it: a hold keeps the person's data whole), the ground (Art. 17(3)(e) for legal claims,
    17(3)(b) for what the law requires us to keep), in the register's words where it has them,
    and until when. The hold's reason is sealed free text, and never part of it."""
    names = _and_list(register.category(key).name for key in sorted(set(categories)))
    what = (
        f"We have not erased any of your personal data: your {names}, and every record that "
        "refers to you."
        if names
        else "We have not erased any of the personal data we hold about you."
    )
    if ground is HoldGround.LEGAL_CLAIMS:
        text = (
            "It is needed to establish, exercise or defend legal claims, and the right to "
            "erasure does not reach what is needed for that (UK GDPR Art. 17(3)(e))."
        )
        keys: Sequence[str] = [p.key for p in register.purposes if p.key == ground.value]
    else:
        text = (
            f"The law requires us to keep it while {HOLD_WORDS[HoldKind(ground.value)]} that "
            "needs it is open, and the right to erasure does not reach what a legal obligation "
            "keeps (UK GDPR Art. 17(3)(b))."
        )
        keys = tax_purposes if ground is HoldGround.TAX_ENQUIRY else ()
    activities = " ".join(register.purpose(key).activity for key in keys)
    if activities:
        text += f" We keep it for this purpose: {activities}"
    return NotDone(
        what=what,
        ground=text,
        kept_until=f"until the hold is lifted; next reviewed by {long_date(review_on)}",
    )


def objection_overridden(
    register: Register, purpose: Purpose, reasoning: str | None, outcome: RetentionOutcome
) -> NotDone:
    """An objection's item when compelling legitimate grounds override it (Art. 21(1))."""
    interest = purpose.legitimate_interest or "not recorded"
    reasons = f" Our reasons: {reasoning.strip()}" if reasoning and reasoning.strip() else ""
    return NotDone(
        what=f"We have not stopped using your data for this purpose: {purpose.activity}",
        ground=(
            "We have compelling legitimate grounds for it that override your interests, rights "
            "and freedoms (UK GDPR Art. 21(1)). The interest we pursue, as our privacy notice "
            f"states it: {interest}{reasons}"
        ),
        kept_until=kept_until(register.retention_rule(purpose.retention), outcome),
    )


@dataclass(frozen=True, slots=True)
class LeftOut:
    """An item a portable copy leaves out: what it is, the key of its category, and `why`,
    the finding (the bases, or why the right does not apply)."""

    item: str
    category_key: str
    why: str


def not_portable(
    register: Register, left_out: LeftOut, purposes: Iterable[Purpose], outcome: RetentionOutcome
) -> NotDone:
    """A portability item left out: `purposes` are those that hold its category for the
    person, `outcome` when its retention rule lets it go."""
    item, category_key, why = left_out.item, left_out.category_key, left_out.why
    category = register.category(category_key)
    held = [p for p in purposes if category_key in p.categories]
    bases = sorted({basis_text(p.lawful_basis) for p in held if p.lawful_basis is not None})
    for_what = " ".join(p.activity for p in held)
    words = f" We hold it for: {for_what}" if for_what else ""
    if bases:
        words += f" (on the basis of {_and_list(bases)})."
    rule = register.retention_rule(category.retention or register.default_call_retention)
    return NotDone(
        what=f"Not in the copy we sent you: {item} ({category.name}).",
        ground=f"{ART_20} For this data: {why}.{words}",
        kept_until=kept_until(rule, outcome),
    )


def _and_list(items: Iterable[str]) -> str:
    words = list(dict.fromkeys(items))
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
