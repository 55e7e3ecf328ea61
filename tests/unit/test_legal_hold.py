"""What an erasure keeps for tax, until when, and whom it tells: pure rules on the register."""

from __future__ import annotations

from datetime import date

from dataward.adapters.register_file import load_register_file
from dataward.domain.identifiers import IdentifierType
from dataward.domain.processing.legal_hold import (
    IDENTIFIER_FIELDS,
    LITIGATION_GROUND,
    TAX_GROUND,
    held_until,
    purposes_under_hold,
    recipients_told,
    tax_held_categories,
)
from dataward.domain.processing.suppression import suppression_digest
from tests.builders import TAX_RECORD_FIELDS, register_with_tax_scope

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
    out = held_until(
        register, rule, relationship_end=date(2026, 3, 31), last_transaction=date(2026, 3, 31)
    )
    assert out.delete_on == date(2033, 3, 31)
    # a transaction on 1 April falls in the next financial year (ends 2027-03-31) + 6y
    out = held_until(
        register, rule, relationship_end=date(2020, 1, 31), last_transaction=date(2026, 4, 1)
    )
    assert out.delete_on == date(2033, 3, 31)
    # leap day: 2024-02-29 + 7y is the last day of February 2031
    out = held_until(
        _year_end("12-31"),
        rule,
        relationship_end=date(2024, 2, 29),
        last_transaction=date(2020, 6, 1),
    )
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
        "professional_advisers",
        "tax_authority",
    ]


def test_the_suppression_digest_is_not_the_index() -> None:
    index = bytes(range(32))
    assert suppression_digest("email", index) != index
    assert suppression_digest("email", index) != suppression_digest("phone", index)


def test_the_tax_hold_keeps_what_the_tax_authority_receives_not_the_means_of_contact() -> None:
    held = tax_held_categories(register_with_tax_scope(REGISTER), "customer_contact")
    assert held.fields == set(TAX_RECORD_FIELDS)
    assert held.categories == {"identity", "contact", "financial", "transaction"}
    assert held.purposes == ("business_compliance",)
    kept = {kind for kind in IdentifierType if held.keeps(kind)}
    assert kept == {IdentifierType.NAME, IdentifierType.POSTAL_ADDRESS}


def test_a_name_is_kept_when_either_half_of_it_is_a_tax_field() -> None:
    assert IDENTIFIER_FIELDS[IdentifierType.NAME] == {"identity.first_name", "identity.last_name"}
    held = tax_held_categories(
        register_with_tax_scope(REGISTER, ("identity.last_name", "transaction.payments")),
        "end_user",
    )
    assert held.keeps("name")
    assert not held.keeps("postal_address")
    assert held.categories == {"identity", "transaction"}


def test_a_tax_scope_for_another_purpose_keeps_nothing() -> None:
    register = register_with_tax_scope(REGISTER)
    recipients = [
        r.model_copy(
            update={
                "scopes": [s.model_copy(update={"purposes": ["order_delivery"]}) for s in r.scopes]
            }
        )
        for r in register.recipients
    ]
    held = tax_held_categories(register.model_copy(update={"recipients": recipients}), "end_user")
    assert not held
    assert not held.keeps("name")


def test_an_authority_without_scopes_may_receive_every_field_of_the_purpose() -> None:
    # As the shipped register has it today: every field of business_compliance's categories is
    # then the authority's, the e-mail address and phone included.
    recipients = [
        r.model_copy(update={"scopes": []}) if r.key == "tax_authority" else r
        for r in REGISTER.recipients
    ]
    held = tax_held_categories(REGISTER.model_copy(update={"recipients": recipients}), "end_user")
    assert "contact.email" in held.fields
    assert held.keeps("email")
    assert held.keeps("phone")


def test_a_held_subject_serves_only_the_tax_purpose_storage_and_its_own_requests() -> None:
    assert purposes_under_hold(REGISTER, TAX_GROUND, "end_user") == {
        "business_compliance",
        "secure_storage",
        "rights_and_complaints",
    }
    assert purposes_under_hold(REGISTER, "some_other_ground", "end_user") == {
        "secure_storage",
        "rights_and_complaints",
    }


def test_an_erasure_waiting_for_a_litigation_hold_serves_only_what_the_hold_needs() -> None:
    """Legal claims (Art. 17(3)(e), 18(2)), the records the law keeps, storage and the
    person's own requests; never marketing or the relationship."""
    assert purposes_under_hold(REGISTER, LITIGATION_GROUND, "end_user") == {
        "legal_claims",
        "business_compliance",
        "secure_storage",
        "rights_and_complaints",
    }
    assert purposes_under_hold(REGISTER, LITIGATION_GROUND, "marketing_contact") == {
        "legal_claims",
        "secure_storage",
        "rights_and_complaints",
    }
