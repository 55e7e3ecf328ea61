"""Golden tests: the shipped register says what the policy says, corrected as the law requires."""

from __future__ import annotations

from datetime import date

import pytest

from dataward.adapters.register_file import load_register_file
from dataward.domain.processing.retention import delete_after
from dataward.domain.register.model import LawfulBasis, Register, RetentionEvent, Role


@pytest.fixture(scope="module")
def register() -> Register:
    return load_register_file().register


# Each row of the policy's purposes table, split where the row rests on more than one basis.
POLICY_ROWS = [
    ("register_end_user", 1, LawfulBasis.CONTRACT),
    ("register_channel_partner", 2, LawfulBasis.CONTRACT),
    ("correspondence", 3, LawfulBasis.CONTRACT),
    ("order_delivery", 4, LawfulBasis.CONTRACT),
    ("debt_recovery", 4, LawfulBasis.LEGITIMATE_INTERESTS),
    ("relationship_management", 5, LawfulBasis.CONTRACT),
    ("relationship_notices", 5, LawfulBasis.LEGAL_OBLIGATION),
    ("relationship_feedback", 5, LawfulBasis.LEGITIMATE_INTERESTS),
    ("business_administration", 6, LawfulBasis.LEGITIMATE_INTERESTS),
    ("business_compliance", 6, LawfulBasis.LEGAL_OBLIGATION),
    ("content_and_advertising", 7, LawfulBasis.LEGITIMATE_INTERESTS),
    ("analytics", 8, LawfulBasis.LEGITIMATE_INTERESTS),
]


@pytest.mark.parametrize(("key", "row", "basis"), POLICY_ROWS)
def test_each_policy_row_has_its_lawful_basis(
    register: Register, key: str, row: int, basis: LawfulBasis
) -> None:
    purpose = register.purpose(key)
    assert purpose.policy_row == row
    assert purpose.lawful_basis is basis
    assert purpose.role is Role.CONTROLLER


def test_every_policy_row_is_encoded(register: Register) -> None:
    assert {p.policy_row for p in register.purposes if p.policy_row} == set(range(1, 9))


def test_policy_legitimate_interest_statements_are_kept_word_for_word(register: Register) -> None:
    assert register.purpose("content_and_advertising").legitimate_interest == (
        "To study how Customers use our products/services, to develop them, to grow our "
        "business and to inform our marketing strategy."
    )
    assert (register.purpose("analytics").legitimate_interest or "").startswith(
        "To define types of Customers for our products and services"
    )


def test_consent_is_relied_on_only_for_marketing(register: Register) -> None:
    consent = [p for p in register.purposes if p.lawful_basis is LawfulBasis.CONSENT]
    assert consent
    assert all(p.marketing for p in consent)
    assert set(register.purpose("direct_marketing").consent_channels) == {"email", "sms", "post"}


def test_mondago_receives_exactly_its_two_scopes(register: Register) -> None:
    mondago = register.recipient("mondago")
    assert [s.key for s in mondago.scopes] == ["marketing_and_sales", "contract_fulfilment"]
    marketing, fulfilment = mondago.scopes
    assert marketing.lawful_basis is LawfulBasis.CONSENT  # its marketing: only on consent
    assert fulfilment.lawful_basis is LawfulBasis.CONTRACT
    assert not any(f.startswith("telephony_activity.") for s in mondago.scopes for f in s.fields)
    # an independent controller that markets its own products: its own purposes
    assert mondago.own_purposes_allowed
    assert "independent controller" in mondago.description
    assert "only to people who consented to Mondago's marketing" in " ".join(
        mondago.description.split()
    )


def test_group_companies_provide_the_four_named_services(register: Register) -> None:
    services = register.recipient("group_companies").services
    assert services == ["IT", "system administration", "software development", "visual design"]


def test_controller_and_processor_roles_are_split(register: Register) -> None:
    assert register.category("telephony_activity").role is Role.PROCESSOR
    processor_purposes = register.purposes_for(Role.PROCESSOR)
    assert {p.key for p in processor_purposes} == {"telephony_reporting", "telephony_support"}
    assert all(p.lawful_basis is None and p.controller_instructions for p in processor_purposes)
    assert register.retention_rule(register.default_call_retention).set_by_controller


def test_corrections_of_the_policy_text_are_applied(register: Register) -> None:
    assert not any("1998" in law for law in register.legislation)
    assert any("Data (Use and Access) Act 2025" in law for law in register.legislation)
    assert register.contacts.complaints.acknowledge_within_days == 30
    assert "complain" in {r.key for r in register.rights}
    assert (
        "7 years"
        not in register.retention_rule("customer_records").legal_reference.split("Legal floor")[1]
    )


def test_children_and_prohibited_data(register: Register) -> None:
    assert register.minimum_age == 13
    prohibited = {f for p in register.prohibited_categories for f in p.fields}
    assert {"health", "religion", "criminal_convictions", "biometric_data"} <= prohibited


def test_supervisory_authority_is_the_ico(register: Register) -> None:
    ico = register.contacts.supervisory_authority
    assert ico.website == "https://ico.org.uk"
    assert ico.address.postcode == "SK9 5AF"


# The customer-records rule: the later of 7 years after the relationship ends and 6 years after
# the end of the financial year (31 December in the shipped register) of the last transaction.
@pytest.mark.parametrize(
    ("relationship_end", "last_transaction", "expected"),
    [
        # Ended mid-year, last invoice the same month: 7 years wins (2032-06-30 > 2031-12-31).
        (date(2025, 6, 30), date(2025, 6, 1), date(2032, 6, 30)),
        # Last transaction long after the relationship ended (a late refund): 6 years from
        # the end of 2030 wins.
        (date(2023, 1, 15), date(2030, 3, 1), date(2036, 12, 31)),
        # 29 February has no anniversary in 2031: the month's last day.
        (date(2024, 2, 29), date(2024, 2, 29), date(2031, 2, 28)),
        # Last transaction on the financial year's last day belongs to that year.
        (date(2020, 1, 1), date(2026, 12, 31), date(2032, 12, 31)),
    ],
)
def test_customer_records_are_kept_for_the_later_of_both_terms(
    register: Register, relationship_end: date, last_transaction: date, expected: date
) -> None:
    outcome = delete_after(
        register.retention_rule("customer_records"),
        {
            RetentionEvent.RELATIONSHIP_END: relationship_end,
            RetentionEvent.FINANCIAL_YEAR_END_OF_LAST_TRANSACTION: last_transaction,
        },
        financial_year_end=register.organisation.financial_year_end,
    )
    assert outcome.delete_on == expected


def test_a_current_customer_has_no_deletion_date(register: Register) -> None:
    outcome = delete_after(
        register.retention_rule("customer_records"),
        {RetentionEvent.FINANCIAL_YEAR_END_OF_LAST_TRANSACTION: date(2026, 5, 1)},
        financial_year_end="12-31",
    )
    assert outcome.delete_on is None
    assert outcome.waiting_for == (RetentionEvent.RELATIONSHIP_END,)
