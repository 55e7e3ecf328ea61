"""The complaints register on real databases, from complaints moved through the real use cases
as the clock runs: acknowledged on time by their letter or late by staff, completed with an
outcome on time and late, withdrawn, received through the public form, taken to the ICO and
closed by it. The rows and figures say so; a page at a time gives the same register; the ICO's
involvement is checked, audited and goes with its request under the rights-records rule; only
the DCO reads any of it, and a tenant's administrator finds none."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest
from faker import Faker
from sqlalchemy import func, select

from dataward.adapters.sql.rights.complaints import _register, complaint_ico
from dataward.adapters.sql.rights.requests import rights_requests
from dataward.domain.errors import ActionNotAllowed, InvalidValue, NotFound
from dataward.domain.requests.complaints import (
    ComplaintCursor,
    IcoCase,
    IcoOutcome,
    ReceivedBy,
    Timeliness,
)
from dataward.domain.requests.workflow import RequestEvent, RequestState, RequestType
from dataward.domain.subjects import Actor
from dataward.services.context import UseCase
from dataward.services.processing.erasure import Shred, shred
from dataward.services.retention.sweep import SweepRetention, sweep_retention
from dataward.services.rights.complaint_register import (
    RegisterQuery,
    complaint_page,
    complaint_register,
    export_register,
    record_ico,
    show_complaint,
)
from dataward.services.rights.complaints import ComplaintOutcome, complete_complaint
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.rights.public_form import receive_public_request
from dataward.services.rights.requests import Step, advance
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
ADMIN_A = Actor(id="admin-a", role="tenant_admin", tenant_id="tenant-a")
NOT_OURS = [
    Actor(id="op", role="operator"),
    Actor(id="sup", role="support"),
    Actor(id="mkt", role="marketing"),
    Actor(id="aud", role="auditor"),
]
OUTCOME = ComplaintOutcome(
    found="The recordings were kept past our retention period.",
    done="We deleted them and fixed the job that missed them.",
)
# The world's clock starts on Wednesday 25 November 2026. A complaint received on Friday 20
# November is to be acknowledged by 19 December, its outcome's target Thursday 14 January
# 2027; one received on the 25th by 24 December, its target Tuesday 19 January 2027.
FRIDAY, WEDNESDAY = date(2026, 11, 20), date(2026, 11, 25)


def _complaint(world: World, received: date, channel: str, **kw: object) -> str:
    command = NewRequest(type=RequestType.COMPLAINT, received=received, channel=channel, **kw)  # type: ignore[arg-type]
    return str(receive_request(world.use_case(DCO), command).request.id)


def _move(world: World, request_id: str, event: RequestEvent) -> None:
    advance(world.use_case(DCO), request_id, Step(event))


def _built(world: World, fake: Faker) -> dict[str, str]:
    """Five complaints, moved on over two months; the clock left on 20 January 2027."""
    ids = {
        "late_ack": _complaint(world, FRIDAY, "post"),
        "on_time": _complaint(world, WEDNESDAY, "email", contact_email=fake.email()),
        "withdrawn": _complaint(world, WEDNESDAY, "phone"),
        "completed_late": _complaint(world, FRIDAY, "email", contact_email=fake.email()),
    }
    public = NewRequest(
        type=RequestType.COMPLAINT,
        received=WEDNESDAY,
        channel="api",
        contact_email=fake.email(),
        contact_name=fake.name(),
    )
    ids["form"] = str(receive_public_request(world.use_case(DCO), public).request.id)
    _move(world, ids["on_time"], RequestEvent.START)
    complete_complaint(world.use_case(DCO), ids["on_time"], OUTCOME)
    _move(world, ids["withdrawn"], RequestEvent.WITHDRAW)
    _move(world, ids["completed_late"], RequestEvent.START)
    world.clock.advance(timedelta(days=30))  # Friday 25 December 2026
    _move(world, ids["late_ack"], RequestEvent.START)  # past its 19 December
    record_ico(world.use_case(DCO), ids["form"], IcoCase("IC-001122-X9Y8", date(2026, 12, 20)))
    world.clock.current = datetime(2027, 1, 20, 10, 0, tzinfo=UTC)
    complete_complaint(world.use_case(DCO), ids["completed_late"], OUTCOME)  # target 14 Jan
    closed = IcoCase("IC-001122-X9Y8", date(2026, 12, 20), IcoOutcome.UPHELD, date(2027, 1, 18))
    record_ico(world.use_case(DCO), ids["form"], closed)
    return ids


def test_the_register_says_how_each_complaint_was_handled_and_counts_it(
    world: World, fake: Faker
) -> None:
    ids = _built(world, fake)
    register = complaint_register(world.use_case(DCO), RegisterQuery())
    rows = {str(row.id): row for row in register.rows}
    assert set(rows) == set(ids.values())
    assert [row.received for row in register.rows] == [WEDNESDAY] * 3 + [FRIDAY] * 2
    assert register.as_of == date(2027, 1, 20)

    late_ack = rows[ids["late_ack"]]
    assert (late_ack.channel, late_ack.received_by) == ("post", ReceivedBy.STAFF)
    assert (late_ack.acknowledge_by, late_ack.acknowledged) == (
        date(2026, 12, 19),
        date(2026, 12, 25),
    )
    assert late_ack.acknowledgement is Timeliness.LATE
    assert (late_ack.outcome_target, late_ack.completed) == (date(2027, 1, 14), None)
    assert late_ack.outcome is Timeliness.OVERDUE
    assert (late_ack.state, late_ack.outcome_recorded, late_ack.ico) == (
        RequestState.IN_PROGRESS,
        False,
        None,
    )

    on_time = rows[ids["on_time"]]
    assert (on_time.acknowledged, on_time.acknowledgement) == (WEDNESDAY, Timeliness.ON_TIME)
    assert (on_time.outcome_target, on_time.completed) == (date(2027, 1, 19), WEDNESDAY)
    assert (on_time.outcome, on_time.days_late, on_time.outcome_recorded) == (
        Timeliness.ON_TIME,
        None,
        True,
    )

    late = rows[ids["completed_late"]]
    assert (late.acknowledgement, late.completed) == (Timeliness.ON_TIME, date(2027, 1, 20))
    assert (late.outcome, late.days_late, late.state) == (
        Timeliness.LATE,
        6,
        RequestState.COMPLETED,
    )

    withdrawn = rows[ids["withdrawn"]]
    assert (withdrawn.acknowledgement, withdrawn.outcome) == (Timeliness.NEVER, Timeliness.NEVER)
    assert withdrawn.state is RequestState.WITHDRAWN

    form = rows[ids["form"]]
    assert (form.channel, form.received_by) == ("portal", ReceivedBy.FORM)
    assert form.outcome is Timeliness.OVERDUE  # its target, 19 January, has passed
    assert form.ico == IcoCase(
        "IC-001122-X9Y8", date(2026, 12, 20), IcoOutcome.UPHELD, date(2027, 1, 18)
    )

    f = register.figures
    assert (f.complaints, f.open, f.outcomes_recorded, f.taken_to_ico) == (5, 2, 2, 1)
    assert f.acknowledgement == {"on_time": 3, "late": 1, "pending": 0, "overdue": 0, "never": 1}
    assert f.outcome == {"on_time": 1, "late": 1, "pending": 0, "overdue": 2, "never": 1}
    assert f.ico_outcomes["upheld"] == 1
    assert sum(f.ico_outcomes.values()) == 1


def test_open_only_and_a_period_narrow_the_register(world: World, fake: Faker) -> None:
    ids = _built(world, fake)
    reading = world.use_case(DCO)
    still_open = complaint_register(reading, RegisterQuery(open_only=True))
    assert {str(r.id) for r in still_open.rows} == {ids["late_ack"], ids["form"]}
    assert still_open.figures.open == still_open.figures.complaints == 2
    fridays = complaint_register(reading, RegisterQuery(since=FRIDAY, until=FRIDAY))
    assert {str(r.id) for r in fridays.rows} == {ids["late_ack"], ids["completed_late"]}
    later = complaint_register(reading, RegisterQuery(since=date(2026, 11, 21)))
    assert len(later.rows) == 3
    with pytest.raises(InvalidValue, match="until: no earlier than since"):
        complaint_register(reading, RegisterQuery(since=WEDNESDAY, until=FRIDAY))


def test_a_page_at_a_time_gives_the_whole_register_in_its_order(world: World, fake: Faker) -> None:
    _built(world, fake)
    whole = [row.id for row in complaint_register(world.use_case(DCO), RegisterQuery()).rows]
    paged: list[UUID] = []
    after: ComplaintCursor | None = None
    pages = 0
    while True:
        page = complaint_page(world.use_case(DCO), RegisterQuery(), 2, after)
        paged += [row.id for row in page.rows]
        pages += 1
        if page.next is None:
            break
        after = ComplaintCursor.parse(page.next.text)
    assert (paged, pages) == (whole, 3)
    opened = complaint_page(world.use_case(DCO), RegisterQuery(open_only=True), 1)
    assert opened.next is not None
    assert len(opened.rows) == 1


def test_one_complaint_shows_its_timeline_and_its_outcome_opened_audited(
    world: World, fake: Faker
) -> None:
    ids = _built(world, fake)
    detail = show_complaint(world.use_case(DCO), ids["on_time"])
    assert detail.outcome == OUTCOME
    assert [t.event for t in detail.timeline] == [
        RequestEvent.RECEIVE,
        RequestEvent.START,
        RequestEvent.COMPLETE,
    ]
    with world.uow() as uow:
        read = uow.audit.head()
    assert read is not None
    assert (read.action, dict(read.details)) == (
        "complaint_outcome_read",
        {"request": ids["on_time"]},
    )
    open_one = show_complaint(world.use_case(DCO), ids["late_ack"])
    assert open_one.outcome is None  # nothing recorded, nothing opened
    with world.uow() as uow:
        assert uow.audit.head() == read


def test_recording_the_icos_involvement_is_checked_and_audited(world: World) -> None:
    request_id = _complaint(world, FRIDAY, "post")
    case = IcoCase("IC-42/2026", date(2026, 11, 24))
    row = record_ico(world.use_case(DCO), request_id, case)
    assert row.ico == case
    with world.uow() as uow:
        entry = uow.audit.head()
    assert entry is not None
    assert (entry.action, entry.actor, dict(entry.details)) == (
        "complaint_ico_recorded",
        DCO.id,
        {"request": request_id, "ico_outcome": "", "ico_closed": "", "replaced": False},
    )
    closed = record_ico(
        world.use_case(DCO),
        request_id,
        IcoCase("IC-42/2026", date(2026, 11, 24), IcoOutcome.NOT_UPHELD),
    )
    assert closed.ico == IcoCase(
        "IC-42/2026", date(2026, 11, 24), IcoOutcome.NOT_UPHELD, WEDNESDAY
    )  # closed today, when no day is given
    with world.uow() as uow:
        entry = uow.audit.head()
        count = uow.audit.count()
    assert entry is not None
    assert dict(entry.details)["replaced"] is True
    assert dict(entry.details)["ico_outcome"] == "not_upheld"
    with world.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(complaint_ico)).scalar() == 1

    bad = {
        "": "reference",
        "IC 42": "reference",
        "x" * 41: "reference",
        "IC-42\n": "reference",
        "07700 900123": "reference",
    }
    for reference, field in bad.items():
        with pytest.raises(InvalidValue, match=f"^{field}:") as refused:
            record_ico(world.use_case(DCO), request_id, IcoCase(reference, date(2026, 11, 24)))
        assert reference.strip() == "" or reference.strip() not in str(refused.value)
    dates = [
        (IcoCase("IC-1", date(2026, 11, 19)), "on"),  # before the complaint came
        (IcoCase("IC-1", date(2026, 11, 26)), "on"),  # tomorrow
        (IcoCase("IC-1", FRIDAY, None, WEDNESDAY), "closed"),  # a day without an outcome
        (IcoCase("IC-1", WEDNESDAY, IcoOutcome.UPHELD, FRIDAY), "closed"),  # before it came
        (IcoCase("IC-1", FRIDAY, IcoOutcome.UPHELD, date(2026, 11, 26)), "closed"),
    ]
    for case, field in dates:
        with pytest.raises(InvalidValue, match=f"^{field}:"):
            record_ico(world.use_case(DCO), request_id, case)
    with world.uow() as uow:
        assert uow.audit.count() == count  # nothing refused was recorded


def test_the_export_leaves_the_outcomes_out_and_is_audited(world: World, fake: Faker) -> None:
    ids = _built(world, fake)
    register = export_register(world.use_case(DCO), RegisterQuery(until=FRIDAY))
    assert {str(row.id) for row in register.rows} == {ids["late_ack"], ids["completed_late"]}
    assert OUTCOME.found not in repr(register)
    with world.uow() as uow:
        entry = uow.audit.head()
    assert entry is not None
    assert (entry.action, dict(entry.details)) == (
        "complaints_exported",
        {"complaints": 2, "open_only": False, "since": "", "until": "2026-11-20"},
    )


def test_the_register_reads_no_sealed_value() -> None:
    """What the register reads of a request: whether an outcome is sealed on it, never the
    sealed outcome or the requester's sealed contact."""
    selected = list(_register("public-form").selected_columns)
    assert "outcome_recorded" in {column.name for column in selected}
    r = rights_requests.c
    sealed = (r.complaint_outcome, r.contact_ciphertext, r.outcome, r.dco_flag, r.scope)
    assert not {id(column) for column in selected} & {id(column) for column in sealed}


def _every_use(ctx: UseCase, complaint: str, case: IcoCase) -> list[Callable[[], object]]:
    return [
        lambda: complaint_register(ctx, RegisterQuery()),
        lambda: complaint_page(ctx, RegisterQuery(), 10),
        lambda: export_register(ctx, RegisterQuery()),
        lambda: show_complaint(ctx, complaint),
        lambda: record_ico(ctx, complaint, case),
    ]


def test_only_the_dco_reads_or_records_and_a_tenant_administrator_finds_none(
    world: World,
) -> None:
    complaint = _complaint(world, FRIDAY, "post")
    access = str(
        receive_request(
            world.use_case(DCO),
            NewRequest(type=RequestType.ACCESS, received=FRIDAY, channel="post"),
        ).request.id
    )
    case = IcoCase("IC-7", FRIDAY)
    for actor in NOT_OURS:
        for attempt in _every_use(world.use_case(actor), complaint, case):
            with pytest.raises(ActionNotAllowed):
                attempt()
    admin = world.use_case(ADMIN_A)
    listed, paged, exported, *one = _every_use(admin, complaint, case)
    assert listed().rows == paged().rows == exported().rows == []  # type: ignore[attr-defined]
    for attempt in one:
        with pytest.raises(NotFound, match=r"^no such complaint$"):
            attempt()
    for not_a_complaint in (access, "6f1c8a4e-0b7d-4d0e-9a51-6f3c2b1d9e07", "not-an-id"):
        with pytest.raises(NotFound, match=r"^no such complaint$"):
            show_complaint(world.use_case(DCO), not_a_complaint)
        with pytest.raises(NotFound):
            record_ico(world.use_case(DCO), not_a_complaint, case)
    with world.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(complaint_ico)).scalar() == 0


def test_the_icos_involvement_stays_with_the_complaint_past_the_complainants_erasure(
    world: World, fake: Faker
) -> None:
    subject = create_subject(
        world.use_case(DCO), NewSubject(kind="end_user", identifiers=[("email", fake.email())])
    )
    complaint = _complaint(world, FRIDAY, "post", subject_id=subject.id)
    record_ico(world.use_case(DCO), complaint, IcoCase("IC-9", FRIDAY))
    shred(world.use_case(DCO), Shred(str(subject.id), "erasure_request", request_ref=complaint))
    (row,) = complaint_register(world.use_case(DCO), RegisterQuery()).rows
    assert (str(row.id), row.ico) == (complaint, IcoCase("IC-9", FRIDAY))


def test_the_icos_involvement_goes_with_its_complaint_under_the_rights_records_rule(
    world: World,
) -> None:
    world.clock.current = datetime(2020, 1, 6, 10, 0, tzinfo=UTC)
    gone = _complaint(world, date(2020, 1, 6), "post")
    record_ico(world.use_case(DCO), gone, IcoCase("IC-2020-1", date(2020, 1, 6)))
    _move(world, gone, RequestEvent.WITHDRAW)
    world.clock.current = datetime(2025, 12, 1, 10, 0, tzinfo=UTC)
    kept = _complaint(world, date(2025, 12, 1), "post")
    record_ico(world.use_case(DCO), kept, IcoCase("IC-2025-1", date(2025, 12, 1)))
    _move(world, kept, RequestEvent.WITHDRAW)
    world.clock.current = datetime(2026, 1, 8, 12, 0, tzinfo=UTC)  # six years on, and a day
    sweep_retention(world.use_case(DCO), SweepRetention())
    with world.engine.connect() as connection:
        left = connection.execute(select(complaint_ico.c.request_id)).scalars().all()
    assert left == [kept]
    assert [str(r.id) for r in complaint_register(world.use_case(DCO), RegisterQuery()).rows] == [
        kept
    ]
