"""An Art. 19 notice finds the person by one identifier of a kind the recipient receives (its
register scopes say which fields), one that singles a person out first; never by one it does not
receive."""

from __future__ import annotations

import pytest

from dataward.domain.identifiers import IdentifierType
from dataward.domain.register.model import Register
from dataward.services.rights.recipient_notices import identifying_kind, received_fields
from tests.builders import a_caller, a_subject, register_with_tax_scope, shipped_register

E, P, N, A = (
    IdentifierType.EMAIL,
    IdentifierType.PHONE,
    IdentifierType.NAME,
    IdentifierType.POSTAL_ADDRESS,
)


@pytest.fixture
def register() -> Register:
    return register_with_tax_scope(shipped_register())


def test_a_scoped_recipient_receives_its_scopes_fields_only(register: Register) -> None:
    mondago = received_fields(register, register.recipient("mondago"))
    assert {"contact.email", "contact.telephone", "identity.first_name"} <= mondago
    assert "identity.username" not in mondago
    tax = received_fields(register, register.recipient("tax_authority"))
    assert "contact.email" not in tax
    assert "contact.billing_address" in tax


def test_an_unscoped_recipient_receives_every_field_of_the_categories_disclosed_to_it(
    register: Register,
) -> None:
    providers = received_fields(register, register.recipient("service_providers"))
    assert {"contact.email", "identity.username", "technical.ip_address"} <= providers


@pytest.mark.parametrize(
    ("recipient", "stored", "expected"),
    [
        ("mondago", {E, P, N, A}, E),  # an address that singles a person out first
        ("mondago", {P, N}, P),
        ("tax_authority", {E, P, N, A}, N),  # HMRC receives no e-mail address or number
        ("tax_authority", {E, P}, None),  # nothing it receives: our reference only
    ],
)
def test_the_person_is_found_by_one_kind_the_recipient_receives(
    register: Register,
    recipient: str,
    stored: set[IdentifierType],
    expected: IdentifierType | None,
) -> None:
    found = identifying_kind(register, register.recipient(recipient), a_subject(), stored)
    assert found is expected


def test_a_caller_is_found_by_the_calling_number_a_sub_processor_receives(
    register: Register,
) -> None:
    group = register.recipient("group_companies")
    assert identifying_kind(register, group, a_caller(), {P}) is P
    mondago = register.recipient("mondago")  # receives no call data at all
    assert identifying_kind(register, mondago, a_caller(), {P}) is None
