"""Searching the audit log on real databases: a subject's entries and no other, filters that
combine, pages by seq, a stream in batches, each search recorded, and the roles refused."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from dataward.domain.audit import AuditAction, AuditEntry
from dataward.domain.audit_search import AuditSearch, audit_search
from dataward.domain.errors import ActionNotAllowed
from dataward.domain.subjects import Actor
from dataward.services import audit
from dataward.services.audit import Audited, PageAsked, record
from tests.builders import TENANT_A
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
AUDITOR = Actor(id="staff-auditor", role="auditor")
REFUSED = [
    Actor(id="staff-ops", role="operator"),
    Actor(id="staff-support", role="support"),
    Actor(id="staff-marketing", role="marketing"),
    Actor(id="admin-a", role="tenant_admin", tenant_id=TENANT_A),
]
START = datetime(2026, 11, 2, 9, tzinfo=UTC)
ACTIONS = (AuditAction.GATE_DECISION, AuditAction.SUBJECT_READ, AuditAction.CONSENT_RECORDED)
ACTORS = ("staff-support", "staff-dco", "svc-ingest")


def _use(world: World, subjects: list[UUID | None], rounds: int) -> list[AuditEntry]:
    """`rounds` entries about each of `subjects` (None: about no one), interleaved an hour
    apart, by turns of actor and action, as the services write them."""
    written: list[AuditEntry] = []
    for r in range(rounds):
        for subject in subjects:
            n = len(written)
            world.clock.current = START + timedelta(hours=n)
            entry = Audited(
                ACTIONS[n % len(ACTIONS)],
                subject_ref=subject,
                purpose="telephony_reporting",
                decision="allowed",
                details={"category": "telephony_activity", "round": r},
            )
            with world.uow() as uow:
                written.append(record(uow, world.clock, ACTORS[n % len(ACTORS)], entry))
                uow.commit()
    return written


def _about(written: list[AuditEntry], subject: UUID) -> list[int]:
    return [e.seq for e in written if e.subject_ref == str(subject)]


def _search(world: World, query: AuditSearch, actor: Actor = DCO) -> list[AuditEntry]:
    receipt = audit.record_search(world.use_case(actor), query)
    found = list(audit.search(world.use_case(actor), receipt, query))
    assert all(entry.seq < receipt.seq for entry in found)
    return found


def _count(world: World) -> int:
    with world.uow() as uow:
        return uow.audit.count()


def test_a_subjects_search_finds_its_entries_and_no_other(world: World) -> None:
    subjects: list[UUID | None] = [uuid.uuid4(), uuid.uuid4(), None, uuid.uuid4()]
    written = _use(world, subjects, rounds=4)
    for subject in subjects:
        if subject is None:
            continue
        found = _search(world, audit_search(subject, None, None, None, None))
        assert [e.seq for e in found] == _about(written, subject)
        assert len(found) == 4
        assert {e.subject_ref for e in found} == {str(subject)}
    with world.uow() as uow:
        receipt = uow.audit.head()
    assert receipt is not None
    assert (receipt.action, receipt.actor) == ("audit_searched", DCO.id)
    assert receipt.subject_ref == str(subjects[-1])  # whose entries were looked at
    assert receipt.details == {}


def test_a_later_search_finds_the_earlier_one_of_the_same_subject(world: World) -> None:
    subject = uuid.uuid4()
    mine = _about(_use(world, [subject, uuid.uuid4()], rounds=2), subject)
    query = audit_search(subject, None, None, None, None)
    first = _search(world, query, AUDITOR)
    second = _search(world, query, DCO)
    assert [e.seq for e in first] == mine
    assert [e.seq for e in second][:-1] == mine
    assert (second[-1].action, second[-1].actor) == ("audit_searched", AUDITOR.id)


def test_filters_combine_and_a_day_is_the_uk_day(world: World) -> None:
    subject = uuid.uuid4()
    written = _use(world, [subject, None], rounds=6)  # 12 entries from 09:00 UTC, 2 November
    by_dco = _search(world, audit_search(None, "staff-dco", None, None, None))
    assert [e.seq for e in by_dco] == [e.seq for e in written if e.actor == "staff-dco"]
    assert len(by_dco) == 4
    reads = _search(world, audit_search(subject, None, "subject_read", None, None))
    assert all(e.action == "subject_read" and e.subject_ref == str(subject) for e in reads)
    assert len(reads) == 2
    window = _search(
        world, audit_search(None, None, None, "2026-11-02T10:00:00Z", "2026-11-02T12:00:00+00:00")
    )
    assert [e.at.hour for e in window] == [10, 11, 12]
    # summer time: 22:30 and 23:30 UTC on 1 July are 23:30 on the 1st and 00:30 on the 2nd
    for hour in (22, 23):
        world.clock.current = datetime(2026, 7, 1, hour, 30, tzinfo=UTC)
        with world.uow() as uow:
            record(uow, world.clock, "staff-dco", Audited(AuditAction.KEYS_ROTATED))
            uow.commit()
    second = _search(world, audit_search(None, None, "keys_rotated", "2026-07-02", "2026-07-02"))
    assert [e.at.hour for e in second] == [23]


def test_pages_follow_the_cursor_and_each_is_recorded(world: World) -> None:
    subject = uuid.uuid4()
    mine = _about(_use(world, [subject, uuid.uuid4()], rounds=5), subject)
    query = audit_search(subject, None, None, None, None)
    before = _count(world)
    pages, after = [], None
    while True:
        page = audit.search_page(
            world.use_case(DCO), world.use_case(DCO), query, PageAsked(after, limit=2)
        )
        pages.append([e.seq for e in page.entries])
        expected = (
            {"after": 0, "limit": 2}
            if after is None
            else {"after": after.after, "limit": 2, "upto": after.upto}
        )
        assert page.receipt.details == expected
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert pages == [mine[:2], mine[2:4], mine[4:]]
    assert _count(world) == before + 3  # one entry a page


def test_a_search_is_streamed_in_batches(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit, "SEARCH_BATCH", 3)
    subject = uuid.uuid4()
    mine = _about(_use(world, [subject, uuid.uuid4()], rounds=10), subject)
    found = _search(world, audit_search(subject, None, None, None, None))
    assert [e.seq for e in found] == mine
    assert len(found) == 10


def test_a_receipt_is_for_its_own_search(world: World) -> None:
    subject = uuid.uuid4()
    receipt = audit.record_search(
        world.use_case(DCO), audit_search(subject, None, None, None, None)
    )
    other = audit_search(uuid.uuid4(), None, None, None, None)
    with pytest.raises(ValueError, match="receipt"):
        list(audit.search(world.use_case(DCO), receipt, other))


@pytest.mark.parametrize("actor", REFUSED, ids=lambda a: a.role)
def test_a_role_without_read_audit_log_is_refused_and_nothing_is_recorded(
    world: World, actor: Actor
) -> None:
    subject = uuid.uuid4()
    _use(world, [subject], rounds=1)
    before = _count(world)
    query = audit_search(subject, None, None, None, None)
    with pytest.raises(ActionNotAllowed):
        audit.record_search(world.use_case(actor), query)
    with pytest.raises(ActionNotAllowed):
        audit.search_page(world.use_case(actor), world.use_case(actor), query, PageAsked())
    assert _count(world) == before
