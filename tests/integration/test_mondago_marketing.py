"""Mondago markets, as an independent controller, only to people who consented to Mondago's
marketing: on real databases, the gate releases nothing for `mondago_marketing` without a
consent that names it (the policy: "We will get your express opt-in consent before we share
your Personal Data with any company outside the Akixi group ... for their own marketing")."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import pytest
from faker import Faker

from dataward.domain.errors import AccessDenied
from dataward.domain.processing.consent import ConsentMethod
from dataward.domain.processing.gate import Gate
from dataward.domain.register.model import LawfulBasis
from dataward.services.processing.consent import (
    GiveConsent,
    WithdrawConsent,
    record_consent,
    withdraw_consent,
)
from dataward.services.processing.disclosure import ReadIdentifiers, read_identifiers
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.builders import an_actor
from tests.integration.world import World

MARKETING = an_actor("marketing")


def _adult(world: World, fake: Faker) -> tuple[str, str]:
    email = fake.email()
    subject = create_subject(
        world.use_case(MARKETING),
        NewSubject(
            kind="marketing_contact", identifiers=[("email", email)], birth_date=date(1984, 3, 9)
        ),
    )
    return str(subject.id), email


def _read(world: World, subject_id: str) -> list[tuple[str, str]]:
    read = read_identifiers(
        world.uow(),
        world.vault,
        Gate(world.register),
        MARKETING,
        ReadIdentifiers(subject_id, "mondago_marketing", world.clock.now()),
    )
    return [(i.type, i.value) for i in read.identifiers]


def _refused(world: World, subject_id: str, email: str) -> str:
    with pytest.raises(AccessDenied) as refused:
        _read(world, subject_id)
    assert email not in str(refused.value)
    return str(refused.value.reason)


def _give(world: World, subject_id: str, purpose: str) -> None:
    record_consent(
        world.use_case(MARKETING),
        GiveConsent(UUID(subject_id), purpose, "third_party", ConsentMethod.WEB_FORM, "2026.1"),
    )


def test_mondago_marketing_rests_on_consent_on_the_channel_that_names_the_company(
    world: World,
) -> None:
    purpose = world.register.purpose("mondago_marketing")
    assert (purpose.lawful_basis, purpose.marketing) == (LawfulBasis.CONSENT, True)
    assert purpose.legitimate_interest is None
    assert purpose.consent_channels == ["third_party"]
    (scope,) = [
        s for s in world.register.recipient("mondago").scopes if "mondago_marketing" in s.purposes
    ]
    assert scope.lawful_basis is LawfulBasis.CONSENT


def test_an_adult_without_consent_is_not_released_for_mondago_marketing(
    world: World, fake: Faker
) -> None:
    subject_id, email = _adult(world, fake)
    assert _refused(world, subject_id, email) == "no_consent"
    with world.uow() as uow:
        decisions = list(uow.audit.entries_about(subject_id))
    assert [(e.purpose, e.decision) for e in decisions if e.action == "gate_decision"] == [
        ("mondago_marketing", "no_consent")
    ]


def test_consent_to_another_companys_marketing_does_not_release_to_mondago(
    world: World, fake: Faker
) -> None:
    subject_id, email = _adult(world, fake)
    _give(world, subject_id, "third_party_marketing")
    assert _refused(world, subject_id, email) == "no_consent"


def test_consent_that_names_mondago_releases_until_it_is_withdrawn(
    world: World, fake: Faker
) -> None:
    subject_id, email = _adult(world, fake)
    _give(world, subject_id, "mondago_marketing")
    assert _read(world, subject_id) == [("email", email.lower())]
    world.clock.advance(timedelta(hours=1))
    withdraw_consent(
        world.use_case(MARKETING),
        WithdrawConsent(UUID(subject_id), "mondago_marketing", ConsentMethod.EMAIL_LINK, "2026.1"),
    )
    assert _refused(world, subject_id, email) == "consent_withdrawn"
