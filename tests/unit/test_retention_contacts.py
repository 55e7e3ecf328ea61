"""Which of our own kinds are contacts, and how long one is kept once nothing of its is left:
the longest last-interaction term of the rules of its kind's holding purposes (storage, legal
claims and answering requests serve any kind's data and decide nothing), counted from the UK
day we came to hold it, on exact dates; a kind with no such term has no date."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from dataward.domain.register.model import Register
from dataward.domain.retention.contacts import (
    Term,
    contact_kinds,
    is_due,
    kind_rule,
    kinds_under,
)
from dataward.services.retention.contacts import contact_records
from dataward.services.retention.customers import customer_records
from tests.builders import shipped_register

REGISTER = shipped_register()
DAY = date(2026, 6, 1)


def _with_kind(register: Register, purpose: str, kind: str) -> Register:
    def changed(p: Any) -> Any:
        return p.model_copy(update={"subject_kinds": [*p.subject_kinds, kind]})

    purposes = [changed(p) if p.key == purpose else p for p in register.purposes]
    return register.model_copy(update={"purposes": purposes})


def test_the_shipped_contacts_are_marketing_contacts_and_website_visitors() -> None:
    customers = customer_records(REGISTER, DAY).kinds
    assert customers == {"end_user", "channel_partner", "customer_contact"}
    assert kinds_under(REGISTER, "customer_records") == customers  # though storage names all
    assert contact_kinds(REGISTER, customers) == {"marketing_contact", "website_visitor"}
    assert contact_records(REGISTER, DAY).kinds == {"marketing_contact", "website_visitor"}


def test_a_kind_a_holding_purpose_keeps_under_the_customer_rule_is_a_customers() -> None:
    register = _with_kind(REGISTER, "relationship_management", "marketing_contact")
    assert "marketing_contact" in customer_records(register, DAY).kinds
    assert contact_records(register, DAY).kinds == {"website_visitor"}


@pytest.mark.parametrize(
    ("created", "last"),
    [
        (datetime(2022, 6, 15, 9, 0, tzinfo=UTC), date(2024, 6, 15)),
        (datetime(2024, 2, 29, 12, 0, tzinfo=UTC), date(2026, 2, 28)),  # no 29 February 2026
        (datetime(2022, 10, 29, 23, 30, tzinfo=UTC), date(2024, 10, 30)),  # 00:30 BST on 30th
        (datetime(2023, 1, 15, 23, 30, tzinfo=UTC), date(2025, 1, 15)),  # GMT: the UTC day
    ],
)
def test_a_marketing_contact_is_kept_two_years_from_the_uk_day_it_was_made(
    created: datetime, last: date
) -> None:
    rule = kind_rule(REGISTER, "marketing_contact")
    assert rule.terms == (Term("marketing_preferences", "P2Y"),)
    assert rule.last_day_kept(created) == last
    assert not is_due(last, last)  # kept through its last day
    assert is_due(last, date.fromordinal(last.toordinal() + 1))  # gone the day after


def test_a_website_visitor_is_kept_for_its_rules_longest_collection_term() -> None:
    rule = kind_rule(REGISTER, "website_visitor")  # its rules run from collection only
    assert set(rule.terms) == {
        Term("technical_logs", "P13M", "collection"),
        Term("usage_analytics", "P26M", "collection"),
    }
    # collected at 23:30 UTC on 31 March 2024 (00:30 BST on 1 April): its UK day is 1 April
    assert rule.last_day_kept(datetime(2024, 3, 31, 23, 30, tzinfo=UTC)) == date(2026, 6, 1)
    assert not is_due(None, DAY)
    records = contact_records(REGISTER, DAY)
    assert (records.target.rule, records.target.retention) == (
        "usage_analytics",
        "P26M collection; P2Y last_interaction",
    )


def test_the_longest_last_interaction_term_of_several_rules_decides() -> None:
    register = _with_kind(REGISTER, "correspondence", "marketing_contact")  # P6Y
    rule = kind_rule(register, "marketing_contact")
    assert set(rule.terms) == {Term("marketing_preferences", "P2Y"), Term("correspondence", "P6Y")}
    assert rule.last_day_kept(datetime(2020, 2, 29, 10, 0, tzinfo=UTC)) == date(2026, 2, 28)
    assert rule.longest(DAY) == Term("correspondence", "P6Y")
    target = contact_records(register, DAY).target
    assert (target.rule, target.retention) == (
        "correspondence",
        "P26M collection; P6Y last_interaction",  # and the website visitors' term
    )
