"""The request figures match a fixture computed by hand: requests of two rights received in
September and October 2026, moved through the real services on the days the clock is set to
(completed in time and late, extended, refused, completed in part, withdrawn, left open), on
SQLite and PostgreSQL. A tenant's administrator counts its own tenant's requests, never
another's; a role without `manage_requests` is refused.

Due dates by hand (one month from receipt, the corresponding day, rolled to a working day; no
bank holiday falls in these months):

    access  A1  received Tue 1 Sep,  due Thu 1 Oct,  completed 15 Sep: in time, 14 days
    access  A2  received Mon 7 Sep,  due Wed 7 Oct,  completed Mon 12 Oct: 5 late, 35 days
    access  A3  received Thu 10 Sep, extended 20 Sep: due Thu 10 Dec, completed 20 Nov: in
                time, 71 days
    erasure E1  received Mon 14 Sep, refused 21 Sep
    erasure E2  received Mon 28 Sep, due Wed 28 Oct, completed Mon 2 Nov: 5 late, 35 days
    access  A4  received Mon 5 Oct,  completed at 23:30 UTC on 18 Oct, 00:30 on the 19th in
                London (summer time): in time, 14 days (the UK date counts)
    access  A5  received Mon 12 Oct, started, still open
    access  A6  received Tue 20 Oct, withdrawn 22 Oct
    erasure E3  received Thu 1 Oct,  due Mon 2 Nov (1 Nov is a Sunday), completed Tue 10 Nov:
                8 late, 40 days
    erasure E4  received Thu 15 Oct, completed in part Fri 30 Oct: in time, 15 days

Outside the figures: a complaint received in October, and access requests received on 31
August and 1 November.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time

import pytest

from dataward.domain.errors import ActionNotAllowed
from dataward.domain.requests.stats import RequestStats, StatsLine
from dataward.domain.requests.workflow import RefusalGround, RequestEvent, RequestType
from dataward.domain.subjects import Actor
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.rights.request_stats import read_request_stats
from dataward.services.rights.requests import Step, advance
from tests.builders import TENANT_A, TENANT_B
from tests.integration.world import World

E, T = RequestEvent, RequestType
DCO = Actor(id="staff-dco", role="dco")
ADMIN_A = Actor(id="admin-a", role="tenant_admin", tenant_id=TENANT_A)
ADMIN_B = Actor(id="admin-b", role="tenant_admin", tenant_id=TENANT_B)
SEPTEMBER, OCTOBER = date(2026, 9, 1), date(2026, 10, 31)

Moves = Sequence[tuple[datetime | date, RequestEvent]]


def _on(day: date) -> datetime:
    return datetime.combine(day, time(10), UTC)


def _request(
    world: World, kind: RequestType, received: date, moves: Moves, actor: Actor = DCO
) -> None:
    """A request received on its day, then each event on its day (10:00 UTC) or time."""
    world.clock.current = _on(received)
    tenant = actor.tenant_id
    command = NewRequest(type=kind, received=received, channel="post", tenant_id=tenant)
    request_id = receive_request(world.use_case(actor), command).request.id
    for when, event in moves:
        world.clock.current = when if isinstance(when, datetime) else _on(when)
        ground = RefusalGround.MANIFESTLY_EXCESSIVE if event is E.REFUSE else None
        why = "the reasons, for the record" if event in (E.REFUSE, E.EXTEND) else None
        advance(world.use_case(actor), request_id, Step(event, ground=ground, reason=why))


def _d(month: int, day: int) -> date:
    return date(2026, month, day)


def the_fixture(world: World) -> None:
    start = E.START
    _request(world, T.ACCESS, _d(9, 1), [(_d(9, 2), start), (_d(9, 15), E.COMPLETE)])
    _request(world, T.ACCESS, _d(9, 7), [(_d(9, 8), start), (_d(10, 12), E.COMPLETE)])
    _request(
        world,
        T.ACCESS,
        _d(9, 10),
        [(_d(9, 11), start), (_d(9, 20), E.EXTEND), (_d(11, 20), E.COMPLETE)],
    )
    _request(world, T.ERASURE, _d(9, 14), [(_d(9, 21), E.REFUSE)])
    _request(world, T.ERASURE, _d(9, 28), [(_d(9, 29), start), (_d(11, 2), E.COMPLETE)])
    late_evening = datetime(2026, 10, 18, 23, 30, tzinfo=UTC)
    _request(world, T.ACCESS, _d(10, 5), [(_d(10, 6), start), (late_evening, E.COMPLETE)])
    _request(world, T.ACCESS, _d(10, 12), [(_d(10, 13), start)])
    _request(world, T.ACCESS, _d(10, 20), [(_d(10, 22), E.WITHDRAW)])
    _request(world, T.ERASURE, _d(10, 1), [(_d(10, 2), start), (_d(11, 10), E.COMPLETE)])
    partly = E.COMPLETE_PARTIALLY
    _request(world, T.ERASURE, _d(10, 15), [(_d(10, 16), start), (_d(10, 30), partly)])
    _request(world, T.COMPLAINT, _d(10, 7), [(_d(10, 8), start)])
    _request(world, T.ACCESS, _d(8, 31), [(_d(9, 1), start), (_d(9, 2), E.COMPLETE)])
    _request(world, T.ACCESS, _d(11, 1), [(_d(11, 2), start)])


def line(right: str, month: str, **figures: object) -> StatsLine:
    return StatsLine(right, month, **figures)  # type: ignore[arg-type]


EXPECTED_LINES = (
    line(
        "access",
        "2026-09",
        received=3,
        completed=3,
        on_time=2,
        late=1,
        days_late_total=5,
        days_late_max=5,
        extended=1,
        median_days_to_complete=35.0,  # 14, 35, 71
    ),
    line(
        "erasure",
        "2026-09",
        received=2,
        completed=1,
        late=1,
        days_late_total=5,
        days_late_max=5,
        refused=1,
        median_days_to_complete=35.0,
    ),
    line(
        "access",
        "2026-10",
        received=3,
        completed=1,
        on_time=1,
        withdrawn=1,
        open=1,
        median_days_to_complete=14.0,
    ),
    line(
        "erasure",
        "2026-10",
        received=2,
        completed=2,
        partially=1,
        on_time=1,
        late=1,
        days_late_total=8,
        days_late_max=8,
        median_days_to_complete=27.5,  # 40 and 15
    ),
)
EXPECTED_TOTALS = (
    line(
        "access",
        "total",
        received=6,
        completed=4,
        on_time=3,
        late=1,
        days_late_total=5,
        days_late_max=5,
        extended=1,
        withdrawn=1,
        open=1,
        median_days_to_complete=24.5,  # 14, 14, 35, 71
    ),
    line(
        "erasure",
        "total",
        received=4,
        completed=3,
        partially=1,
        on_time=1,
        late=2,
        days_late_total=13,
        days_late_max=8,
        refused=1,
        median_days_to_complete=35.0,  # 15, 35, 40
    ),
    line(
        "all",
        "total",
        received=10,
        completed=7,
        partially=1,
        on_time=4,
        late=3,
        days_late_total=18,
        days_late_max=8,
        extended=1,
        refused=1,
        withdrawn=1,
        open=1,
        median_days_to_complete=35.0,  # 14, 14, 15, 35, 35, 40, 71
    ),
)


def test_the_figures_match_the_fixture_computed_by_hand(world: World) -> None:
    the_fixture(world)
    world.clock.current = datetime(2026, 11, 25, 10, tzinfo=UTC)
    stats = read_request_stats(world.use_case(DCO), SEPTEMBER, OCTOBER)
    assert (stats.period.since, stats.period.until) == (SEPTEMBER, OCTOBER)
    assert stats.lines == EXPECTED_LINES
    assert stats.totals == EXPECTED_TOTALS


def test_one_month_alone_and_the_default_twelve_months(world: World) -> None:
    the_fixture(world)
    world.clock.current = datetime(2026, 11, 25, 10, tzinfo=UTC)
    october = read_request_stats(world.use_case(DCO), _d(10, 1), OCTOBER)
    assert october.lines == EXPECTED_LINES[2:]
    default = read_request_stats(world.use_case(DCO))
    assert (default.period.since, default.period.until) == (
        _d(12, 1).replace(year=2025),
        _d(11, 25),
    )
    assert [(x.right, x.month) for x in default.lines] == [
        ("access", "2026-08"),
        ("access", "2026-09"),
        ("erasure", "2026-09"),
        ("access", "2026-10"),
        ("erasure", "2026-10"),
        ("access", "2026-11"),
    ]


def _received(stats: RequestStats) -> int:
    return stats.totals[-1].received


def test_a_tenant_administrator_counts_its_own_tenants_requests_only(world: World) -> None:
    the_fixture(world)  # our own requests
    for actor, days in ((ADMIN_A, (2, 3, 4)), (ADMIN_B, (5, 6))):
        for day in days:
            moves = [(_d(10, day + 1), E.START), (_d(10, day + 10), E.COMPLETE)]
            _request(world, T.ERASURE, _d(10, day), moves, actor)
    world.clock.current = datetime(2026, 11, 25, 10, tzinfo=UTC)
    mine = read_request_stats(world.use_case(ADMIN_A), SEPTEMBER, OCTOBER)
    assert [(x.right, x.month, x.received, x.completed) for x in mine.lines] == [
        ("erasure", "2026-10", 3, 3)
    ]
    assert _received(read_request_stats(world.use_case(ADMIN_B), SEPTEMBER, OCTOBER)) == 2
    assert _received(read_request_stats(world.use_case(DCO), SEPTEMBER, OCTOBER)) == 10 + 5


@pytest.mark.parametrize(
    "actor",
    [
        Actor(id="staff-ops", role="operator"),
        Actor(id="staff-support", role="support"),
        Actor(id="staff-marketing", role="marketing"),
        Actor(id="staff-auditor", role="auditor"),
        Actor(id="no-tenant", role="tenant_admin"),  # an administrator of no tenant
    ],
    ids=lambda a: a.id,
)
def test_a_role_without_manage_requests_is_refused(world: World, actor: Actor) -> None:
    with pytest.raises(ActionNotAllowed):
        read_request_stats(world.use_case(actor), SEPTEMBER, OCTOBER)
