"""Commands and request bodies that carry plain identifiers never print them in their repr."""

from __future__ import annotations

from dataward.domain.identifiers import IdentifierType
from dataward.entrypoints.api.subjects import IdentifierIn, LookupIn, SubjectIn
from dataward.entrypoints.api.tenants import ContactIn, TenantIn
from dataward.services.organisation.tenants import ControllerContact, NewTenant

NAME = "Test Person"
EMAIL = "controller@tenant-c.example"
PHONE = "020 7946 0654"


def assert_hidden(text: str) -> None:
    for value in (NAME, EMAIL, PHONE):
        assert value not in text


def test_a_controller_contact_command_hides_the_person() -> None:
    contact = ControllerContact(NAME, EMAIL, PHONE)
    assert_hidden(repr(contact))
    assert_hidden(repr(NewTenant(name="Tenant C Ltd", contact=contact)))
    assert (contact.name, contact.email, contact.phone) == (NAME, EMAIL, PHONE)


def test_the_api_contact_body_hides_the_person() -> None:
    contact = ContactIn(name=NAME, email=EMAIL, phone=PHONE)
    assert_hidden(repr(contact))
    assert_hidden(repr(TenantIn(name="Tenant C Ltd", controller_contact=contact)))


def test_the_api_identifier_bodies_hide_the_values() -> None:
    identifier = IdentifierIn(type=IdentifierType.PHONE, value=PHONE)
    assert_hidden(repr(identifier))
    lookup = LookupIn(type=IdentifierType.EMAIL, value=EMAIL, purpose="correspondence")
    assert_hidden(repr(lookup))
    subject = SubjectIn.model_validate(
        {"kind": "end_user", "identifiers": [{"type": "email", "value": EMAIL}], "notes": NAME}
    )
    assert_hidden(repr(subject))
    assert "notes" in repr(subject)
