"""Query and form values of the console's pages, bounded at the edge.

A value outside what a field takes is refused with the field's name and what it takes, in
fixed words (`InvalidValue`: the page's 422), never the value given: a hostile value is never
echoed. Numbers are ASCII digits only; dates are ISO days within `domain.bounds`.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import TypeVar
from uuid import UUID

from dataward.domain.bounds import DAYS, FIRST_DAY, LAST_DAY, MAX_INGEST_ID
from dataward.domain.errors import InvalidValue
from dataward.domain.tenants import TENANT_ID

E = TypeVar("E", bound=StrEnum)
_DIGITS = re.compile(r"[0-9]{1,12}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_HEX = "[0-9a-fA-F]"
_UUID = re.compile(rf"{_HEX}{{8}}-?{_HEX}{{4}}-?{_HEX}{{4}}-?{_HEX}{{4}}-?{_HEX}{{12}}")


def tenant_id(field: str, value: str | None) -> str | None:
    """A tenant's id as the tenants are named; None for an empty value."""
    if not value:
        return None
    if len(value) > 64 or not TENANT_ID.fullmatch(value):
        raise InvalidValue(field, "a tenant's id (lower-case letters, digits and -)")
    return value


def number(
    field: str, value: str | None, *, most: int = MAX_INGEST_ID, least: int = 1
) -> int | None:
    """A whole number from `least` to `most`, in ASCII digits; None for an empty value."""
    value = (value or "").strip()
    if not value:
        return None
    if not _DIGITS.fullmatch(value) or not least <= int(value) <= most:
        raise InvalidValue(field, f"a whole number from {least} to {most}")
    return int(value)


def day(field: str, value: str | None) -> date | None:
    """An ISO date (YYYY-MM-DD) within the days dataward takes; None for an empty value."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = date.fromisoformat(value) if _DAY.fullmatch(value) else None
    except ValueError:
        parsed = None
    if parsed is None or not FIRST_DAY <= parsed <= LAST_DAY:
        raise InvalidValue(field, DAYS)
    return parsed


def choice(field: str, value: str | None, kind: type[E], default: E) -> E:
    """One of `kind`'s values; `default` for an empty value."""
    if not value:
        return default
    try:
        return kind(value)
    except ValueError:
        raise InvalidValue(field, "one of " + ", ".join(e.value for e in kind)) from None


def text(field: str, value: str | None, *, most: int, lines: bool = False) -> str | None:
    """A text of at most `most` characters without control characters (but line breaks and
    tabs where it has `lines`), trimmed; None for empty."""
    value = (value or "").strip()
    if not value:
        return None
    allowed = {"\n", "\r", "\t"} if lines else set()
    if len(value) > most or any((ord(c) < 32 or ord(c) == 127) and c not in allowed for c in value):
        raise InvalidValue(field, f"a text of at most {most:,} characters")
    return value


def uuid(field: str, value: str | None) -> UUID | None:
    """A UUID in its usual written form (ASCII hex digits); None for an empty value."""
    value = (value or "").strip()
    if not value:
        return None
    if len(value) > 36 or _UUID.fullmatch(value) is None:
        raise InvalidValue(field, "an id as the console shows it (a UUID)")
    return UUID(value)


def flag(value: str | None) -> bool:
    """A checkbox or a `?all=1` link: on when given as 1, on, true or yes."""
    return value is not None and value.strip().lower() in {"1", "on", "true", "yes"}
