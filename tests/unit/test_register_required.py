"""The register marks the data each contract or statutory purpose requires: only such a purpose
may, each field is one of the purpose's own, a newly required field must be told to people
first, and the notice and the record of processing say what is required, whose requirement it
is and what follows without it (UK GDPR Art. 13(2)(e))."""

from __future__ import annotations

import json

import pytest

from dataward.adapters.documents.notice import render_notice
from dataward.adapters.documents.ropa import render_ropa
from dataward.adapters.register_file import load_register_file, parse_register
from dataward.domain.register.diff import diff_registers
from dataward.domain.register.model import LawfulBasis, Register
from dataward.domain.register.required import (
    RequiredDataMissing,
    in_words,
    missing_fields,
    required_data,
)
from tests.unit.test_register_invalid import SHIPPED, line_of, mutate, rejected

END_USER = "    required_fields: [identity.first_name, identity.last_name, contact.email]\n"


@pytest.fixture(scope="module")
def register() -> Register:
    return load_register_file().register


def test_the_shipped_register_requires_what_an_account_and_an_order_cannot_do_without(
    register: Register,
) -> None:
    end_user = register.purpose("register_end_user")
    order = register.purpose("order_delivery")
    assert end_user.required_fields == [
        "identity.first_name",
        "identity.last_name",
        "contact.email",
    ]
    assert order.required_fields == [
        "identity.first_name",
        "identity.last_name",
        "contact.billing_address",
    ]
    assert END_USER in SHIPPED
    assert "# confirm: the data without which an End User account" in SHIPPED
    # nothing outside a contract or the law requires anything
    for purpose in register.purposes:
        if purpose.required_fields:
            assert purpose.lawful_basis in (LawfulBasis.CONTRACT, LawfulBasis.LEGAL_OBLIGATION)


def test_a_purpose_on_legitimate_interests_may_require_nothing() -> None:
    text = mutate(
        "    legitimate_interest: To recover debts due to us.\n",
        "    legitimate_interest: To recover debts due to us.\n"
        "    required_fields: [contact.email]\n",
    )
    (problem,) = rejected(text)
    assert problem.startswith(
        "purposes[4].required_fields: purpose 'debt_recovery' relies on legitimate_interests: "
        "data is required only by a contract or by law"
    )
    assert problem.endswith(f"(line {line_of(text, '    required_fields: [contact.email]')})")


def test_a_required_field_outside_the_purposes_categories_is_refused_at_its_line() -> None:
    text = mutate(END_USER, "    required_fields: [identity.first_name, financial.bank_account]\n")
    (problem,) = rejected(text)
    assert problem.startswith(
        "purposes[0].required_fields[1]: field 'financial.bank_account' is not in the "
        "purpose's categories (identity, contact)"
    )
    assert f"(line {line_of(text, '    required_fields: [identity.first_name, fin')})" in problem


def test_an_unknown_or_repeated_field_is_refused() -> None:
    text = mutate(END_USER, "    required_fields: [contact.emial, contact.email, contact.email]\n")
    problems = rejected(text)
    assert any("required_fields[0]: category 'contact' has no field 'emial'" in p for p in problems)
    assert any("required_fields[2]: field 'contact.email' is required twice" in p for p in problems)


def test_a_field_no_identifier_holds_is_a_warning_not_an_error() -> None:
    text = mutate(END_USER, "    required_fields: [contact.email, identity.date_of_birth]\n")
    loaded = parse_register(text, source="t")
    (warning,) = [str(w) for w in loaded.warnings]
    assert "required_fields[1]: no identifier holds 'identity.date_of_birth'" in warning


def test_what_is_missing_reads_identifiers_as_register_fields(register: Register) -> None:
    end_user = register.purpose("register_end_user")
    assert missing_fields(end_user, ["name", "email"]) == []
    assert missing_fields(end_user, ["email"]) == ["identity.first_name", "identity.last_name"]
    assert missing_fields(end_user, ["phone", "username"]) == end_user.required_fields
    assert in_words(register, ["contact.email"]) == "your e-mail address"
    assert (
        in_words(register, missing_fields(end_user, ["phone"]))
        == "your first name, your last name and your e-mail address"
    )


def test_the_refusal_names_the_data_and_the_consequence(register: Register) -> None:
    purpose = register.purpose("order_delivery")
    error = RequiredDataMissing(required_data(register, purpose, ["contact.billing_address"]))
    assert str(error) == (
        "purpose 'order_delivery' requires your billing address (a contractual requirement): "
        "without it the service cannot be provided"
    )


def test_a_newly_required_field_must_be_told_first(register: Register) -> None:
    purposes = [
        p.model_copy(update={"required_fields": [*p.required_fields, "contact.telephone"]})
        if p.key == "register_end_user"
        else p
        for p in register.purposes
    ]
    changed = register.model_copy(update={"purposes": purposes})
    diff = diff_registers(register, changed)
    (change,) = diff.material
    assert change.path == "purposes[register_end_user].required_fields[contact.telephone]"
    assert "now requires more data" in change.summary
    # requiring less is editorial
    assert not diff_registers(changed, register).material


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_the_notice_says_what_is_required_whose_requirement_and_what_follows(
    register: Register, fmt: str
) -> None:
    text = render_notice(register, fmt)  # type: ignore[arg-type]
    assert "Data you must give us" in text
    assert (
        "To register you as a new Akixi telephony reporting End User. We need your first name, "
        "your last name and your e-mail address. This is a contractual requirement: without it "
        "we cannot provide the service." in text
    )
    assert "We need your first name, your last name and your billing address." in text
    assert "we may not be able to perform the contract we have or are trying to enter" in text
    assert "we will tell you if this is the case at the time" in text


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_a_statutory_requirement_is_called_one(register: Register, fmt: str) -> None:
    purposes = [
        p.model_copy(update={"required_fields": ["contact.email"]})
        if p.key == "relationship_notices"
        else p
        for p in register.purposes
    ]
    changed = register.model_copy(update={"purposes": purposes})
    text = render_notice(changed, fmt)  # type: ignore[arg-type]
    assert "We need your e-mail address. This is a statutory requirement" in text


def test_a_register_requiring_nothing_says_nothing_of_it(register: Register) -> None:
    purposes = [p.model_copy(update={"required_fields": []}) for p in register.purposes]
    text = render_notice(register.model_copy(update={"purposes": purposes}), "md")
    assert "Data you must give us" not in text


def test_the_record_of_processing_shows_the_required_data(register: Register) -> None:
    document = json.loads(render_ropa(register, "json"))
    entries = {e["key"]: e for e in document["controller"]}
    assert entries["register_end_user"]["required_data"] == [
        "First name, Last name, E-mail address (a contractual requirement)"
    ]
    assert entries["debt_recovery"]["required_data"] == ["none"]
    assert "required_data" in document["fields"]["controller"]
