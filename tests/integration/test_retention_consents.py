"""Consent records under the marketing-preferences rule (P2Y from the last event, P6Y from the
withdrawal, the later winning), ledger by ledger, on exact dates: a withdrawn ledger is kept
through the sixth anniversary of the UK day it was withdrawn and goes the day after, whole; a
ledger whose consent is still given waits, however old; a consent given again keeps its ledger,
and one given while a sweep runs is never lost; a held subject's ledgers stay and are listed;
an interrupted sweep goes on with its record, a second finds nothing, and the evidence names
no person."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest
from faker import Faker
from sqlalchemy import func, select, update
from sqlalchemy.exc import DBAPIError

from dataward.adapters.sql.processing.consent import consent_events
from dataward.adapters.sql.retention.repository import SqlRetentionRepository
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
from dataward.services.retention import consents
from dataward.services.retention.evidence import begin
from dataward.services.retention.history import retention_history
from dataward.services.retention.plan import retention_plan
from dataward.services.retention.sweep import SweepRetention, sweep_retention
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
MARKETING = "direct_marketing"
GIVEN_AT = datetime(2019, 1, 7, 10, 0, tzinfo=UTC)
NOTICE = "notice-v7"

# when withdrawn (UTC) -> the last day its ledger is kept
CASES = {
    "plain": (datetime(2020, 6, 15, 9, 0, tzinfo=UTC), date(2026, 6, 15)),
    "leap day": (datetime(2020, 2, 29, 12, 0, tzinfo=UTC), date(2026, 2, 28)),
    # 23:30 UTC on 24 October 2020 is 00:30 BST on the 25th, the night the clocks went back:
    # the UK day is the 25th, so the ledger is kept a day longer than the UTC day would keep it
    "clocks go back": (datetime(2020, 10, 24, 23, 30, tzinfo=UTC), date(2026, 10, 25)),
}


def _at(world: World, day: date) -> None:
    world.clock.current = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def _subject(world: World, fake: Faker) -> str:
    world.clock.current = GIVEN_AT
    made = create_subject(
        world.use_case(DCO), NewSubject(kind="end_user", identifiers=[("email", fake.email())])
    )
    return str(made.id)


def _give(world: World, fake: Faker, subject: str, at: datetime, channel: str = "email") -> None:
    world.clock.current = max(world.clock.current, at)
    record_consent(
        world.use_case(DCO),
        GiveConsent(
            UUID(subject),
            MARKETING,
            channel,
            ConsentMethod.WEB_FORM,
            NOTICE,
            evidence_ref=f"form-{fake.uuid4()}",
            at=at,
        ),
    )


def _withdraw(world: World, subject: str, at: datetime, channel: str = "email") -> None:
    world.clock.current = at
    withdraw_consent(
        world.use_case(DCO),
        WithdrawConsent(UUID(subject), MARKETING, ConsentMethod.EMAIL_LINK, NOTICE, channel),
    )


def _withdrawn_ledger(world: World, fake: Faker, withdrawn: datetime) -> str:
    subject = _subject(world, fake)
    _give(world, fake, subject, GIVEN_AT)
    _withdraw(world, subject, withdrawn)
    return subject


def _events(world: World, subject: str) -> list[tuple[str | None, str]]:
    with world.engine.connect() as connection:
        rows = connection.execute(
            select(consent_events.c.channel, consent_events.c.state)
            .where(consent_events.c.subject_id == subject)
            .order_by(consent_events.c.at, consent_events.c.id)
        )
        return [(channel, state) for channel, state in rows]


def _ids(world: World) -> list[int]:
    with world.engine.connect() as connection:
        return list(connection.execute(select(consent_events.c.id)).scalars())


def _line(world: World) -> PlanLine:
    plan = retention_plan(world.use_case(DCO))
    [line] = [line for line in plan.lines if line.target.store is SweepStore.CONSENT_RECORDS]
    return line


def _swept(world: World, **options: int) -> SweepRecord:
    records = sweep_retention(world.use_case(DCO), SweepRetention(**options))  # type: ignore[arg-type]
    [record] = [r for r in records if r.target.store is SweepStore.CONSENT_RECORDS]
    return record


def test_a_withdrawn_ledger_is_kept_through_its_last_day_and_goes_the_day_after(
    world: World, fake: Faker
) -> None:
    made = {name: _withdrawn_ledger(world, fake, at) for name, (at, _day) in CASES.items()}
    for name, (_when, last) in sorted(CASES.items(), key=lambda case: case[1][1]):
        _at(world, last)
        line = _line(world)
        assert line.target.rule == "marketing_preferences"
        assert line.target.retention == "P2Y last_interaction; P6Y consent_withdrawn"
        assert line.due == 0, name
        assert _swept(world).removed == 0, name
        assert len(_events(world, made[name])) == 2, name  # kept through its last day
        _at(world, last + timedelta(days=1))
        line = _line(world)
        assert (line.due, line.oldest) == (2, GIVEN_AT.date()), name
        record = _swept(world)
        assert (record.removed, record.oldest, record.held) == (2, GIVEN_AT.date(), 0), name
        assert _events(world, made[name]) == [], name  # the day after, given and withdrawn


def test_a_consent_still_given_waits_however_old_and_a_new_one_keeps_its_ledger(
    world: World, fake: Faker
) -> None:
    old_given = _subject(world, fake)  # given in 2019, never withdrawn
    _give(world, fake, old_given, GIVEN_AT)
    again = _subject(world, fake)  # given, withdrawn in 2019, given again in 2024
    _give(world, fake, again, GIVEN_AT)
    _withdraw(world, again, datetime(2019, 3, 1, 10, 0, tzinfo=UTC))
    _give(world, fake, again, datetime(2024, 5, 1, 10, 0, tzinfo=UTC))
    two = _subject(world, fake)  # e-mail withdrawn in 2019, text messages still given
    _give(world, fake, two, GIVEN_AT, channel="email")
    _give(world, fake, two, GIVEN_AT, channel="sms")
    _withdraw(world, two, datetime(2019, 3, 1, 10, 0, tzinfo=UTC), channel="email")

    _at(world, date(2030, 1, 1))
    line = _line(world)
    assert (line.due, line.waiting) == (2, 1 + 3 + 1)  # the e-mail ledger; three waiting ones
    assert "consent still given" in line.waiting_for
    assert _swept(world).removed == 2
    assert _events(world, old_given) == [("email", "given")]
    assert _events(world, again) == [("email", "given"), ("email", "withdrawn"), ("email", "given")]
    assert _events(world, two) == [("sms", "given")]  # the other channel is another ledger


def test_a_consent_given_or_a_hold_placed_after_the_plan_keeps_the_ledger(
    world: World, fake: Faker
) -> None:
    withdrawn = datetime(2019, 3, 1, 10, 0, tzinfo=UTC)
    consents_again, held, free = (_withdrawn_ledger(world, fake, withdrawn) for _ in range(3))
    day = date(2026, 6, 1)
    _at(world, day)
    records = consents.consent_records(world.register, day)
    with world.uow() as uow:
        listed = consents.sort_out(uow, records, world.clock.now()).due
    assert {ledger.subject_id for ledger in listed} == {consents_again, held, free}

    _give(world, fake, consents_again, world.clock.now())  # meanwhile: a new consent ...
    place_hold(  # ... and a hold
        world.use_case(DCO),
        PlaceHold(held, HoldGround.LEGAL_CLAIMS, day + timedelta(days=30), "Claim"),
    )
    sweep = begin(world.use_case(DCO), records.target)
    done = consents.delete_in_batches(world.use_case(DCO), sweep, records, listed, 1)
    assert done.removed == 2  # only the free ledger, read again in its batch
    assert _events(world, free) == []
    assert len(_events(world, held)) == 2
    assert _events(world, consents_again)[-1] == ("email", "given")  # the new consent stays


def test_a_held_subjects_ledgers_are_kept_and_listed(world: World, fake: Faker) -> None:
    withdrawn = datetime(2019, 3, 1, 10, 0, tzinfo=UTC)
    litigated, asked, free = (_withdrawn_ledger(world, fake, withdrawn) for _ in range(3))
    day = date(2025, 3, 2)  # the day after the last kept (the sixth anniversary)
    _at(world, day - timedelta(days=5))
    place_hold(
        world.use_case(DCO),
        PlaceHold(litigated, HoldGround.REGULATORY_INVESTIGATION, day + timedelta(days=60), "ICO"),
    )
    receive_request(
        world.use_case(DCO),
        NewRequest(
            type=RequestType.ACCESS,
            received=day - timedelta(days=5),
            channel="email",
            subject_id=asked,  # type: ignore[arg-type]
            contact_email=fake.email(),
            contact_name=fake.name(),
        ),
    )
    _at(world, day)
    line = _line(world)
    held = {item.subject_id: (item.holds, item.items) for item in line.held}
    assert held == {
        litigated: (("regulatory_investigation",), 2),
        asked: (("open_rights_request",), 2),
    }
    assert line.due == 2
    record = _swept(world)
    assert (record.removed, record.held) == (2, 4)
    assert _events(world, free) == []
    assert len(_events(world, litigated)) == len(_events(world, asked)) == 2


def test_only_the_holds_the_rule_names_keep_a_ledger(world: World, fake: Faker) -> None:
    """The marketing-preferences rule names legal claims, a regulator's investigation and an
    open request about the subject: a tax enquiry keeps nothing of a withdrawn ledger."""
    withdrawn = datetime(2019, 3, 1, 10, 0, tzinfo=UTC)
    taxed, claimed = (_withdrawn_ledger(world, fake, withdrawn) for _ in range(2))
    day = date(2025, 3, 2)
    _at(world, day - timedelta(days=5))
    for subject, ground in ((taxed, HoldGround.TAX_ENQUIRY), (claimed, HoldGround.LEGAL_CLAIMS)):
        place_hold(
            world.use_case(DCO), PlaceHold(subject, ground, day + timedelta(days=60), "Enquiry")
        )
    _at(world, day)
    line = _line(world)
    assert {item.subject_id: item.holds for item in line.held} == {claimed: ("legal_claims",)}
    assert line.due == 2
    record = _swept(world)
    assert (record.removed, record.held) == (2, 2)
    assert _events(world, taxed) == []  # the tax enquiry did not keep it
    assert len(_events(world, claimed)) == 2


def test_an_id_is_never_given_again_once_its_event_is_swept(world: World, fake: Faker) -> None:
    """The newest events swept, the next event takes a new, higher id (SQLite: AUTOINCREMENT),
    and the ledger still refuses an UPDATE."""
    kept = _subject(world, fake)
    _give(world, fake, kept, GIVEN_AT)
    swept = _withdrawn_ledger(world, fake, datetime(2019, 3, 1, 10, 0, tzinfo=UTC))
    highest = max(_ids(world))
    _at(world, date(2026, 1, 1))
    assert _swept(world).removed == 2  # the two newest events, the highest ids
    assert max(_ids(world)) < highest
    _give(world, fake, swept, world.clock.now())
    assert max(_ids(world)) > highest
    with pytest.raises(DBAPIError), world.engine.begin() as connection:
        connection.execute(update(consent_events).values(state="withdrawn"))


def test_an_interrupted_sweep_goes_on_and_a_second_finds_nothing(
    world: World, fake: Faker, monkeypatch: pytest.MonkeyPatch
) -> None:
    withdrawn = datetime(2019, 3, 1, 10, 0, tzinfo=UTC)
    subjects = [_withdrawn_ledger(world, fake, withdrawn) for _ in range(5)]
    expected = add_digest(START_DIGEST, set_digest(i.to_bytes(8, "big") for i in _ids(world)))
    _at(world, date(2026, 6, 1))
    real = SqlRetentionRepository.delete_consent_records
    calls: list[int] = []

    def failing(self: SqlRetentionRepository, ids: list[int]) -> list[int]:
        if len(calls) == 2:
            raise RuntimeError("killed")
        calls.append(len(ids))
        return real(self, ids)

    monkeypatch.setattr(SqlRetentionRepository, "delete_consent_records", failing)
    with pytest.raises(RuntimeError):
        sweep_retention(world.use_case(DCO), SweepRetention(batch_size=2))
    monkeypatch.undo()
    [interrupted] = [
        r
        for r in retention_history(world.use_case(DCO))
        if r.target.store is SweepStore.CONSENT_RECORDS
    ]
    assert (interrupted.state, interrupted.removed, interrupted.batches) == (
        SweepState.RUNNING,
        4,
        2,
    )  # a ledger of two events a batch, each batch whole

    record = _swept(world, batch_size=2)
    assert record.id == interrupted.id
    assert (record.state, record.removed, record.batches) == (SweepState.DONE, 10, 5)
    assert record.digest == expected  # the same however it was cut into batches
    assert all(_events(world, subject) == [] for subject in subjects)
    again = _swept(world)
    assert (again.removed, again.state) == (0, SweepState.DONE)  # safe twice, and recorded


def test_the_evidence_and_its_audit_entry_name_no_person(world: World, fake: Faker) -> None:
    subject = _withdrawn_ledger(world, fake, datetime(2019, 3, 1, 10, 0, tzinfo=UTC))
    with world.uow() as uow:
        [given, _withdrawn] = uow.consents.events_for(subject)
    _at(world, date(2026, 6, 1))
    record = _swept(world)
    assert record.removed == 2
    with world.uow() as uow:
        [entry] = [
            e
            for e in uow.audit.iter_entries()
            if e.action == "retention_swept" and e.details["store"] == "consent_records"
        ]
    assert entry.subject_ref is None
    assert entry.details["removed"] == 2
    assert entry.details["digest"] == record.digest
    text = f"{record!r} {entry.details!r}"
    for secret in (subject, given.evidence_ref, given.notice_version):
        assert secret is not None
        assert secret not in text
    with world.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(consent_events)).scalar() == 0
