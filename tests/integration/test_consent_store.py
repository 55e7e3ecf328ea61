"""Consent ledger, restrictions and objections on real databases, and the gate reading them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from faker import Faker
from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import DBAPIError

from dataward.adapters.keyfile import create_master_key_file, read_master_key_file
from dataward.adapters.sql import migrate
from dataward.adapters.sql.engine import make_engine
from dataward.adapters.sql.processing.consent import consent_events, objections, restrictions
from dataward.adapters.sql.uow import SqlUnitOfWork
from dataward.adapters.vault.keystore import MasterKeys, SqlVault
from dataward.domain.calendar import bank_holidays
from dataward.domain.clock import FixedClock
from dataward.domain.errors import AccessDenied, RestrictionRefused
from dataward.domain.identifiers import IdentifierType
from dataward.domain.processing.consent import ConsentEvent, ConsentMethod, ConsentState
from dataward.domain.processing.gate import DenialReason, Gate
from dataward.domain.processing.restrictions import (
    Objection,
    ObjectionKind,
    ObjectionOutcome,
    Restriction,
    RestrictionGround,
)
from dataward.domain.register.model import Register
from dataward.domain.subjects import Actor, Subject
from dataward.services.context import UseCase
from dataward.services.processing.consent import (
    GiveConsent,
    WithdrawConsent,
    record_consent,
    withdraw_consent,
)
from dataward.services.processing.disclosure import ReadIdentifiers, read_identifiers
from dataward.services.processing.gate import Authorize, authorize
from dataward.services.processing.objections import RecordObjection, record_objection
from dataward.services.processing.restrictions import (
    ApplyRestriction,
    LiftRestriction,
    apply_restriction,
    lift_restriction,
)
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.builders import (
    EVERYTHING,
    a_subject,
    an_actor,
    register_with_everything_role,
    shipped_register,
)

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
DCO = an_actor("dco")


@dataclass
class World:
    engine: Engine
    vault: SqlVault
    clock: FixedClock
    register: Register
    gate: Gate

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)

    def use_case(self, actor: Actor) -> UseCase:
        return UseCase(self.uow(), self.vault, self.clock, bank_holidays(), self.register, actor)

    def subject(self, kind: str = "customer_contact") -> Subject:
        subject = a_subject(kind)
        with self.uow() as uow:
            uow.subjects.add(subject)
            uow.commit()
        return subject


@pytest.fixture
def world(database_url: str, keystore_url: str, tmp_path: Path) -> Iterator[World]:
    engine = make_engine(database_url)
    keystore = make_engine(keystore_url)
    migrate.upgrade(engine)
    migrate.upgrade(keystore, store="keystore")
    key_file = tmp_path / "master.key"
    create_master_key_file(key_file)
    clock = FixedClock(NOW)
    vault = SqlVault(keystore, MasterKeys(read_master_key_file(key_file)), clock)
    vault.ensure_index_key()
    register = register_with_everything_role(shipped_register())
    yield World(engine, vault, clock, register, Gate(register))
    engine.dispose()
    keystore.dispose()


def consent(subject: Subject, state: ConsentState, at: datetime, channel: str) -> ConsentEvent:
    return ConsentEvent(
        subject.id,
        "direct_marketing",
        channel,
        state,
        ConsentMethod.EMAIL_LINK,
        "2026-11",
        at,
        "m-1",
    )


# -- repositories -------------------------------------------------------------------------------


def test_the_ledger_keeps_every_event_in_order_with_its_evidence(world: World) -> None:
    subject, other = world.subject(), world.subject()
    with world.uow() as uow:
        later = uow.consents.add(consent(subject, ConsentState.WITHDRAWN, NOW + HOUR, "email"))
        earlier = uow.consents.add(consent(subject, ConsentState.GIVEN, NOW, "email"))
        uow.consents.add(consent(other, ConsentState.GIVEN, NOW, "sms"))
        uow.commit()
    with world.uow() as uow:
        events = uow.consents.events_for(subject.id)
    assert [(e.state, e.at, e.sequence) for e in events] == [
        (ConsentState.GIVEN, NOW, earlier),
        (ConsentState.WITHDRAWN, NOW + HOUR, later),
    ]
    assert events[0] == replace(
        consent(subject, ConsentState.GIVEN, NOW, "email"), sequence=earlier
    )
    assert events[0].evidence_ref == "m-1"
    assert events[0].at.tzinfo is not None


def test_a_restriction_round_trips_and_is_lifted_once(world: World) -> None:
    subject = world.subject()
    restriction = Restriction(
        uuid.uuid4(),
        subject.id,
        frozenset({"contact", "identity"}),
        RestrictionGround.NEEDED_FOR_LEGAL_CLAIMS,
        NOW,
        request_ref="REQ-1",
    )
    with world.uow() as uow:
        uow.restrictions.add(restriction)
        uow.commit()
    with world.uow() as uow:
        assert uow.restrictions.get(restriction.id) == restriction
        assert uow.restrictions.for_subject(subject.id) == [restriction]
    lifted = restriction.lift(NOW + 2 * HOUR, subject_told_at=NOW + HOUR)
    with world.uow() as uow:
        assert uow.restrictions.record_lift(lifted)
        uow.commit()
    with world.uow() as uow:
        assert not uow.restrictions.record_lift(lifted)  # a second lift changes nothing
        assert uow.restrictions.get(restriction.id) == lifted


def test_an_objection_round_trips_and_is_decided_once(world: World) -> None:
    subject = world.subject()
    objection = Objection.to_legitimate_interests(uuid.uuid4(), subject.id, "analytics", NOW)
    marketing = Objection.to_direct_marketing(uuid.uuid4(), subject.id, NOW + HOUR)
    with world.uow() as uow:
        uow.objections.add(objection)
        uow.objections.add(marketing)
        uow.commit()
    decided = objection.decide(
        ObjectionOutcome.COMPELLING_GROUNDS, "Security monitoring of the account", NOW + HOUR
    )
    with world.uow() as uow:
        assert uow.objections.record_decision(decided)
        assert not uow.objections.record_decision(decided)
        uow.commit()
    with world.uow() as uow:
        assert uow.objections.for_subject(subject.id) == [decided, marketing]


def test_erasing_a_subject_removes_its_consents_restrictions_and_objections(world: World) -> None:
    subject, bystander = world.subject(), world.subject()
    for who in (subject, bystander):
        with world.uow() as uow:
            uow.consents.add(consent(who, ConsentState.GIVEN, NOW, "post"))
            uow.restrictions.add(
                Restriction(uuid.uuid4(), who.id, None, RestrictionGround.ACCURACY_CONTESTED, NOW)
            )
            uow.objections.add(Objection.to_direct_marketing(uuid.uuid4(), who.id, NOW))
            uow.commit()
    with world.uow() as uow:
        removed = uow.subjects.erase(subject, at=NOW, reason="erasure request", request_ref=None)
        uow.commit()
    assert removed["consent_events"] == removed["restrictions"] == removed["objections"] == 1
    with world.engine.connect() as connection:
        for table in (consent_events, restrictions, objections):
            left = connection.execute(
                select(table.c.subject_id, func.count()).group_by(table.c.subject_id)
            )
            assert {row[0]: row[1] for row in left} == {str(bystander.id): 1}


# -- services and the gate on the real store ----------------------------------------------------


def test_the_gate_follows_what_the_services_record(world: World) -> None:
    subject = world.subject("marketing_contact")
    marketing = an_actor("marketing")

    def ask(channel: str | None = None) -> DenialReason:
        return authorize(
            world.use_case(marketing),
            world.gate,
            Authorize(subject.id, "contact", "direct_marketing", channel=channel),
        ).reason

    assert ask() is DenialReason.NO_CONSENT
    record_consent(
        world.use_case(DCO),
        GiveConsent(
            subject.id, "direct_marketing", "post", ConsentMethod.PAPER, "2026-11", "scan-7"
        ),
    )
    assert ask() is DenialReason.PERMITTED
    world.clock.advance(HOUR)
    withdraw_consent(
        world.use_case(DCO),
        WithdrawConsent(subject.id, "direct_marketing", ConsentMethod.EMAIL_LINK, "2026-11"),
    )
    assert ask("post") is DenialReason.CONSENT_WITHDRAWN
    applied = apply_restriction(
        world.use_case(DCO), ApplyRestriction(subject.id, RestrictionGround.ACCURACY_CONTESTED)
    )
    assert ask() is DenialReason.PROCESSING_RESTRICTED
    world.clock.advance(HOUR)
    with pytest.raises(RestrictionRefused):
        lift_restriction(world.use_case(DCO), LiftRestriction(applied.id, None))
    assert ask() is DenialReason.PROCESSING_RESTRICTED
    lift_restriction(world.use_case(DCO), LiftRestriction(applied.id, NOW + HOUR))
    assert ask() is DenialReason.CONSENT_WITHDRAWN
    record_consent(
        world.use_case(DCO),
        GiveConsent(subject.id, "direct_marketing", "email", ConsentMethod.WEB_FORM, "2026-11"),
    )
    assert ask() is DenialReason.PERMITTED
    record_objection(
        world.use_case(DCO), RecordObjection(subject.id, ObjectionKind.DIRECT_MARKETING)
    )
    assert ask() is DenialReason.OBJECTION_UPHELD
    mondago = authorize(
        world.use_case(marketing), world.gate, Authorize(subject.id, "contact", "mondago_marketing")
    )
    assert mondago.reason is DenialReason.OBJECTION_UPHELD


def test_a_restricted_subjects_identifiers_are_read_only_for_storage_and_legal_claims(
    world: World,
) -> None:
    subject = create_subject(
        world.use_case(DCO),
        NewSubject(
            kind="customer_contact",
            identifiers=[
                (IdentifierType.EMAIL, "ada@example.org"),
                (IdentifierType.PHONE, "020 7946 0123"),
                (IdentifierType.NAME, "Ada Example"),
            ],
        ),
    )
    apply_restriction(
        world.use_case(DCO),
        ApplyRestriction(subject.id, RestrictionGround.UNLAWFUL_PROCESSING_ERASURE_OPPOSED),
    )
    world.clock.advance(HOUR)
    everything = an_actor(EVERYTHING)
    readable: dict[str, list[str]] = {}
    refusals: set[str] = set()
    for purpose in world.register.purposes:
        try:
            disclosed = read_identifiers(
                world.uow(),
                world.vault,
                world.gate,
                everything,
                ReadIdentifiers(subject.id, purpose.key, world.clock.now()),
            )
        except AccessDenied as denied:
            refusals.add(denied.reason)
            continue
        readable[purpose.key] = sorted(i.value for i in disclosed.identifiers)
    expected = sorted(["ada@example.org", "+442079460123", "Ada Example"])
    assert readable == {  # and the person's own requests are still answered (Art. 18(2))
        "secure_storage": expected,
        "legal_claims": expected,
        "rights_and_complaints": expected,
    }
    # refused because restricted, or (call-data purposes) because these are not call data
    assert refusals == {"processing_restricted", "category_not_in_purpose"}


def test_consent_to_post_does_not_open_the_email_address(world: World) -> None:
    """PECR reg 22: e-mail marketing needs e-mail consent; post consent opens only the address."""
    fake = Faker("en_GB")
    fake.seed_instance(5)
    email = fake.email()
    address = fake.address().replace("\n", ", ")
    subject = create_subject(
        world.use_case(DCO),
        NewSubject(kind="end_user", identifiers=[("email", email), ("postal_address", address)]),
    )
    record_consent(
        world.use_case(DCO),
        GiveConsent(subject.id, "direct_marketing", "post", ConsentMethod.PAPER, "2026.1"),
    )
    gate = Gate(world.register)
    read = read_identifiers(
        world.uow(),
        world.vault,
        gate,
        an_actor("marketing"),
        ReadIdentifiers(subject.id, "direct_marketing", world.clock.now()),
    )
    assert [i.type for i in read.identifiers] == ["postal_address"]
    assert read.refused["contact (email)"].reason.value == "no_consent"


def test_the_ledger_refuses_to_change_an_event(world: World) -> None:
    subject = world.subject()
    with world.uow() as uow:
        uow.consents.add(consent(subject, ConsentState.GIVEN, NOW, "email"))
        uow.commit()
    with pytest.raises(DBAPIError, match="append-only"), world.engine.begin() as connection:
        connection.execute(update(consent_events).values(state="withdrawn"))
    with world.engine.connect() as connection:
        states = connection.execute(select(consent_events.c.state)).scalars().all()
    assert states == ["given"]
