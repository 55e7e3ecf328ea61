"""What an erasure keeps for tax, until when, and whom it tells: pure rules on the register."""

from __future__ import annotations

from datetime import date

from dataward.adapters.register_file import load_register_file
from dataward.domain.legal_hold import held_until, recipients_told, tax_held_categories
from dataward.domain.suppression import suppression_digest

REGISTER = load_register_file().register


def _year_end(value: str):  # type: ignore[no-untyped-def]
    org = REGISTER.organisation.model_copy(update={"financial_year_end": value})
    return REGISTER.model_copy(update={"organisation": org})


def test_only_customers_have_tax_records() -> None:
    held = tax_held_categories(REGISTER, "end_user")
    assert held.categories == {"identity", "contact", "financial", "transaction"}
    assert held.purposes == ("business_compliance",)
    assert not tax_held_categories(REGISTER, "marketing_contact")
    assert not tax_held_categories(REGISTER, "website_visitor")


def test_the_later_term_wins_on_exact_dates() -> None:
    register = _year_end("03-31")
    rule = register.retention_rule("customer_records")
    # relationship end 2026-03-31 + 7y = 2033-03-31; FY of 2026-03-31 ends that day, + 6y
    out = held_until(register, rule, relationship_end=date(2026, 3, 31),
                     last_transaction=date(2026, 3, 31))  # fmt: skip
    assert out.delete_on == date(2033, 3, 31)
    # a transaction on 1 April falls in the next financial year (ends 2027-03-31) + 6y
    out = held_until(register, rule, relationship_end=date(2020, 1, 31),
                     last_transaction=date(2026, 4, 1))  # fmt: skip
    assert out.delete_on == date(2033, 3, 31)
    # leap day: 2024-02-29 + 7y is the last day of February 2031
    out = held_until(_year_end("12-31"), rule, relationship_end=date(2024, 2, 29),
                     last_transaction=date(2020, 6, 1))  # fmt: skip
    assert out.delete_on == date(2031, 2, 28)


def test_an_unknown_event_gives_no_date() -> None:
    rule = REGISTER.retention_rule("customer_records")
    out = held_until(REGISTER, rule, relationship_end=None, last_transaction=date(2026, 1, 5))
    assert out.delete_on is None
    assert [e.value for e in out.waiting_for] == ["relationship_end"]


def test_recipients_follow_purpose_and_field() -> None:
    pairs = {("mondago_marketing", "contact")}
    assert recipients_told(REGISTER, pairs) == ["mondago"]
    assert recipients_told(REGISTER, pairs, fields={"contact": ["delivery_address"]}) == []
    assert recipients_told(REGISTER, {("business_compliance", "financial")}) == [
        "professional_advisers", "tax_authority",
    ]  # fmt: skip


def test_the_suppression_digest_is_not_the_index() -> None:
    index = bytes(range(32))
    assert suppression_digest("email", index) != index
    assert suppression_digest("email", index) != suppression_digest("phone", index)
