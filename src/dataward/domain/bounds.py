"""The dates and numbers dataward takes from outside, and why each range is what it is. Pure.

The entry points check them first (the API's models, the command line's options), so a value
outside is refused by its field's name before any work is done; the use cases check them
again, so no caller can carry one into date arithmetic or a query where it would overflow.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Final

from dataward.domain.errors import InvalidValue, OutOfRange

FIRST_DAY: Final = date(1900, 1, 1)
"""No call, rights request or living person's birth is older."""

LAST_DAY: Final = date(2999, 12, 31)
"""Later than any date a person means, and far enough from the calendar's end (9999-12-31)
that whatever is computed from it (a deadline months on, a day's end in any zone, a tax hold
years on) is still a date."""

FIRST_INSTANT: Final = datetime.combine(FIRST_DAY, time(), UTC)
AFTER_LAST_DAY: Final = datetime.combine(LAST_DAY + timedelta(days=1), time(), UTC)
"""Times are taken on the same days, in UTC: then their zone cannot carry them off the
calendar when they are stored in UTC."""

MAX_INGEST_ID: Final = 2**31 - 1
"""Ingests are numbered by the database's 32-bit integer key: none is larger."""

NOTICE_VERSION_CHARS: Final = 64
"""The longest notice version a consent event keeps: its column's width. PostgreSQL refuses a
longer value as the row is written; SQLite would keep it whole."""

EVIDENCE_CHARS: Final = 200
"""The longest reference to the evidence of a consent a consent event keeps."""

ACTOR_CHARS: Final = 100
"""The longest staff id a token is issued for: the width of every column that names an actor."""

DAYS = f"a date (YYYY-MM-DD) from {FIRST_DAY} to {LAST_DAY}"
INSTANTS = f"a time with its zone from {FIRST_DAY} to {LAST_DAY} (UTC)"
INGEST_IDS = f"an ingest number from 1 to {MAX_INGEST_ID}"


def check_day(field: str, day: date | None) -> None:
    """Refuse a date outside `FIRST_DAY`..`LAST_DAY`, naming `field`; None passes."""
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise OutOfRange(field, DAYS)


def check_instant(field: str, at: datetime | None) -> None:
    """Refuse a time off `FIRST_DAY`..`LAST_DAY` in UTC, naming `field`; None passes."""
    if at is not None and not FIRST_INSTANT <= at < AFTER_LAST_DAY:
        raise OutOfRange(field, INSTANTS)


def check_text(field: str, text: str | None, most: int) -> None:
    """Refuse a text longer than `most` characters, naming `field`; None passes."""
    if text is not None and len(text) > most:
        raise OutOfRange(field, f"at most {most} characters")


_UNPRINTABLE = frozenset(
    [
        *map(chr, range(0x20)),
        *map(chr, range(0x7F, 0xA0)),
        *"\u202a\u202b\u202c\u202d\u202e",
        *"\u2066\u2067\u2068\u2069",
    ]
) - {"\n", "\t"}
"""Control characters (and bidirectional overrides) that would rewrite a terminal or a page
when the text is shown back; a line break and a tab are text."""


def check_printable(field: str, text: str | None) -> None:
    """Refuse free text holding a control character (other than a line break or a tab) or a
    bidirectional override, naming `field`, never the text; None passes."""
    if text is not None and not _UNPRINTABLE.isdisjoint(text):
        raise InvalidValue(field, "text without control characters")


def check_ingest_id(field: str, ingest_id: int | None) -> None:
    """Refuse an ingest number no ingest can have, naming `field`; None passes."""
    if ingest_id is not None and not 1 <= ingest_id <= MAX_INGEST_ID:
        raise OutOfRange(field, INGEST_IDS)
