"""Reading the console's query strings and forms: bounded, and refused in fixed words.

A value that is not one a field takes is `InvalidValue` (the page's 422), naming the field
and what it takes, never repeating what was sent. An id that is not one is `NotFound` (404),
the same as an id that names nothing. Days and tenants' ids are read as `console.params`
reads them for the console's other pages; this module adds what the request and subject forms
take besides: ids, register keys, an enum's values, free text with its line breaks.
"""

from __future__ import annotations

import re
from datetime import date
from enum import Enum
from typing import TypeVar
from uuid import UUID

from dataward.domain.errors import InvalidValue, NotFound
from dataward.entrypoints.api.console import params

E = TypeVar("E", bound=Enum)

_ID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_KEY = re.compile(r"[a-z0-9][a-z0-9_.:-]{0,95}", re.ASCII)


def an_id(value: str, what: str) -> UUID:
    """`value` as an id; anything else names nothing: `NotFound`."""
    if not _ID.fullmatch(value):
        raise NotFound(what, "-")
    return UUID(value)


def one_of(value: str, kind: type[E], field: str) -> E:
    """One of `kind`'s values, exactly as listed."""
    for member in kind:
        if member.value == value:
            return member
    raise InvalidValue(field, "one of " + ", ".join(str(m.value) for m in kind))


def maybe_one_of(value: str, kind: type[E], field: str) -> E | None:
    """As `one_of`, with an empty value for none."""
    return None if value == "" else one_of(value, kind, field)


def a_day(value: str, field: str) -> date | None:
    """A date typed YYYY-MM-DD, as `params.day` reads one, around any spaces; empty: None."""
    return params.day(field, value.strip() or None)


def a_tenant(value: str, field: str) -> str | None:
    """A tenant's id, as `params.tenant_id` reads one; empty: None."""
    return params.tenant_id(field, value.strip() or None)


def some_text(value: str, field: str, most: int) -> str | None:
    """Free text of at most `most` characters, trimmed; empty: None."""
    value = value.strip()
    if len(value) > most:
        raise InvalidValue(field, f"at most {most} characters")
    return value or None


def a_key(value: str, field: str) -> str | None:
    """A key of the register (lower-case letters, digits, `_.:-`); empty: None."""
    value = value.strip()
    if value == "":
        return None
    if not _KEY.fullmatch(value):
        raise InvalidValue(field, "a key of lower-case letters, digits and _ . : -")
    return value
