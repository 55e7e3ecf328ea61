"""Parsers for the command line's options and arguments, refusing a bad value by what the
option takes, never by repeating it: what was typed could be anything (a number pasted in the
wrong place), and the error lands in terminals, scripts' logs and cron mail.

Each refusal is a usage error: exit code 2, the option named.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import Enum
from typing import TypeVar
from uuid import UUID

import typer

from dataward.domain.bounds import DAYS, FIRST_DAY, LAST_DAY

E = TypeVar("E", bound=Enum)


def day(value: str | date) -> date:
    """A date (YYYY-MM-DD) from `FIRST_DAY` to `LAST_DAY`."""
    if isinstance(value, date):
        return value
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(DAYS) from None
    if not FIRST_DAY <= parsed <= LAST_DAY:
        raise typer.BadParameter(DAYS)
    return parsed


def choice(kind: type[E]) -> Callable[[str | E], E]:
    """A parser for one of `kind`'s values; refused, it lists them."""
    allowed = ", ".join(str(member.value) for member in kind)

    def parse(value: str | E) -> E:
        if isinstance(value, kind):
            return value
        try:
            return kind(value)
        except ValueError:
            raise typer.BadParameter(f"one of {allowed}") from None

    parse.__name__ = kind.__name__
    return parse


def one_of(*names: str) -> Callable[[str], str]:
    """A parser for one of a few fixed words."""

    def parse(value: str) -> str:
        if value not in names:
            raise typer.BadParameter(f"one of {', '.join(names)}")
        return value

    return parse


def uuid(value: str | UUID) -> UUID:
    """An id such as 2f1c8a4e-0b7d-4d0e-9a51-6f3c2b1d9e07."""
    if isinstance(value, UUID):
        return value
    try:
        return UUID(value)
    except ValueError:
        raise typer.BadParameter("an id such as 2f1c8a4e-0b7d-4d0e-9a51-6f3c2b1d9e07") from None
