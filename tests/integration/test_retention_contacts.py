"""Our own contacts (marketing contacts, website visitors: the kinds no customer record covers)
once nothing of theirs is left: a marketing contact no store holds a record of is kept through
the last day of the marketing-preferences rule's last-interaction term (P2Y), counted from the
UK day we came to hold it, and crypto-shredded the day after (its identifiers unreadable, its
key destroyed, a tombstone left); one with a record (a consent still given) waits, one whose
last ledger the consent sweep removes goes in the same sweep, a held one is kept and listed, a
record or a hold added between plan and batch keeps it; a website visitor, whose rules have no
such term, waits with the reason; customers and a tenant's callers are not this store's; a
second sweep finds nothing, and the evidence names no person."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest
from faker import Faker

from dataward.domain.errors import KeyUnavailable
from dataward.domain.processing.consent import ConsentMethod
from dataward.domain.processing.litigation_holds import HoldGround
from dataward.domain.requests.terms import RequestType
from dataward.domain.retention.sweeps import (
    START_DIGEST,
    PlanLine,
    SweepRecord,
    SweepState,
    SweepStore,
    add_digest,
    set_digest,
)
from dataward.domain.subjects import Actor
from dataward.services.processing.consent import (
    GiveConsent,
    WithdrawConsent,
    record_consent,
    withdraw_consent,
)
from dataward.services.processing.holds import PlaceHold, place_hold
from dataward.services.retention import contacts
from dataward.services.retention.evidence import begin
from dataward.services.retention.plan import retention_plan
from dataward.services.retention.shredding import shred_in_batches
from dataward.services.retention.sweep import SweepRetention, sweep_retention
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.builders import TENANT_A
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
ADMIN = Actor(id="admin-a", role="tenant_admin", tenant_id=TENANT_A)
MARKETING = "direct_marketing"
NOTICE = "notice-v7"
MADE = datetime(2019, 1, 7, 10, 0, tzinfo=UTC)

# when we came to hold it (UTC) -> the last day it is kept
CASES = {
    "plain": (datetime(2022, 6, 15, 9, 0, tzinfo=UTC), date(2024, 6, 15)),
    "leap day": (datetime(2024, 2, 29, 12, 0, tzinfo=UTC), date(2026, 2, 28)),
    # 23:30 UTC on 29 October 2022 is 00:30 BST on the 30th, the night the clocks went back:
    # the UK day is the 30th, a day later than the UTC day
    "clocks go back": (datetime(2022, 10, 29, 23, 30, tzinfo=UTC), date(2024, 10, 30)),
    # 00:30 UTC on 26 March 2023 is 00:30 GMT, half an hour before the clocks went forward
    "clocks go forward": (datetime(2023, 3, 26, 0, 30, tzinfo=UTC), date(2025, 3, 26)),
    # 23:15 UTC on 31 July 2023 is 00:15 BST on 1 August: a month later by the UK day
    "summer midnight": (datetime(2023, 7, 31, 23, 15, tzinfo=UTC), date(2025, 8, 1)),
}


def _at(world: World, day: date) -> None:
    world.clock.current = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def _subject(
    world: World, fake: Faker, kind: str = "marketing_contact", at: datetime = MADE
) -> str:
    world.clock.current = at
    made = create_subject(
        world.use_case(DCO), NewSubject(kind=kind, identifiers=[("email", fake.email())])
    )
    return str(made.id)


def _give(world: World, fake: Faker, subject: str, at: datetime) -> None:
    world.clock.current = max(world.clock.current, at)
    record_consent(
        world.use_case(DCO),
        GiveConsent(
            UUID(subject),
            MARKETING,
            "email",
            ConsentMethod.WEB_FORM,
            NOTICE,
            evidence_ref=f"form-{fake.uuid4()}",
            at=at,
        ),
    )


def _withdraw(world: World, subject: str, at: datetime) -> None:
    world.clock.current = at
    withdraw_consent(
        world.use_case(DCO),
        WithdrawConsent(UUID(subject), MARKETING, ConsentMethod.EMAIL_LINK, NOTICE, "email"),
    )


def _request(world: World, fake: Faker, subject: str) -> None:
    receive_request(
        world.use_case(DCO),
        NewRequest(
            type=RequestType.ACCESS,
            received=world.clock.now().date(),
            channel="email",
            subject_id=UUID(subject),
            contact_email=fake.email(),
            contact_name=fake.name(),
        ),
    )


def _exists(world: World, subject_id: str) -> bool:
    with world.uow() as uow:
        subject = uow.subjects.get(subject_id)
    return subject is not None and not subject.erased


def _line(world: World) -> PlanLine:
    plan = retention_plan(world.use_case(DCO))
    [line] = [line for line in plan.lines if line.target.store is SweepStore.CONTACTS]
    return line


def _swept(world: World, **options: int) -> SweepRecord:
    records = sweep_retention(world.use_case(DCO), SweepRetention(**options))  # type: ignore[arg-type]
    assert records[-1].target.store is SweepStore.CONTACTS  # swept last
    return records[-1]


def test_a_contact_with_nothing_left_goes_the_day_after_its_last_day(
    world: World, fake: Faker
) -> None:
    made = {name: _subject(world, fake, at=at) for name, (at, _last) in CASES.items()}
    for name, (created, last) in sorted(CASES.items(), key=lambda case: case[1][1]):
        _at(world, last)
        line = _line(world)
        assert (line.target.rule, line.target.retention) == (
            "usage_analytics",  # a website visitor's P26M keeps longest
            "P26M collection; P2Y last_interaction",
        )
        assert line.due == 0, name
        assert _swept(world).removed == 0, name
        assert _exists(world, made[name]), name  # kept through its last day
        _at(world, last + timedelta(days=1))
        line = _line(world)
        assert (line.due, line.oldest, line.waiting) == (1, created.date(), 0), name
        record = _swept(world)
        assert (record.removed, record.oldest, record.held) == (1, created.date(), 0), name
        assert not _exists(world, made[name]), name  # the day after


def test_a_shredded_contact_leaves_a_tombstone_and_no_readable_identifier(
    world: World, fake: Faker
) -> None:
    subject = _subject(world, fake)
    with world.uow() as uow:
        [sealed] = uow.subjects.identifiers_of(subject)
    assert "@" in world.vault.open(subject, sealed.ciphertext)
    _at(world, date(2021, 1, 8))  # two years and a day after it was made
    assert _swept(world).removed == 1
    assert not world.vault.has_key(subject)
    with pytest.raises(KeyUnavailable):
        world.vault.open(subject, sealed.ciphertext)  # a copy of the row reads as nothing
    with world.uow() as uow:
        assert list(uow.subjects.identifiers_of(subject)) == []
        erased = uow.subjects.get(subject)  # read from its tombstone
        tombstone = uow.subjects.tombstone(subject)
    assert erased is not None
    assert erased.erased
    assert tombstone is not None
    assert tombstone.reason == "no_longer_needed"


def test_a_consent_still_given_keeps_its_contact_and_a_visitor_goes_after_its_term(
    world: World, fake: Faker
) -> None:
    given = _subject(world, fake)
    _give(world, fake, given, MADE)
    visitor = _subject(world, fake, kind="website_visitor")
    free = _subject(world, fake)
    _at(world, date(2030, 1, 1))
    line = _line(world)
    assert (line.due, line.waiting) == (2, 1)
    assert line.waiting_for == "records of theirs still kept (1)"
    assert _swept(world).removed == 2
    assert _exists(world, given)
    assert not _exists(world, visitor)  # 26 months from collection, not for ever
    assert not _exists(world, free)


def test_a_contact_whose_last_ledger_goes_goes_in_the_same_sweep(world: World, fake: Faker) -> None:
    subject = _subject(world, fake)
    _give(world, fake, subject, MADE)
    _withdraw(world, subject, datetime(2019, 3, 1, 10, 0, tzinfo=UTC))  # kept to 1 March 2025
    _at(world, date(2025, 3, 1))
    assert _line(world).waiting == 1  # its ledger keeps it
    _swept(world)
    assert _exists(world, subject)
    _at(world, date(2025, 3, 2))
    records = {r.target.store: r for r in sweep_retention(world.use_case(DCO), SweepRetention())}
    assert records[SweepStore.CONSENT_RECORDS].removed == 2
    assert records[SweepStore.CONTACTS].removed == 1
    assert not _exists(world, subject)


def test_a_held_contact_is_kept_and_listed(world: World, fake: Faker) -> None:
    litigated, asked, free = (_subject(world, fake) for _ in range(3))
    day = date(2025, 3, 2)
    _at(world, day - timedelta(days=5))
    place_hold(
        world.use_case(DCO),
        PlaceHold(litigated, HoldGround.LEGAL_CLAIMS, day + timedelta(days=60), "Claim"),
    )
    _request(world, fake, asked)
    _at(world, day)
    line = _line(world)
    assert {item.subject_id: (item.holds, item.items) for item in line.held} == {
        litigated: (("legal_claims",), 1),
        asked: (("open_rights_request",), 1),
    }
    assert (line.due, line.waiting) == (1, 0)
    record = _swept(world)
    assert (record.removed, record.held) == (1, 2)
    assert _exists(world, litigated)
    assert _exists(world, asked)
    assert not _exists(world, free)


def test_a_record_or_a_hold_added_between_plan_and_batch_keeps_the_contact(
    world: World, fake: Faker
) -> None:
    consents_now, asks_now, held_now, free = (_subject(world, fake) for _ in range(4))
    day = date(2026, 6, 1)
    _at(world, day)
    records = contacts.contact_records(world.register, day)
    with world.uow() as uow:
        listed = [c.id for c in contacts.sort_out(uow, records, world.clock.now()).due]
    assert set(listed) == {consents_now, asks_now, held_now, free}

    _give(world, fake, consents_now, world.clock.now())  # meanwhile: a consent, a request ...
    _request(world, fake, asks_now)
    place_hold(  # ... and a hold
        world.use_case(DCO),
        PlaceHold(held_now, HoldGround.LEGAL_CLAIMS, day + timedelta(days=30), "Claim"),
    )
    ctx = world.use_case(DCO)
    sweep = begin(ctx, records.target)
    done = shred_in_batches(ctx, sweep, listed, contacts.still_due(records, world.clock), 1)
    assert done.removed == 1  # only the free one, read again in its batch
    assert [s for s in (consents_now, asks_now, held_now, free) if not _exists(world, s)] == [free]
    with world.uow() as uow:
        assert [e.state.value for e in uow.consents.events_for(consents_now)] == ["given"]


def test_customers_and_callers_are_not_this_stores(world: World, fake: Faker) -> None:
    ours = [_subject(world, fake, kind) for kind in ("end_user", "channel_partner")]
    ours.append(_subject(world, fake, "customer_contact"))
    caller = create_subject(
        world.use_case(ADMIN),
        NewSubject(kind="caller", tenant_id=TENANT_A, identifiers=[("phone", "07700900456")]),
    )
    contact = _subject(world, fake)
    day = date(2030, 1, 1)
    _at(world, day)
    line = _line(world)
    assert (line.due, line.waiting, line.held) == (1, 0, ())
    record = contacts.sweep_contacts(world.use_case(DCO), day, 10)
    assert record.removed == 1
    assert record.digest == add_digest(START_DIGEST, set_digest([uuid.UUID(contact).bytes]))
    assert all(_exists(world, s) for s in [*ours, str(caller.id)])
    assert not _exists(world, contact)


def test_a_second_sweep_finds_nothing_and_the_evidence_names_no_person(
    world: World, fake: Faker
) -> None:
    emails = [fake.email() for _ in range(3)]
    world.clock.current = MADE
    made = [
        str(
            create_subject(
                world.use_case(DCO),
                NewSubject(kind="marketing_contact", identifiers=[("email", email)]),
            ).id
        )
        for email in emails
    ]
    _at(world, date(2026, 6, 1))
    first = _swept(world, batch_size=2)
    assert (first.state, first.removed, first.batches) == (SweepState.DONE, 3, 2)
    expected = set_digest(uuid.UUID(s).bytes for s in made)
    assert first.digest == add_digest(START_DIGEST, expected)  # however it was batched
    again = _swept(world)
    assert (again.state, again.removed, again.digest) == (SweepState.DONE, 0, START_DIGEST)
    with world.uow() as uow:
        [entry, _again] = [
            e
            for e in uow.audit.iter_entries()
            if e.action == "retention_swept" and e.details["store"] == "contacts"
        ]
    assert entry.subject_ref is None
    assert (entry.details["removed"], entry.details["digest"]) == (3, first.digest)
    text = f"{first!r} {entry.details!r}"
    assert not any(secret in text for secret in [*made, *emails])
