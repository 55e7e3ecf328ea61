"""Campaign sends, marketing bases and the disclosure log under their register rules, record by
record, on exact dates counted from wherever the clock stands (as it does today, and a year on):
a send is kept through the second anniversary of its UK day and goes the day after, with the
soft opt-in it was made on; a send made on a consent since withdrawn is kept with the consent's
record, six years from the withdrawal; a disclosure is kept six years from the day it was made;
a held subject's records stay and are listed (a tax enquiry, which neither rule names, keeps
nothing); the marketing contact whose last record went is shredded by the same sweep; a second
sweep removes nothing, and each store's evidence is a sweep record and an audit entry with the
digest of the ids removed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest
from faker import Faker
from sqlalchemy import select

from dataward.adapters.sql.outreach.marketing import campaign_sends, marketing_bases
from dataward.adapters.sql.sharing.tables import disclosures
from dataward.domain.audit import AuditAction
from dataward.domain.marketing.campaign import CampaignDraft
from dataward.domain.processing.consent import ConsentMethod
from dataward.domain.processing.litigation_holds import HoldGround
from dataward.domain.processing.retention import add_duration
from dataward.domain.register.model import Duration
from dataward.domain.retention.records import number_id, send_id
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
from dataward.services.marketing.bases import ObtainedIn, RecordSoftOptIn, record_soft_opt_in
from dataward.services.marketing.campaigns import create_campaign
from dataward.services.marketing.sending import send_campaign
from dataward.services.processing.consent import (
    GiveConsent,
    WithdrawConsent,
    record_consent,
    withdraw_consent,
)
from dataward.services.processing.holds import PlaceHold, place_hold
from dataward.services.retention.plan import retention_plan
from dataward.services.retention.sweep import SweepRetention, sweep_retention
from dataward.services.sharing.exports import ShareExport, export_to_recipient
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.builders import an_actor
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
MARKETING = an_actor("marketing")
NEWS = "Subject: What is new in call reporting\n\nHello,\nOur reports now show queues by hour.\n"
TWO_YEARS, SIX_YEARS = Duration.parse("P2Y"), Duration.parse("P6Y")
OURS = (SweepStore.MARKETING_BASES, SweepStore.CAMPAIGN_SENDS, SweepStore.DISCLOSURES)


@pytest.fixture(params=[0, 1], ids=["today", "a year on"])
def start(request: pytest.FixtureRequest, world: World) -> datetime:
    """Where the clock stands when the records are made: as the world sets it, or a year on."""
    now = world.clock.now()
    world.clock.current = now.replace(year=now.year + int(request.param))
    return world.clock.current


def _at(world: World, day: date) -> None:
    world.clock.current = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def _person(world: World, fake: Faker, kind: str = "marketing_contact") -> str:
    made = create_subject(
        world.use_case(DCO), NewSubject(kind=kind, identifiers=[("email", fake.unique.email())])
    )
    return str(made.id)


def _consent(world: World, subject: str, purpose: str = "direct_marketing") -> None:
    channel = "third_party" if purpose == "mondago_marketing" else "email"
    record_consent(
        world.use_case(MARKETING),
        GiveConsent(UUID(subject), purpose, channel, ConsentMethod.WEB_FORM, "2026.1", "form-1"),
    )


def _withdraw(world: World, subject: str, purpose: str = "direct_marketing") -> None:
    withdraw_consent(
        world.use_case(MARKETING),
        WithdrawConsent(UUID(subject), purpose, ConsentMethod.EMAIL_LINK, "2026.1"),
    )


def _send(world: World) -> str:
    """A campaign of Akixi's by e-mail, queued to everyone it may reach now; its id."""
    draft = CampaignDraft("News", "direct_marketing", "email", "akixi", NEWS, "call_reporting")
    campaign = create_campaign(world.use_case(MARKETING), draft).id
    send_campaign(world.use_case(MARKETING), campaign)
    return str(campaign)


def _outbox_done(world: World) -> None:
    """What `dataward outbox send` does with the queued messages: each sent, and forgotten
    30 days on (the outbox's own rule, not the sweep's)."""
    now = world.clock.now()
    with world.uow() as uow:
        for message in uow.messages.due(now, 1000, channels=["email", "sms", "post"]):
            uow.messages.sent(message.id, now)
        uow.messages.forget_done(now + timedelta(days=31))
        uow.commit()


def _soft(world: World, subject: str) -> None:
    today = world.clock.now().date()
    record_soft_opt_in(
        world.use_case(MARKETING),
        RecordSoftOptIn(UUID(subject), ObtainedIn.SALE, today, "order-1 (opt-out box offered)"),
    )


def _sends(world: World) -> set[tuple[str, str]]:
    with world.engine.connect() as connection:
        rows = connection.execute(select(campaign_sends.c.campaign_id, campaign_sends.c.subject_id))
        return {(campaign, subject) for campaign, subject in rows}


def _subjects_of(world: World, table: object) -> list[str]:
    with world.engine.connect() as connection:
        return sorted(connection.execute(select(table.c.subject_id)).scalars())  # type: ignore[attr-defined]


def _status(world: World, subject: str) -> str:
    with world.uow() as uow:
        found = uow.subjects.get(UUID(subject))
        assert found is not None
        return found.status.value


def _line(world: World, store: SweepStore) -> PlanLine:
    [line] = [
        line for line in retention_plan(world.use_case(DCO)).lines if line.target.store is store
    ]
    return line


def _swept(world: World, size: int = 5000) -> dict[SweepStore, SweepRecord]:
    records = sweep_retention(world.use_case(DCO), SweepRetention(batch_size=size))
    return {r.target.store: r for r in records if r.target.tenant_id is None}


def _removed(world: World) -> dict[SweepStore, int]:
    swept = _swept(world)
    return {store: swept[store].removed for store in (*OURS, SweepStore.CONTACTS)}


def test_a_send_and_its_soft_opt_in_are_kept_two_years_from_the_send(
    world: World, fake: Faker, start: datetime
) -> None:
    customer = _person(world, fake, "customer_contact")  # on a soft opt-in
    _soft(world, customer)
    consenting = _person(world, fake)  # on a consent still given
    _consent(world, consenting)
    campaign = _send(world)
    assert _sends(world) == {(campaign, customer), (campaign, consenting)}
    last = add_duration(start.date(), TWO_YEARS)  # 10:00 UTC: the UK day is the UTC day

    _at(world, last)
    assert _line(world, SweepStore.CAMPAIGN_SENDS).due == 0
    assert _removed(world)[SweepStore.CAMPAIGN_SENDS] == 0
    assert len(_sends(world)) == 2  # kept through its last day

    _at(world, last + timedelta(days=1))
    line = _line(world, SweepStore.CAMPAIGN_SENDS)
    assert (line.target.rule, line.target.retention) == (
        "marketing_preferences",
        "P2Y last_interaction; P6Y consent_withdrawn",
    )
    assert (line.due, line.oldest) == (2, start.date())
    assert _line(world, SweepStore.MARKETING_BASES).due == 1
    removed = _removed(world)
    assert removed[SweepStore.CAMPAIGN_SENDS] == 2
    assert removed[SweepStore.MARKETING_BASES] == 1  # the relationship it allowed has ended
    assert removed[SweepStore.CONTACTS] == 0  # the consent still given keeps its ledger and them
    assert _sends(world) == set()
    assert _subjects_of(world, marketing_bases) == []
    assert _status(world, consenting) != "erased"
    assert set(_removed(world).values()) == {0}  # a second sweep finds nothing more


def test_a_send_on_the_soft_opt_in_keeps_the_basis_two_years_from_that_send(
    world: World, fake: Faker, start: datetime
) -> None:
    customer = _person(world, fake, "customer_contact")
    _soft(world, customer)  # recorded today, and used a year on
    world.clock.current = start + timedelta(days=365)
    _send(world)
    sent = world.clock.now().date()
    _at(world, add_duration(sent, TWO_YEARS))
    assert _line(world, SweepStore.MARKETING_BASES).due == 0
    _at(world, add_duration(start.date(), TWO_YEARS) + timedelta(days=1))
    assert _removed(world)[SweepStore.MARKETING_BASES] == 0  # its own day alone would let it go
    _at(world, add_duration(sent, TWO_YEARS) + timedelta(days=1))
    assert _removed(world)[SweepStore.MARKETING_BASES] == 1


def test_a_send_on_a_late_evening_of_summer_time_is_dated_by_its_uk_day(
    world: World, fake: Faker, start: datetime
) -> None:
    world.clock.current = datetime(start.year - 1, 6, 30, 23, 30, tzinfo=UTC)  # 00:30 BST
    consenting = _person(world, fake)
    _consent(world, consenting)
    _send(world)
    last = add_duration(date(start.year - 1, 7, 1), TWO_YEARS)  # the UK day, not the UTC one
    _at(world, last)
    assert _line(world, SweepStore.CAMPAIGN_SENDS).due == 0
    _at(world, last + timedelta(days=1))
    line = _line(world, SweepStore.CAMPAIGN_SENDS)
    assert (line.due, line.oldest) == (1, date(start.year - 1, 7, 1))


def test_a_send_on_a_withdrawn_consent_goes_with_its_record_and_then_the_contact(
    world: World, fake: Faker, start: datetime
) -> None:
    contact = _person(world, fake)
    _consent(world, contact)
    campaign = _send(world)
    _outbox_done(world)
    world.clock.current = start + timedelta(days=200)
    _withdraw(world, contact)
    withdrawn = world.clock.now().date()
    last = add_duration(withdrawn, SIX_YEARS)

    _at(world, add_duration(start.date(), TWO_YEARS) + timedelta(days=1))
    assert _removed(world)[SweepStore.CAMPAIGN_SENDS] == 0  # the withdrawal keeps it
    _at(world, last)
    assert _removed(world)[SweepStore.CAMPAIGN_SENDS] == 0
    assert _sends(world) == {(campaign, contact)}
    assert _status(world, contact) != "erased"

    _at(world, last + timedelta(days=1))
    swept = _swept(world)
    assert swept[SweepStore.CONSENT_RECORDS].removed  # the consent's record, the same day
    assert swept[SweepStore.CAMPAIGN_SENDS].removed == 1
    expected = add_digest(START_DIGEST, set_digest([send_id(campaign, contact)]))
    assert swept[SweepStore.CAMPAIGN_SENDS].digest == expected
    assert swept[SweepStore.CONTACTS].removed == 1  # nothing of theirs left: shredded with them
    assert _status(world, contact) == "erased"
    assert set(_removed(world).values()) == {0}


def test_a_disclosure_is_kept_six_years_from_the_day_it_was_made(
    world: World, fake: Faker, start: datetime
) -> None:
    shared, kept = _person(world, fake), _person(world, fake)
    for who in (shared, kept):
        _consent(world, who, "mondago_marketing")
    export_to_recipient(world.use_case(MARKETING), ShareExport("mondago", "mondago_marketing"))
    assert _subjects_of(world, disclosures) == sorted([shared, kept])
    world.clock.current = start + timedelta(hours=2)
    _withdraw(world, shared, "mondago_marketing")  # nothing else of theirs outlasts the log
    place_hold(  # a tax enquiry keeps customer records, not the disclosure log
        world.use_case(DCO),
        PlaceHold(kept, HoldGround.TAX_ENQUIRY, start.date() + timedelta(days=30), "HMRC"),
    )
    with world.engine.connect() as connection:
        ids = list(
            connection.execute(select(disclosures.c.id).order_by(disclosures.c.id)).scalars()
        )
    last = add_duration(start.date(), SIX_YEARS)

    _at(world, last)
    line = _line(world, SweepStore.DISCLOSURES)
    assert (line.target.rule, line.target.retention, line.due) == (
        "disclosure_log",
        "P6Y collection",
        0,
    )
    assert _removed(world)[SweepStore.DISCLOSURES] == 0

    _at(world, last + timedelta(days=1))
    swept = _swept(world, size=1)  # one record to a transaction
    record = swept[SweepStore.DISCLOSURES]
    assert (record.removed, record.batches, record.oldest, record.held) == (2, 2, start.date(), 0)
    assert record.state is SweepState.DONE
    assert record.digest == add_digest(START_DIGEST, set_digest([number_id(i) for i in ids]))
    assert _subjects_of(world, disclosures) == []
    assert _status(world, shared) == "erased"  # the log and the ledger gone, so are they
    assert _status(world, kept) != "erased"  # their consent to Mondago (and the hold) keep them
    with world.uow() as uow:
        [entry] = [
            e
            for e in uow.audit.iter_entries()
            if e.action == AuditAction.RETENTION_SWEPT
            and e.details.get("store") == SweepStore.DISCLOSURES.value
            and e.details["removed"]
        ]
    assert entry.details["digest"] == record.digest
    assert entry.details["rule"] == "disclosure_log"
    assert set(_removed(world).values()) == {0}


def test_a_held_subjects_sends_and_disclosures_are_kept_and_listed(
    world: World, fake: Faker, start: datetime
) -> None:
    held, free = _person(world, fake), _person(world, fake)
    for who in (held, free):
        _consent(world, who)
        _consent(world, who, "mondago_marketing")
    _send(world)
    export_to_recipient(world.use_case(MARKETING), ShareExport("mondago", "mondago_marketing"))
    day = add_duration(start.date(), SIX_YEARS) + timedelta(days=1)
    place_hold(
        world.use_case(DCO),
        PlaceHold(held, HoldGround.LEGAL_CLAIMS, day + timedelta(days=30), "Claim"),
    )
    _at(world, day)
    for store in (SweepStore.CAMPAIGN_SENDS, SweepStore.DISCLOSURES):
        line = _line(world, store)
        assert line.due == 1, store
        assert [(h.subject_id, h.holds, h.items) for h in line.held] == [
            (held, ("legal_claims",), 1)
        ], store
    swept = _swept(world)
    for store in (SweepStore.CAMPAIGN_SENDS, SweepStore.DISCLOSURES):
        assert (swept[store].removed, swept[store].held) == (1, 1), store
    assert [s for _c, s in _sends(world)] == [held]
    assert _subjects_of(world, disclosures) == [held]
