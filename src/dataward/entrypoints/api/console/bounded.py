"""Bounded reading of the console's query parameters and form fields, for the register pages
(breaches, complaints, retention, audit, marketing).

Each value is refused by what its field takes, never by repeating it (`InvalidValue`: the
console's 422 page names the field). Numbers and dates take ASCII digits only; a text is cut to
nothing longer than its field holds before a service sees it (the service checks it again).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final
from uuid import UUID

from dataward.domain.bounds import DAYS, check_day
from dataward.domain.errors import InvalidValue

_DAY: Final = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_COUNT: Final = re.compile(r"\d{1,12}", re.ASCII)
_HEX: Final = "[0-9a-fA-F]"
_UUID: Final = re.compile(rf"{_HEX}{{8}}-?{_HEX}{{4}}-?{_HEX}{{4}}-?{_HEX}{{4}}-?{_HEX}{{12}}")
IDS: Final = "an id as the console shows it (a UUID)"


def day_or_none(field: str, text: str | None) -> date | None:
    """A day (YYYY-MM-DD, ASCII digits) or None for an empty field."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    if len(text) != 10 or _DAY.fullmatch(text) is None:
        raise InvalidValue(field, DAYS)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidValue(field, DAYS) from None
    check_day(field, day)
    return day


def count_or_none(field: str, text: str | None, most: int) -> int | None:
    """A whole number from 0 to `most` (ASCII digits) or None for an empty field."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    if _COUNT.fullmatch(text) is None or int(text) > most:
        raise InvalidValue(field, f"a whole number from 0 to {most:,}")
    return int(text)


def uuid_or_none(field: str, text: str | None) -> UUID | None:
    """A UUID in its usual written form (ASCII hex digits) or None for an empty field."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    if len(text) > 36 or _UUID.fullmatch(text) is None:
        raise InvalidValue(field, IDS)
    return UUID(text)


def text_or_none(field: str, text: str | None, most: int) -> str | None:
    """A text of at most `most` characters, trimmed; None for an empty field."""
    if text is None or not text.strip():
        return None
    if len(text) > most:
        raise InvalidValue(field, f"at most {most:,} characters")
    return text.strip()


def flag(text: str | None) -> bool:
    """A checkbox or a `?all=1` link: on when given as 1, on or true."""
    return text is not None and text.strip().lower() in {"1", "on", "true", "yes"}
