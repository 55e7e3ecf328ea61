"""What a search of the audit log asks, checked before anything is read. Pure.

A search names references the log holds, never anything that identifies a person: every entry
keeps a subject's UUID, a staff id and a key, and the search's own entry (`audit_searched`)
records its filters, so each filter is bounded to what such a reference looks like:

- `subject`: a subject's UUID, the entries' `subject_ref`.
- `actor`: a staff id as entries record it: 1 to 100 printable characters holding a letter and
  no `@`. Staff ids are recorded in the log already (who acted; a token issued `for` one); a
  number pasted into the wrong field (it has no letter) or an e-mail address is refused, so
  the search's own entry never keeps one.
- `action`: a word like the log's actions (`[a-z][a-z0-9_]{1,63}`, `AuditAction` lists those
  dataward records today; an extension's entries keep their own).
- `since`, `until`: a date (`YYYY-MM-DD`) or a time with its zone (`2026-11-25T10:00:00+00:00`,
  `...Z`), in ASCII digits, from 1900-01-01 to 2999-12-31. A date is a UK calendar day
  (Europe/London, whose days a request's deadlines count): `since` from its first instant,
  `until` to its last. A time is that instant, both ends included. `since` after `until` is
  refused.

The window is kept as `since` <= at < `before`. A search finds the log as it stood when it was
recorded: the entries before its own (`SearchSlice.before_seq`). A search read a page at a time
is read in chain order (by `seq`) after a cursor (`SearchCursor`): the `seq` of the previous
page's last entry, and the first page's own entry, which bounds every later page too, so a
page's own entry (about the subject searched for) never turns up in the pages after it. A
refusal names the field and what it takes, never the value given.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final, TypeVar
from uuid import UUID

from dataward.domain.audit import ACTION_PATTERN, iso_z
from dataward.domain.bounds import ACTOR_CHARS, check_day, check_instant
from dataward.domain.errors import InvalidValue, OutOfRange
from dataward.domain.requests.model import UK

PAGE_MOST: Final = 500
"""The most entries a page of a search holds."""
PAGE_DEFAULT: Final = 100
MAX_SEQ: Final = 2**63 - 1
"""The last place an entry can have: `seq` is a 64-bit integer on every backend."""

ACTOR_TAKES: Final = f"a staff id: 1 to {ACTOR_CHARS} printable characters with a letter, no @"
ACTION_TAKES: Final = "an action such as subject_read: a-z, 0-9 and _, at most 64 characters"
MOMENT_TAKES: Final = "a date (YYYY-MM-DD) or a time with its zone (2026-11-25T10:00:00+00:00)"
CURSOR_TAKES: Final = "the next_cursor of the previous page"

_DAY: Final = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_TIME: Final = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})", re.ASCII
)
_CURSOR: Final = re.compile(r"([0-9]{1,19})\.([0-9]{1,19})", re.ASCII)
CURSOR_PATTERN: Final = r"^[0-9]{1,19}\.[0-9]{1,19}$"
_MOST_MOMENT: Final = 40

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class AuditSearch:
    """The filters of a search, checked (`audit_search`); None matches any."""

    subject: UUID | None = None
    actor: str | None = None
    action: str | None = None
    since: datetime | None = None
    """The first instant searched (UTC)."""
    before: datetime | None = None
    """The first instant after the window (UTC)."""

    def details(self) -> dict[str, str]:
        """The filters as the search's own audit entry records them (the subject is the
        entry's `subject_ref`): references and times only."""
        found = {
            "actor": self.actor,
            "action": self.action,
            "since": None if self.since is None else iso_z(self.since),
            "before": None if self.before is None else iso_z(self.before),
        }
        return {key: value for key, value in found.items() if value is not None}


@dataclass(frozen=True, slots=True)
class SearchSlice:
    """Which part of the entries found one read takes: after `after` (a `seq`; None from the
    first), before `before_seq` (the search's own entry), at most `limit`."""

    after: int | None
    before_seq: int
    limit: int


def audit_search(
    subject: UUID | None,
    actor: str | None,
    action: str | None,
    since: str | None,
    until: str | None,
) -> AuditSearch:
    """The filters, each checked; `InvalidValue` naming the first that is not one it takes."""
    if actor is not None:
        check_actor(actor)
    if action is not None:
        check_action(action)
    first = None if since is None else moment("since", since, end=False)
    before = None if until is None else moment("until", until, end=True)
    if first is not None and before is not None and first >= before:
        raise OutOfRange("since", "no later than until")
    return AuditSearch(subject, actor, action, first, before)


def check_actor(actor: str) -> str:
    """A staff id as the log records it (`ACTOR_TAKES`), else `InvalidValue`."""
    if (
        not 1 <= len(actor) <= ACTOR_CHARS
        or not actor.isprintable()
        or "@" in actor
        or not any(ch.isalpha() for ch in actor)
    ):
        raise InvalidValue("actor", ACTOR_TAKES)
    return actor


def check_action(action: str) -> str:
    """A word like the log's actions (`ACTION_TAKES`), else `InvalidValue`."""
    if not ACTION_PATTERN.fullmatch(action):
        raise InvalidValue("action", ACTION_TAKES)
    return action


def moment(field: str, text: str, *, end: bool) -> datetime:
    """The instant `text` names (`MOMENT_TAKES`), in UTC. A date is a UK day: its first
    instant, or with `end` the first instant of the next day; a time is itself, or with `end`
    the instant just after it (the window's `before`)."""
    if len(text) > _MOST_MOMENT:
        raise InvalidValue(field, MOMENT_TAKES)
    if _DAY.fullmatch(text):
        day = _parsed(field, date.fromisoformat, text)
        check_day(field, day)
        first = datetime.combine(day + timedelta(days=1) if end else day, time(), UK)
        return first.astimezone(UTC)
    if _TIME.fullmatch(text):
        at = _parsed(field, datetime.fromisoformat, text)
        check_instant(field, at)
        return at.astimezone(UTC) + (timedelta(microseconds=1) if end else timedelta())
    raise InvalidValue(field, MOMENT_TAKES)


def _parsed(field: str, parse: Callable[[str], T], text: str) -> T:
    try:
        return parse(text)
    except ValueError:  # 30 February, hour 25: the shape was right, the value is not
        raise InvalidValue(field, MOMENT_TAKES) from None


@dataclass(frozen=True, slots=True)
class SearchCursor:
    """Where a page of a search ended (`after`, a `seq`) and the first page's own entry
    (`upto`), which every page reads before. Given back as text: `<after>.<upto>`."""

    after: int
    upto: int

    @property
    def text(self) -> str:
        return f"{self.after}.{self.upto}"

    @classmethod
    def parse(cls, text: str) -> SearchCursor:
        """A cursor given back; anything else is refused naming `cursor`, never echoed."""
        match = _CURSOR.fullmatch(text)
        if match is None:
            raise InvalidValue("cursor", CURSOR_TAKES)
        after, upto = int(match.group(1)), int(match.group(2))
        if not 1 <= after < upto <= MAX_SEQ:
            raise InvalidValue("cursor", CURSOR_TAKES)
        return cls(after, upto)


def check_limit(limit: int) -> int:
    if not 1 <= limit <= PAGE_MOST:
        raise OutOfRange("limit", f"1 to {PAGE_MOST} entries a page")
    return limit
