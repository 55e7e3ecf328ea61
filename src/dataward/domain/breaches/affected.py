"""Who and how many a personal data breach concerns, counted from the data. Pure: no I/O.

UK GDPR Art. 33(3)(a) asks a notification for "the categories and approximate number of data
subjects concerned and the categories and approximate number of personal data records
concerned"; Art. 34 asks that the people be told when the risk to them is high. Both are
answered from what dataward holds, never from a guess, and never by printing an identifier: a
count names no one, and the people to tell are subject ids (random, `domain.subjects`).

A breach is described by a scope (`AffectedScope`): whose data, a window of time and the
register's data categories it reached.

- Whose: a tenant's (`tenant_id`), whose calls we process for it; the count is what we give its
  controller, who notifies (Art. 33(2): a processor tells the controller). Or our own, as
  controller (`tenant_id` None): our own subjects and the rights requests about them.
- When: the half-open window [start, end), aware times taken in UTC, within the times a record
  can bear: from 1990-01-01, the earliest call an ingest takes, to (by `check_scope`) a day past
  the clock's now, since a call may be stamped that far ahead by a PBX clock in the wrong zone
  (`domain.calls.record_limits`). No bound on its length: a breach of a whole store takes the
  window from the first day, and cutting it into windows would count a person in two twice.
- What: register category keys (`identity`, `telephony_activity`, ...; none means every
  category), each counted through the stores that hold it (`stores_for`). A category no store
  counted here holds (`uncounted`: financial data is our payment provider's, technical and
  usage data is kept in no store of its own, marketing choices are ledgers of our own subjects
  not counted by time) adds nothing, and is said so rather than counted as zero people.

The stores, and what of them falls in the window (`AffectedStore`):

- subjects: the scope's subjects whose `created_at` falls in the window: one record and one
  person each. A tenant's are its callers, whose numbers are its telephony data
  (`services.processing.disclosure.identifier_category`); ours are our customers' people,
  partners and contacts, with their identity and contact data, and the agents an ingest finds
  (users of the reporting service, so our own subjects: `services.calls.parties`), whose agent
  ids are telephony data.
- calls: the tenant's calls that started in the window. Its people are the distinct caller,
  callee and agent references among them: an agent, one of our own subjects, is concerned by a
  breach of the tenant's calls and counted in the tenant's scope.
- quarantine: the tenant's quarantined call lines kept in the window and still sealed (not yet
  replayed or discarded; a file's header row is no line): call records whose parties are
  sealed with them.
- requests: rights requests and complaints of the scope received in the window. `received` is a
  UK calendar day, so a request counts when its day overlaps the window: from the UK day of the
  window's start to the UK day of its last instant (`request_days`). Its people are the distinct
  subjects they are about.

Records are rows: a subject, a call, a quarantined line, a request. A record that refers to no
subject (a call whose parties were all withheld or never resolved, or were unlinked by an
erasure; a quarantined line; a request about no known subject) is counted as a record and as
`unidentified`, never as a person: someone was concerned whom the data cannot tell apart.

People are the distinct subject ids across every store counted, in one scope, found by the
database. The number is approximate in the ways the law allows, and these are the ways: a
person who is a caller of two tenants, or a caller of a tenant and one of our own subjects, is
two subjects; counts summed over scopes (`AffectedCount.add`, `total`) add their people, so one
person in two scopes counts twice; the people of unidentified records are not counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Final

from dataward.domain.bounds import AFTER_LAST_DAY, INSTANTS
from dataward.domain.breaches.deadline import parse_time
from dataward.domain.calls import record_limits
from dataward.domain.errors import InvalidValue, NotInRegister, OutOfRange
from dataward.domain.requests.model import uk_date
from dataward.domain.tenants import TENANT_ID


class AffectedStore(StrEnum):
    """The stores a breach's records are counted in."""

    SUBJECTS = "subjects"
    """The scope's subjects, with their sealed identifiers: one record and one person each."""
    CALLS = "calls"
    """A tenant's calls: their parties are subject references."""
    QUARANTINE = "quarantine"
    """A tenant's quarantined call lines, still sealed: records whose parties are unknown."""
    REQUESTS = "requests"
    """Rights requests and complaints: the subject each is about, if known."""


TENANT_STORES: Final = frozenset(AffectedStore)
"""What a tenant's data is held in."""
OWN_STORES: Final = frozenset({AffectedStore.SUBJECTS, AffectedStore.REQUESTS})
"""What our own data as controller is held in: no call is ours."""

_S, _C, _Q, _R = (
    AffectedStore.SUBJECTS,
    AffectedStore.CALLS,
    AffectedStore.QUARANTINE,
    AffectedStore.REQUESTS,
)
_NONE: frozenset[AffectedStore] = frozenset()

HELD_IN: Final[Mapping[str, tuple[frozenset[AffectedStore], frozenset[AffectedStore]]]] = {
    # category: (the stores holding it in a tenant's scope, those holding it in our own)
    "identity": (_NONE, frozenset({_S})),
    "contact": (_NONE, frozenset({_S})),
    "telephony_activity": (frozenset({_C, _Q, _S}), frozenset({_S})),
    "rights_requests": (frozenset({_R}), frozenset({_R})),
    "correspondence": (frozenset({_R}), frozenset({_R})),
    "financial": (_NONE, _NONE),
    "transaction": (_NONE, _NONE),
    "technical": (_NONE, _NONE),
    "profile": (_NONE, _NONE),
    "usage": (_NONE, _NONE),
    "marketing_communications": (_NONE, _NONE),
}
"""Every category of the register, and where each is held. A tenant's subjects hold telephony
data only (their numbers are `telephony_activity`, the processor's category); ours hold identity
and contact data, and an agent's id, telephony data. A request keeps what was asked and
answered (`rights_requests`) and the letters it sent (`correspondence`). A store is counted
whole: our own subjects of the window count for any of their categories, though one may hold
only an e-mail address (an upper bound, the safe side of an approximate number)."""

EARLIEST: Final = record_limits.EARLIEST
"""No window starts before: no record is older (an ingest refuses an earlier call's time as a
clock never set), so an earlier start is a typing slip."""
AHEAD: Final = record_limits.AHEAD
"""How far past now a window may end: as far as a call may be stamped ahead of the clock."""


def stores_for(categories: Iterable[str], *, ours: bool | None = None) -> frozenset[AffectedStore]:
    """The stores holding `categories` (none: every category): in a tenant's scope
    (`ours=False`), in our own (`ours=True`), or in either (None). A key the register does not
    have is refused, naming the field and the keys it has, never the key given."""
    wanted = frozenset(categories)
    for key in wanted:
        if key not in HELD_IN:
            raise NotInRegister("category", key, sorted(HELD_IN))
    owners = (False, True) if ours is None else (ours,)
    if not wanted:
        return frozenset().union(*(OWN_STORES if own else TENANT_STORES for own in owners))
    return frozenset().union(*(HELD_IN[key][own] for key in wanted for own in owners))


def uncounted(categories: Iterable[str], *, ours: bool) -> frozenset[str]:
    """The categories among `categories` that no store counted here holds in a tenant's scope
    (`ours=False`) or in our own: to be described in words, not counted as nobody."""
    return frozenset(key for key in categories if not stores_for([key], ours=ours))


@dataclass(frozen=True, slots=True)
class AffectedScope:
    """Whose data (`tenant_id`; None for our own), the window [start, end) and the categories
    (none: all) a breach reached. Made, it holds aware UTC times in order from `EARLIEST`, a
    tenant id of the right form and categories the register has; `check_scope` adds the clock."""

    tenant_id: str | None
    start: datetime
    end: datetime
    categories: frozenset[str] = frozenset()
    held: bool = False
    """Everything the stores held during the window (a store exposed for its duration: a
    record made before the window counts too), not only the records dated in it. What was
    deleted since the window is no longer there to count: the DCO's estimate covers it."""

    def __post_init__(self) -> None:
        if self.tenant_id is not None and not (
            isinstance(self.tenant_id, str) and TENANT_ID.fullmatch(self.tenant_id)
        ):
            raise InvalidValue("tenant", "a tenant id: 3-64 lower-case letters, digits, hyphens")
        start, end = _utc("from", self.start), _utc("to", self.end)
        if start < EARLIEST:
            raise OutOfRange("from", f"a time from {EARLIEST.date()} (UTC) on")
        if end >= AFTER_LAST_DAY:
            raise OutOfRange("to", INSTANTS)
        if end <= start:
            raise OutOfRange("to", "a time after from: the window is [from, to)")
        if isinstance(self.categories, str) or not all(
            isinstance(key, str) for key in self.categories
        ):
            raise InvalidValue("category", "register category keys")
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "categories", frozenset(self.categories))
        stores_for(self.categories)  # refuses a key the register does not have

    @property
    def ours(self) -> bool:
        """Our own data as controller, not a tenant's."""
        return self.tenant_id is None

    @property
    def stores(self) -> frozenset[AffectedStore]:
        """The stores counted for this scope."""
        return stores_for(self.categories, ours=self.ours)

    def request_days(self) -> tuple[date, date]:
        """The first and last UK days a request received on counts in the window: the days
        the window overlaps."""
        return uk_date(self.start), uk_date(self.end - timedelta(microseconds=1))


def check_scope(scope: AffectedScope, now: datetime) -> AffectedScope:
    """`scope` if its window ends by `now` (the clock's) and `AHEAD`: no record is stamped
    later, so a window reaching further is a mistake to say so, not to count as nothing."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("check_scope needs an aware time from the clock")
    if scope.end > now + AHEAD:
        raise OutOfRange("to", "a time no later than a day past now")
    return scope


def _utc(name: str, at: datetime) -> datetime:
    if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
        raise OutOfRange(name, "a time with its zone (e.g. 2026-03-01T00:00:00Z)")
    return at.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class AffectedCount:
    """How many people and records a scope concerns (Art. 33(3)(a)), per store and in all.

    `people` are distinct subjects across the stores counted; `people_by_store` each store's
    own distinct subjects (their sum may exceed `people`: one person is in several stores);
    `records` the rows of every store counted, `by_store` per store (a store counted holding
    none shows 0; one not counted is absent); `unidentified` the records among them that refer
    to no subject, counted as records and never as people."""

    people: int
    records: int
    by_store: Mapping[str, int] = field(default_factory=dict)
    people_by_store: Mapping[str, int] = field(default_factory=dict)
    unidentified: int = 0

    def __post_init__(self) -> None:
        figures = [self.people, self.records, self.unidentified]
        figures += [*self.by_store.values(), *self.people_by_store.values()]
        if any(n < 0 for n in figures):
            raise ValueError("a count is never negative")
        if self.records != sum(self.by_store.values()) or self.unidentified > self.records:
            raise ValueError("records are the sum of the stores' and hold the unidentified")

    def add(self, other: AffectedCount) -> AffectedCount:
        """This count and `other`'s, of another scope, summed: a person in both counts twice
        (approximate, as Art. 33(3)(a) allows; a scope's own count never does)."""
        return AffectedCount(
            people=self.people + other.people,
            records=self.records + other.records,
            by_store=_summed(self.by_store, other.by_store),
            people_by_store=_summed(self.people_by_store, other.people_by_store),
            unidentified=self.unidentified + other.unidentified,
        )


NOBODY: Final = AffectedCount(people=0, records=0)
"""The count of no scope: what `total` starts from."""


def total(counts: Iterable[AffectedCount]) -> AffectedCount:
    """The counts of several scopes summed (`AffectedCount.add`)."""
    summed = NOBODY
    for count in counts:
        summed = summed.add(count)
    return summed


def _summed(one: Mapping[str, int], other: Mapping[str, int]) -> dict[str, int]:
    return {key: one.get(key, 0) + other.get(key, 0) for key in sorted({*one, *other})}


def parse_window(start: str, end: str, *, now: datetime) -> tuple[datetime, datetime]:
    """The window's two times from text (UK time or with an offset), as far as a record's
    time reaches: from `EARLIEST` to a day past `now`."""
    latest = now + AHEAD
    return (
        parse_time("from", start, now=latest, earliest=EARLIEST),
        parse_time("to", end, now=latest, earliest=EARLIEST),
    )
