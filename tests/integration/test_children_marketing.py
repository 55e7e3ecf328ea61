"""A child's contact details never leave the vault for marketing, whatever the purpose's basis:
on real databases, through the door every read takes (`services.processing.disclosure`)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest
from faker import Faker

from dataward.adapters.register_file import load_register_file
from dataward.domain.errors import AccessDenied
from dataward.domain.processing.consent import ConsentMethod
from dataward.domain.processing.gate import Gate
from dataward.services.processing.consent import GiveConsent, record_consent
from dataward.services.processing.disclosure import ReadIdentifiers, read_identifiers
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.builders import an_actor
from tests.integration.world import World

MARKETING = an_actor("marketing")


def _contact(world: World, fake: Faker, birth_date: date | None) -> tuple[str, str]:
    email = fake.email()
    subject = create_subject(
        world.use_case(MARKETING),
        NewSubject(kind="marketing_contact", identifiers=[("email", email)], birth_date=birth_date),
    )
    return str(subject.id), email


def test_a_childs_email_is_not_released_for_mondago_marketing(world: World, fake: Faker) -> None:
    # the world's clock reads 25 November 2026: born 26 November 2013, the contact is 12
    subject_id, email = _contact(world, fake, date(2013, 11, 26))
    with pytest.raises(AccessDenied) as refused:
        read_identifiers(
            world.uow(),
            world.vault,
            Gate(world.register),
            MARKETING,
            ReadIdentifiers(subject_id, "mondago_marketing", world.clock.now()),
        )
    assert refused.value.reason == "subject_is_child"
    assert email not in str(refused.value)
    with world.uow() as uow:
        flagged = uow.subjects.get(subject_id)
        decisions = list(uow.audit.entries_about(subject_id))
    assert flagged is not None
    assert flagged.dco_flag is not None
    assert "marketing refused" in flagged.dco_flag
    assert [(e.purpose, e.decision) for e in decisions if e.action == "gate_decision"] == [
        ("mondago_marketing", "subject_is_child")
    ]


MARKETING_PURPOSES = sorted(
    {p.key for p in load_register_file().register.purposes if p.marketing}
    | {"content_and_advertising"}  # shows advertisements: marketing, on any basis
)


def test_the_register_marks_advertising_and_every_marketing_purpose_marketing(
    world: World,
) -> None:
    marked = {p.key for p in world.register.purposes if p.marketing}
    assert marked == {
        "content_and_advertising",
        "direct_marketing",
        "third_party_marketing",
        "mondago_marketing",
    }


@pytest.mark.parametrize("purpose", MARKETING_PURPOSES)
def test_a_child_is_refused_for_every_marketing_purpose(
    world: World, fake: Faker, purpose: str
) -> None:
    # the world's clock reads 25 November 2026: born ten years before, the contact is 10
    subject_id, email = _contact(world, fake, date(2016, 11, 25))
    with pytest.raises(AccessDenied) as refused:
        read_identifiers(
            world.uow(),
            world.vault,
            Gate(world.register),
            MARKETING,
            ReadIdentifiers(subject_id, purpose, world.clock.now()),
        )
    assert refused.value.reason == "subject_is_child"
    assert email not in str(refused.value)
    with world.uow() as uow:
        decisions = list(uow.audit.entries_about(subject_id))
    assert [(e.purpose, e.decision) for e in decisions if e.action == "gate_decision"] == [
        (purpose, "subject_is_child")
    ]


def test_a_contact_of_thirteen_or_of_unknown_age_is_released_for_mondago_marketing(
    world: World, fake: Faker
) -> None:
    for birth_date in (date(2013, 11, 25), None):
        subject_id, email = _contact(world, fake, birth_date)
        record_consent(  # Mondago markets only to people who consented to it
            world.use_case(MARKETING),
            GiveConsent(
                UUID(subject_id),
                "mondago_marketing",
                "third_party",
                ConsentMethod.WEB_FORM,
                "2026.1",
            ),
        )
        read = read_identifiers(
            world.uow(),
            world.vault,
            Gate(world.register),
            MARKETING,
            ReadIdentifiers(subject_id, "mondago_marketing", world.clock.now()),
        )
        assert [(i.type, i.value) for i in read.identifiers] == [("email", email.lower())]
