"""Changes of purpose on real databases and a real SMTP server: a purpose a new register version
adds is refused for the people we already had until they are sent its notice, or the DCO
assesses the new use compatible; people who came after it were told at collection."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from uuid import UUID

import pytest
from faker import Faker
from sqlalchemy import func, select

from dataward.adapters.mail.notices import render_policy_notice
from dataward.adapters.mail.smtp import SmtpMailer, SmtpServer
from dataward.adapters.register_file import parse_register, shipped_register_text
from dataward.adapters.sql.processing.purpose_notices import purpose_notices
from dataward.bootstrap import parse_stored
from dataward.domain.errors import ActionNotAllowed, InvalidValue, NotFound
from dataward.domain.outreach import MessageKind
from dataward.domain.processing.gate import DenialReason, Gate
from dataward.domain.processing.purpose_notice import CompatibilityFactors
from dataward.domain.register.model import Register
from dataward.domain.subjects import Actor
from dataward.services.outreach.outbox import deliver_messages
from dataward.services.outreach.policy_notice import PolicyNoticeMaker, record_told
from dataward.services.processing.gate import Authorize, authorize
from dataward.services.register.purpose_notices import (
    AssessPurpose,
    assess,
    notify,
    pending,
)
from dataward.services.register.store import ActiveRegister, store_register
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.integration.world import World
from tests.support.smtp_inbox import Inbox, body, smtp_server

DCO = Actor(id="staff-dco", role="dco")
SUPPORT = Actor(id="staff-support", role="support")
NEW = "product_research"
ACTIVITY = "To invite you to try new products before they are released."
PURPOSE = f"""  - key: {NEW}
    activity: "{ACTIVITY}"
    categories: [identity, contact]
    lawful_basis: legitimate_interests
    legitimate_interest: To learn what our customers need of new products.
    subject_kinds: [end_user, customer_contact]
    retention: customer_records
  - key: telephony_reporting
"""
FACTORS = CompatibilityFactors(
    link="close to managing the relationship the data was collected for",
    context="customers who gave their business address for the service",
    nature="business contact details only; no special category or criminal data",
    consequences="an occasional invitation, easily declined",
    safeguards="identifiers encrypted per subject; pseudonymous references",
)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    yield from smtp_server()


def _load(world: World, register_text: str, source: str) -> Register:
    loaded = parse_register(register_text, source=source)
    store_register(world.uow(), world.clock, loaded, "test", ActiveRegister(parse_stored))
    return loaded.register


def _subject(world: World, fake: Faker, kind: str = "customer_contact") -> UUID:
    made = create_subject(
        world.use_case(DCO), NewSubject(kind=kind, identifiers=[("email", fake.email())])
    )
    return made.id


def _asked(world: World, register: Register, subject: UUID, purpose: str = NEW) -> DenialReason:
    command = Authorize(subject, "contact", purpose)
    return authorize(world.use_case(SUPPORT, register), Gate(register), command).reason


def _send(world: World, register: Register, port: int) -> int:
    mailer = SmtpMailer(SmtpServer("127.0.0.1", port), "dco@akixi.com")
    result = deliver_messages(
        world.use_case(DCO, register),
        {"email": mailer},
        {MessageKind.POLICY_NOTICE: PolicyNoticeMaker(render_policy_notice)},
        on_sent={MessageKind.POLICY_NOTICE: record_told},
    )
    return result.sent


def test_a_new_purpose_waits_for_the_notice_to_be_sent(
    world: World, fake: Faker, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    _load(world, shipped_register_text(), "v1")
    earlier = _subject(world, fake)
    address = fake.email()
    told = create_subject(
        world.use_case(DCO),
        NewSubject(kind="customer_contact", identifiers=[("email", address)]),
    ).id
    registered = _version_two_after(world)
    later = _subject(world, fake)

    assert _asked(world, registered, told) is DenialReason.NOTICE_PENDING
    assert _asked(world, registered, earlier) is DenialReason.NOTICE_PENDING
    assert _asked(world, registered, later) is DenialReason.PERMITTED  # told at collection
    # a purpose the version did not change is not held
    assert _asked(world, registered, told, "relationship_management") is DenialReason.PERMITTED

    queued = notify(world.use_case(DCO, registered), "2026.2")
    assert queued.queued == 2  # the two who came before it; not the one who came after
    assert _asked(world, registered, told) is DenialReason.NOTICE_PENDING  # queued is not told
    again = notify(world.use_case(DCO, registered), "2026.2")
    assert again.queued == 0  # a notice waiting in the outbox is not queued twice

    world.clock.advance(timedelta(minutes=5))
    assert _send(world, registered, port) == 2
    assert _asked(world, registered, told) is DenialReason.PERMITTED
    assert _asked(world, registered, earlier) is DenialReason.PERMITTED
    [message] = inbox.to(address)
    text = body(message)
    assert ACTIVITY in text
    assert "2026.2" in text
    assert "object" in text.lower()
    assert "https://www.akixi.com/privacy-policy/" in text
    with world.engine.connect() as connection:
        rows = connection.execute(select(purpose_notices)).all()
    assert {r.subject_id for r in rows} == {str(told), str(earlier)}
    assert all(r.queued_at < r.sent_at for r in rows)
    [line] = [p for p in pending(world.use_case(DCO, registered)) if p.purpose == NEW]
    assert (line.version, line.added, line.concerned, line.told) == ("2026.2", True, 2, 2)
    assert notify(world.use_case(DCO, registered), "2026.2").queued == 0


def _version_two_after(world: World) -> Register:
    """Version 2026.2, loaded an hour on (the shipped register is in force already)."""
    world.clock.advance(timedelta(hours=1))
    text = shipped_register_text().replace('version: "2026.1"', 'version: "2026.2"')
    text = text.replace("  - key: telephony_reporting\n", PURPOSE, 1)
    text = text.replace(
        "purposes: [correspondence, relationship_management, telephony_support]",
        f"purposes: [correspondence, relationship_management, telephony_support, {NEW}]",
    )
    registered = _load(world, text, "v2")
    world.clock.advance(timedelta(hours=1))
    return registered


def test_an_assessment_of_compatibility_lets_the_purpose_through_and_a_no_keeps_it_held(
    world: World, fake: Faker
) -> None:
    _load(world, shipped_register_text(), "v1")
    subject = _subject(world, fake)
    registered = _version_two_after(world)
    ctx = world.use_case(DCO, registered)

    assess(ctx, AssessPurpose(NEW, compatible=False, reasons="not close enough", factors=FACTORS))
    assert _asked(world, registered, subject) is DenialReason.NOTICE_PENDING
    world.clock.advance(timedelta(minutes=1))
    assess(
        world.use_case(DCO, registered),
        AssessPurpose(NEW, compatible=True, reasons="a close link", factors=FACTORS),
    )
    assert _asked(world, registered, subject) is DenialReason.PERMITTED
    [line] = [p for p in pending(world.use_case(DCO, registered)) if p.purpose == NEW]
    assert line.assessed is True
    with world.uow() as uow:
        entries = [e for e in uow.audit.iter_entries() if e.action == "purpose_assessed"]
    assert [e.decision for e in entries] == ["not_compatible", "compatible"]
    assert all(FACTORS.link not in str(e.details) for e in entries)  # no words in the log


def test_an_assessment_needs_every_factor_and_the_register_right(world: World) -> None:
    _load(world, shipped_register_text(), "v1")
    registered = _version_two_after(world)
    with pytest.raises(InvalidValue, match="safeguards"):
        CompatibilityFactors("a", "b", "c", "d", "  ")
    with pytest.raises(InvalidValue, match="link"):
        CompatibilityFactors("x" * 2001, "b", "c", "d", "e")
    with pytest.raises(ActionNotAllowed):
        assess(
            world.use_case(SUPPORT, registered),
            AssessPurpose(NEW, compatible=True, reasons="r", factors=FACTORS),
        )
    with pytest.raises(NotFound, match="change of the purpose awaiting notice"):
        assess(
            world.use_case(DCO, registered),
            AssessPurpose("correspondence", compatible=True, reasons="r", factors=FACTORS),
        )


def test_erasure_takes_the_notices_of_its_subject(
    world: World, fake: Faker, smtp: tuple[Inbox, int]
) -> None:
    _inbox, port = smtp
    _load(world, shipped_register_text(), "v1")
    subject = _subject(world, fake)
    registered = _version_two_after(world)
    notify(world.use_case(DCO, registered), "2026.2")
    _send(world, registered, port)
    with world.uow() as uow:
        held = uow.subjects.get(subject)
        assert held is not None
        uow.subjects.erase(held, at=world.clock.now(), reason="erasure_request", request_ref=None)
        uow.commit()
    with world.engine.connect() as connection:
        left = connection.execute(select(func.count()).select_from(purpose_notices)).scalar()
    assert left == 0
