"""What a partly completed request did not do, in the words its letter states: the register's
grounds, and until when the data is kept, on exact calendar days (leap days, month ends,
financial years) or, where the person's date is unknown, the event still missing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from dataward.domain.processing.legal_hold import held_until, tax_held_categories
from dataward.domain.processing.litigation_holds import HoldGround
from dataward.domain.processing.retention import RetentionOutcome
from dataward.domain.register.model import Register
from dataward.domain.register.wording import EVENT_WORDS
from dataward.domain.requests.not_done import (
    ART_20,
    KeptByLaw,
    LeftOut,
    kept_by_hold,
    kept_by_law,
    kept_until,
    not_portable,
    objection_overridden,
)
from dataward.services.rights.access_info import purposes_for_kind
from tests.builders import register_with_tax_scope, shipped_register


@pytest.fixture
def register() -> Register:
    return shipped_register()


def _with_year_end(register: Register, year_end: str) -> Register:
    org = register.organisation.model_copy(update={"financial_year_end": year_end})
    return register.model_copy(update={"organisation": org})


@pytest.mark.parametrize(
    ("year_end", "relationship_end", "last_transaction", "expected"),
    [
        # a relationship ended on a leap day: 7 years on is 28 February, no 29th that year;
        # the financial year (to 31 March) of a last transaction that day ends 31 March 2024
        ("03-31", date(2024, 2, 29), date(2024, 2, 29), "until 28 February 2031"),
        # the tax term is the later: a last transaction on the year's last day
        ("12-31", date(2025, 6, 30), date(2026, 12, 31), "until 31 December 2032"),
        # a year ending 28 February: a transaction on 29 February 2024 falls in the year to
        # 28 February 2025; six years on is 28 February 2031, later than 7y from 2023-12-31
        ("02-28", date(2023, 12, 31), date(2024, 2, 29), "until 28 February 2031"),
    ],
)
def test_the_tax_hold_is_kept_until_an_exact_calendar_day(
    register: Register,
    year_end: str,
    relationship_end: date,
    last_transaction: date,
    expected: str,
) -> None:
    register = _with_year_end(register, year_end)
    rule = register.retention_rule("customer_records")
    outcome = held_until(
        register, rule, relationship_end=relationship_end, last_transaction=last_transaction
    )
    assert kept_until(rule, outcome) == f"{expected}, when it is deleted"


def test_an_unknown_event_is_named_and_no_date_is_guessed(register: Register) -> None:
    rule = register.retention_rule("customer_records")
    outcome = held_until(register, rule, relationship_end=None, last_transaction=date(2026, 1, 5))
    text = kept_until(rule, outcome)
    assert "until" not in text
    assert text.startswith("for 7 years from the end of the relationship, or 6 years")
    assert text.endswith(
        f"no date can be set yet, because it runs from {EVENT_WORDS[rule.terms[0].runs_from]}, "
        "which has not happened yet or is not known to us"
    )


def test_a_period_each_record_counts_from_its_own_date_is_not_a_missing_event(
    register: Register,
) -> None:
    rule = register.retention_rule("technical_logs")  # 13 months from collection
    text = kept_until(
        rule, held_until(register, rule, relationship_end=None, last_transaction=None)
    )
    assert text == "for 13 months from collection, each record counted from its own date"


def test_what_the_tax_rule_keeps_is_listed_per_category_with_the_registers_ground(
    register: Register,
) -> None:
    register = register_with_tax_scope(register)
    held = tax_held_categories(register, "end_user")
    assert held.rule is not None
    outcome = RetentionOutcome(date(2033, 3, 31))
    kept = {"identity": ["first_name", "last_name"], "contact": ["billing_address"]}
    items = kept_by_law(register, KeptByLaw(kept, held.purposes, held.rule, outcome))
    assert [i.what for i in items] == [
        "We have not erased your Contact Data: Billing address.",
        "We have not erased your Identity Data: First name and Last name.",
    ]
    for item in items:
        assert "UK GDPR Art. 17(3)(b)" in item.ground
        assert register.purpose("business_compliance").activity in item.ground
        assert held.rule.legal_reference in item.ground
        assert item.kept_until == "until 31 March 2033, when it is deleted"
        # a date given whole, without its terms: each term's period, and no date made up
        assert (
            "for 6 years from the end of the financial year of the last transaction; the right"
            in item.ground
        )
        assert "for 7 years from the end of the relationship; it is kept" in item.ground
    whole = kept_by_law(register, KeptByLaw({"identity": []}, held.purposes, held.rule, outcome))
    assert [i.what for i in whole] == ["We have not erased your Identity Data."]


@dataclass(frozen=True)
class Terms:
    """A financial year's end, the person's dates, and the day each term ends on."""

    year_end: str
    relationship_end: date
    last_transaction: date
    law: str
    policy: str


@pytest.mark.parametrize(
    "terms",
    [
        # the policy's seven years end later than the law's six: each has its own date
        Terms("03-31", date(2026, 3, 31), date(2026, 3, 31), "31 March 2032", "31 March 2033"),
        # a last transaction on a leap day, in a year ending 28 February: six years from
        # 28 February 2025; a relationship ended on the leap day, seven years on 28 February
        Terms(
            "02-28", date(2024, 2, 29), date(2024, 2, 29), "28 February 2031", "28 February 2031"
        ),
    ],
)
def test_an_erasure_says_which_term_is_law_and_which_is_policy_each_with_its_date(
    register: Register, terms: Terms
) -> None:
    """Only the HMRC floor (6 years from the end of the financial year of the last
    transaction) is a legal obligation; 7 years after the relationship is company policy."""
    register = register_with_tax_scope(_with_year_end(register, terms.year_end))
    held = tax_held_categories(register, "end_user")
    assert held.rule is not None
    outcome = held_until(
        register,
        held.rule,
        relationship_end=terms.relationship_end,
        last_transaction=terms.last_transaction,
    )
    (item,) = kept_by_law(register, KeptByLaw({"identity": []}, held.purposes, held.rule, outcome))
    assert item.ground.startswith(
        "The law requires us to keep it, as company and tax records, for 6 years from the end "
        f"of the financial year of the last transaction, until {terms.law}; the right to "
        "erasure does not reach what a legal obligation keeps (UK GDPR Art. 17(3)(b)). Our "
        "company policy, not the law, keeps it for 7 years from the end of the relationship, "
        f"until {terms.policy}; it is kept until the later of these dates."
    )
    assert "The law that requires it" not in item.ground


def test_a_litigation_hold_keeps_everything_on_its_ground_until_it_is_lifted(
    register: Register,
) -> None:
    review = date(2027, 2, 28)
    claims = kept_by_hold(register, HoldGround.LEGAL_CLAIMS, review, ["identity", "contact"], ())
    assert claims.what == (
        "We have not erased any of your personal data: your Contact Data and Identity Data, "
        "and every record that refers to you."
    )
    assert "(UK GDPR Art. 17(3)(e))" in claims.ground
    assert claims.ground.endswith(
        f"We keep it for this purpose: {register.purpose('legal_claims').activity}"
    )
    assert claims.kept_until == "until the hold is lifted; next reviewed by 28 February 2027"
    # no purpose of that name in a register: the ground is said plainly, and no purpose named
    others = [p for p in register.purposes if p.key != "legal_claims"]
    plain = kept_by_hold(
        register.model_copy(update={"purposes": others}),
        HoldGround.LEGAL_CLAIMS,
        review,
        [],
        (),
    )
    assert plain.what == "We have not erased any of the personal data we hold about you."
    assert "purpose" not in plain.ground
    enquiry = kept_by_hold(
        register, HoldGround.TAX_ENQUIRY, review, ["contact"], ("business_compliance",)
    )
    assert enquiry.ground.startswith("The law requires us to keep it while a tax enquiry")
    assert "(UK GDPR Art. 17(3)(b))" in enquiry.ground
    assert register.purpose("business_compliance").activity in enquiry.ground
    regulator = kept_by_hold(
        register,
        HoldGround.REGULATORY_INVESTIGATION,
        review,
        ["contact"],
        ("business_compliance",),
    )
    assert regulator.ground == (
        "The law requires us to keep it while a regulatory investigation that needs it is "
        "open, and the right to erasure does not reach what a legal obligation keeps (UK GDPR "
        "Art. 17(3)(b))."
    )


def test_an_overridden_objection_gives_the_registers_interest_and_the_reasons(
    register: Register,
) -> None:
    purpose = register.purpose("debt_recovery")
    rule = register.retention_rule(purpose.retention)
    outcome = held_until(
        register, rule, relationship_end=date(2020, 1, 31), last_transaction=date(2020, 1, 31)
    )
    item = objection_overridden(register, purpose, "  An unpaid invoice is in court.  ", outcome)
    assert item.what.endswith(purpose.activity)
    assert f"as our privacy notice states it: {purpose.legitimate_interest}" in item.ground
    assert item.ground.endswith("Our reasons: An unpaid invoice is in court.")
    assert item.kept_until == "until 31 January 2027, when it is deleted"  # 7y, later than 6y
    assert "Our reasons" not in objection_overridden(register, purpose, " ", outcome).ground


def test_data_left_out_of_a_portable_copy_says_why_in_the_registers_words(
    register: Register,
) -> None:
    purposes = purposes_for_kind(register, "website_visitor")
    rule = register.retention_rule("technical_logs")
    left_out = LeftOut(
        "your ip address", "technical", "legitimate interests: Art. 20 does not apply"
    )
    outcome = held_until(register, rule, relationship_end=None, last_transaction=None)
    item = not_portable(register, left_out, purposes, outcome)
    assert item.what == "Not in the copy we sent you: your ip address (Technical Data)."
    assert item.ground.startswith(ART_20)
    assert "legitimate interests: Art. 20 does not apply" in item.ground
    assert register.purpose("business_administration").activity in item.ground
    assert "Legitimate interests (Art. 6(1)(f) UK GDPR)" in item.ground
