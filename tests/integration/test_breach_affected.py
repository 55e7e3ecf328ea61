"""Who a breach concerns, counted by the database, against the same worked out in Python from a
generated fixture: two tenants' calls ingested over several days (callers, agents, withheld
numbers, a garbled line kept in quarantine), rights requests received on several days, our own
customers; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from faker import Faker

from dataward.adapters.ingest.files import text_source
from dataward.domain.breaches.affected import AffectedCount, AffectedScope, AffectedStore
from dataward.domain.breaches.assessment import Nature
from dataward.domain.breaches.model import Facts
from dataward.domain.requests.workflow import RequestType
from dataward.domain.subjects import Actor
from dataward.services.breaches.assess import count_affected
from dataward.services.breaches.record import NewBreach, record_breach
from dataward.services.breaches.register import show_breach
from dataward.services.calls.ingest import IngestCalls, ingest
from dataward.services.processing.erasure import Shred, shred
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.subjects.registry import (
    FindSubject,
    NewSubject,
    create_subject,
    find_subject,
)
from tests.builders import TENANT_A, TENANT_B
from tests.integration.world import World

OPERATOR = Actor(id="staff-operator", role="operator")
DCO = Actor(id="staff-dco", role="dco")
DAY = timedelta(days=1)
LONDON = ZoneInfo("Europe/London")
INGESTS = 4
S, C, Q, R = (store.value for store in AffectedStore)


@dataclass(frozen=True)
class Person:
    """Someone the fixture made: a tenant's caller (by number), an agent or one of our own
    customers (our own subjects, `tenant` None)."""

    kind: str
    tenant: str | None
    value: str = field(repr=False)


@dataclass(frozen=True)
class Call:
    tenant: str
    started: datetime
    caller: Person | None  # withheld: no one
    agent: Person | None  # abandoned: no one

    def parties(self) -> set[Person]:
        return {p for p in (self.caller, self.agent) if p is not None}


@dataclass(frozen=True)
class Request:
    tenant: str | None
    received: date
    about: Person | None


@dataclass
class Fixture:
    calls: list[Call] = field(default_factory=list)
    lines: list[tuple[str, datetime]] = field(default_factory=list)
    """Quarantined lines: whose, and when kept."""
    created: dict[Person, datetime] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    ids: dict[Person, UUID] = field(default_factory=dict)

    def erase(self, person: Person) -> None:
        """What an erasure leaves: its calls and requests without it, no subject."""
        self.calls = [
            replace(
                c,
                caller=None if c.caller == person else c.caller,
                agent=None if c.agent == person else c.agent,
            )
            for c in self.calls
        ]
        self.requests = [replace(r, about=None) if r.about == person else r for r in self.requests]
        del self.created[person]


CONF = Nature.CONFIDENTIALITY


def expected(
    fx: Fixture, tenant: str | None, window: tuple[datetime, datetime], stores: Iterable[str]
) -> tuple[AffectedCount, set[Person]]:
    """The count worked out from the fixture alone, and the people it counts."""
    start, end = window
    by_store: dict[str, int] = {}
    people_by: dict[str, int] = {}
    people: set[Person] = set()
    unidentified = 0
    if S in stores:
        made = {p for p, at in fx.created.items() if p.tenant == tenant and start <= at < end}
        by_store[S] = people_by[S] = len(made)
        people |= made
    if C in stores:
        calls = [c for c in fx.calls if c.tenant == tenant and start <= c.started < end]
        named = {p for c in calls for p in c.parties()}
        by_store[C], people_by[C] = len(calls), len(named)
        unidentified += sum(1 for c in calls if not c.parties())
        people |= named
    if Q in stores:
        lines = [at for whose, at in fx.lines if whose == tenant and start <= at < end]
        by_store[Q], people_by[Q] = len(lines), 0
        unidentified += len(lines)
    if R in stores:
        first = start.astimezone(LONDON).date()
        last = (end - timedelta(microseconds=1)).astimezone(LONDON).date()
        requests = [r for r in fx.requests if r.tenant == tenant and first <= r.received <= last]
        about = {r.about for r in requests if r.about is not None}
        by_store[R], people_by[R] = len(requests), len(about)
        unidentified += sum(1 for r in requests if r.about is None)
        people |= about
    count = AffectedCount(
        people=len(people),
        records=sum(by_store.values()),
        by_store=by_store,
        people_by_store=people_by,
        unidentified=unidentified,
    )
    return count, people


def _queue_log(fake: Faker, calls: list[Call], tag: str, garbled: bool) -> str:
    lines: list[str] = []
    for n, call in enumerate(calls):
        at, cid = int(call.started.timestamp()), f"{int(call.started.timestamp())}.{tag}{n}"
        number = call.caller.value if call.caller else "anonymous"
        lines.append(f"{at}|{cid}|sales|NONE|ENTERQUEUE||{number}|1")
        if call.agent is not None:
            agent = f"SIP/{call.agent.value.split('/', 1)[1]}"  # the extension's channel
            lines += [
                f"{at + 5}|{cid}|sales|{agent}|CONNECT|5|{cid}9|1",
                f"{at + 65}|{cid}|sales|{agent}|COMPLETECALLER|5|60|1",
            ]
        else:
            lines.append(f"{at + 9}|{cid}|sales|NONE|ABANDON|1|1|9")
    if garbled:  # a time no PBX writes: the line is kept sealed, its number unread
        number = f"07700 900{fake.random_int(100, 999)}"
        lines.append(
            f"{int(calls[-1].started.timestamp()) + 99}x|{tag}.x|sales|NONE|ENTERQUEUE||{number}|1"
        )
    return "\n".join(lines) + "\n"


def _people(fake: Faker) -> dict[str, tuple[list[Person], list[Person]]]:
    """Each tenant's callers and agents; one number calls both tenants, and both tenants have
    an extension 201: two subjects each, one per tenant."""
    shared = f"07700 900{fake.unique.random_int(100, 999)}"
    found: dict[str, tuple[list[Person], list[Person]]] = {}
    for tenant, callers, agents in ((TENANT_A, 9, (201, 202, 203)), (TENANT_B, 6, (201, 204))):
        numbers = [f"07700 900{fake.unique.random_int(100, 999)}" for _ in range(callers)]
        found[tenant] = (
            [Person("caller", tenant, n) for n in [*numbers, shared]],
            [Person("agent", None, f"{tenant}/{a}") for a in agents],
        )
    return found


def _calls(
    fake: Faker, tenant: str, day: datetime, people: tuple[list[Person], list[Person]]
) -> list[Call]:
    callers, agents = people
    calls = []
    for n in range(fake.random_int(8, 14)):
        started = day.replace(hour=7, minute=0, second=0, microsecond=0) + n * timedelta(minutes=47)
        caller = None if fake.random_int(1, 100) <= 20 else fake.random_element(callers)
        agent = fake.random_element(agents) if fake.random_int(1, 100) <= 60 else None
        calls.append(Call(tenant, started, caller, agent))
    return calls


def _load(world: World, fake: Faker) -> tuple[Fixture, list[datetime]]:
    """The fixture, ingested and recorded through the real use cases; and when each ingest
    ran (every two days up to two days ago, each file holding the day before's calls)."""
    fx = Fixture()
    now = world.clock.now()
    people = _people(fake)
    runs = [now - DAY * 2 * (INGESTS - k) for k in range(INGESTS)]
    for k, at in enumerate(runs):
        world.clock.current = at
        for tenant in (TENANT_A, TENANT_B):
            calls = _calls(fake, tenant, at - DAY, people[tenant])
            garbled = tenant == TENANT_A and k == 2
            text = _queue_log(fake, calls, f"{k}{tenant[-1]}", garbled)
            source = text_source(text, name="calls.log", format_name="asterisk-queue-log")
            report = ingest(
                world.use_case(OPERATOR), IngestCalls(tenant, [source], quarantine=True)
            )
            assert report.stored == len(calls)
            fx.calls += calls
            fx.lines += [(tenant, at)] * garbled
            for person in {p for c in calls for p in c.parties()} - set(fx.created):
                fx.created[person] = at
        for _ in range(2):
            email = fake.unique.email()
            made = create_subject(
                world.use_case(DCO),
                NewSubject(kind="customer_contact", identifiers=[("email", email)]),
            )
            fx.created[Person("customer", None, email)] = at
            fx.ids[Person("customer", None, email)] = made.id
    world.clock.current = now
    for person in fx.created:
        if person.kind != "customer":
            fx.ids[person] = _found(world, person)
    _requests(world, fake, fx, runs)
    return fx, runs


def _found(world: World, person: Person) -> UUID:
    wanted = (
        FindSubject("phone", person.value, tenant_id=person.tenant)
        if person.kind == "caller"
        else FindSubject("agent_id", person.value)
    )
    subject = find_subject(world.uow(), world.vault, wanted)
    assert subject is not None
    return subject.id


def _requests(world: World, fake: Faker, fx: Fixture, runs: list[datetime]) -> None:
    """Requests received on the UK days of the ingests and the days between: about a tenant's
    callers, about our own customers, and about no one known."""
    for day in sorted({(at - d).astimezone(LONDON).date() for at in runs for d in (0 * DAY, DAY)}):
        for tenant in (TENANT_A, TENANT_B, None):
            known = [p for p in fx.created if p.tenant == tenant and fx.created[p].date() <= day]
            about = fake.random_element(known) if known and fake.random_int(1, 4) > 1 else None
            receive_request(
                world.use_case(DCO),
                NewRequest(
                    type=RequestType.ACCESS,
                    received=day,
                    channel="email",
                    tenant_id=tenant,
                    subject_id=fx.ids[about] if about else None,
                ),
                repeat_window_days=0,
            )
            fx.requests.append(Request(tenant, day, about))


@pytest.fixture
def loaded(world: World, fake: Faker) -> tuple[World, Fixture, list[datetime]]:
    fx, runs = _load(world, fake)
    return world, fx, runs


def _count(world: World, scope: AffectedScope) -> AffectedCount:
    with world.uow() as uow:
        return uow.breach_data.count(scope)


def _ids(world: World, scope: AffectedScope) -> list[UUID]:
    with world.uow() as uow:
        return list(uow.breach_data.subject_ids(scope))


def _check(world: World, fx: Fixture, scope: AffectedScope) -> tuple[AffectedCount, set[Person]]:
    want, people = expected(fx, scope.tenant_id, (scope.start, scope.end), scope.stores)
    assert _count(world, scope) == want
    ids = _ids(world, scope)
    assert len(ids) == len(set(ids))  # each once
    assert set(ids) == {fx.ids[p] for p in people}
    return want, people


def test_a_tenants_window_counts_its_people_and_records(
    loaded: tuple[World, Fixture, list[datetime]],
) -> None:
    world, fx, runs = loaded
    scope = AffectedScope(TENANT_A, runs[0] - 3 * DAY, world.clock.now(), frozenset())
    want, people = _check(world, fx, scope)
    # the fixture has what the count must tell apart
    assert want.by_store[C] > 0
    assert want.by_store[Q] == 1
    assert want.by_store[R] > 0
    assert 0 < want.unidentified < want.records
    assert want.people < sum(want.people_by_store.values())  # callers in calls and subjects
    assert any(p.kind == "agent" for p in people)  # our own subjects, in the tenant's calls
    # the DCO's count of a breach, through its use case, keeps the same figures on the breach
    ctx = world.use_case(Actor(id="staff-dco", role="dco"))
    facts = Facts("A report of the tenant's calls was sent to another customer.")
    breach = record_breach(ctx, NewBreach(world.clock.now(), frozenset({CONF}), facts))
    counted = count_affected(ctx, breach.id, scope)
    assert counted.count == want
    kept = show_breach(ctx, breach.id).breach
    assert (kept.people(), kept.records(), kept.tenants()) == (
        want.people,
        want.records,
        (TENANT_A,),
    )


def test_a_narrower_window_cuts_each_store_by_its_own_time(
    loaded: tuple[World, Fixture, list[datetime]],
) -> None:
    world, fx, runs = loaded
    # from noon of the second file's day (half its calls; its subjects, made when it was
    # ingested the next morning) to an hour after the third file was ingested (its subjects)
    noon = (runs[1] - DAY).replace(hour=12, minute=0)
    scope = AffectedScope(TENANT_A, noon, runs[2] + timedelta(hours=1))
    want, _ = _check(world, fx, scope)
    whole, _ = expected(fx, TENANT_A, (runs[0] - 3 * DAY, world.clock.now()), scope.stores)
    first_day = [c for c in fx.calls if c.tenant == TENANT_A and c.started.date() == noon.date()]
    assert 0 < sum(c.started >= noon for c in first_day) < len(first_day)
    assert 0 < want.by_store[C] < whole.by_store[C]
    assert 0 < want.by_store[S] < whole.by_store[S]
    assert 0 < want.by_store[R] < whole.by_store[R]


def test_categories_count_only_the_stores_holding_them(
    loaded: tuple[World, Fixture, list[datetime]],
) -> None:
    world, fx, runs = loaded
    window = (runs[0] - 3 * DAY, world.clock.now())
    for categories, stores in [
        ({"telephony_activity"}, {S, C, Q}),
        ({"rights_requests"}, {R}),
        ({"correspondence", "identity"}, {R}),  # a tenant's callers hold no identity data
        ({"financial"}, set()),  # held in no store counted here: nothing, not everything
    ]:
        scope = AffectedScope(TENANT_A, *window, frozenset(categories))
        want, _ = _check(world, fx, scope)
        assert set(want.by_store) == stores


def test_a_tenants_scope_never_counts_another_tenants_rows(
    loaded: tuple[World, Fixture, list[datetime]],
) -> None:
    world, fx, runs = loaded
    window = (runs[0] - 3 * DAY, world.clock.now())
    a, a_people = _check(world, fx, AffectedScope(TENANT_A, *window))
    b, b_people = _check(world, fx, AffectedScope(TENANT_B, *window))
    assert a.by_store[C] == sum(c.tenant == TENANT_A for c in fx.calls)  # B's: same days
    assert b.by_store[C] == sum(c.tenant == TENANT_B for c in fx.calls)
    assert b.by_store[Q] == 0  # A's garbled line is A's
    callers = {p.value for p in a_people if p.kind == "caller"}
    assert callers & {p.value for p in b_people if p.kind == "caller"}  # one number, two people
    assert not {p for p in a_people if p.tenant == TENANT_B}
    assert not {p for p in b_people if p.tenant == TENANT_A}


def test_our_own_data_is_our_subjects_and_requests(
    loaded: tuple[World, Fixture, list[datetime]],
) -> None:
    world, fx, runs = loaded
    scope = AffectedScope(None, runs[0] - 3 * DAY, world.clock.now())
    want, people = _check(world, fx, scope)
    assert set(want.by_store) == {S, R}
    assert {p.kind for p in people} == {"customer", "agent"}
    customers, _ = _check(world, fx, replace(scope, categories=frozenset({"contact"})))
    assert customers.by_store == {S: want.by_store[S]}


def test_an_erased_subject_is_not_among_those_to_tell(
    loaded: tuple[World, Fixture, list[datetime]],
) -> None:
    world, fx, runs = loaded
    scope = AffectedScope(TENANT_A, runs[0] - 3 * DAY, world.clock.now())
    _, people = _check(world, fx, scope)
    asked = {r.about for r in fx.requests if r.about is not None and r.tenant == TENANT_A}
    caller = next(p for p in sorted(people, key=lambda p: p.value) if p in asked)
    gone = fx.ids[caller]
    shred(world.use_case(world.who_erases(gone)), Shred(str(gone), "erasure_request"))
    fx.erase(caller)
    _check(world, fx, scope)  # counted and listed as the fixture says once it is erased
    assert gone not in _ids(world, scope)
