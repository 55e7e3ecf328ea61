"""Cookie choices (PECR reg 6): which of the register's cookies a person may refuse, what a
choice allows, and what Global Privacy Control refuses. Pure: no I/O, dates given.

A cookie the register marks as needing no consent (an exemption: strictly necessary, or one of
the others Sch A1 allows) is always set; every other is off until the person says yes. A browser
that sends `Sec-GPC: 1` refuses every cookie needing consent, whatever it chose before, and any
sharing of the person's data for a third party's marketing.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from dataward.domain.processing.retention import add_duration_or_last
from dataward.domain.register.model import Cookie, Duration, Register

CHOICE_COOKIE = "cookie_choices"
"""The cookie that holds the random id of a person's recorded choice."""
CHOICE_ID_LENGTH = 43
"""A choice id: 32 random bytes, URL-safe base64 without padding."""


@dataclass(frozen=True, slots=True)
class CookieChoice:
    """What a person chose: cookie name to yes or no, for every cookie needing consent."""

    choices: Mapping[str, bool]
    gpc: bool


def optional_cookies(register: Register) -> list[Cookie]:
    """The register's cookies a person may refuse: those that need consent."""
    return [cookie for cookie in register.cookies if cookie.consent_required]


def choose(register: Register, wanted: Mapping[str, bool], *, gpc: bool) -> CookieChoice:
    """The choice recorded for `wanted` (a cookie it leaves out is a no, a name the register
    does not list is ignored); with Global Privacy Control every one is a no."""
    return CookieChoice(
        {c.name: (not gpc) and wanted.get(c.name, False) for c in optional_cookies(register)},
        gpc=gpc,
    )


def accept_all(register: Register, *, gpc: bool) -> CookieChoice:
    return choose(register, {c.name: True for c in optional_cookies(register)}, gpc=gpc)


def allowed(register: Register, recorded: Mapping[str, bool] | None, *, gpc: bool) -> set[str]:
    """The cookies that may be set: the exempt ones always; the others only on a recorded yes
    and never under Global Privacy Control."""
    exempt = {c.name for c in register.cookies if not c.consent_required}
    if gpc or recorded is None:
        return exempt
    return exempt | {name for name, yes in recorded.items() if yes}


def lifetime(cookie: Cookie, start: datetime) -> timedelta:
    """How long a persistent cookie lasts from `start` (a session cookie: none)."""
    if cookie.lifetime is None:
        return timedelta(0)
    end = add_duration_or_last(start.date(), Duration.parse(cookie.lifetime))
    return datetime.combine(end, start.timetz()) - start


def valid_since(cookie: Cookie, now: datetime) -> datetime:
    """The earliest moment a choice kept by `cookie` may have been made and still count: its
    lifetime back from `now`, in calendar years, months and days (a missing day becomes the
    month's last)."""
    if cookie.lifetime is None:
        return now
    span = Duration.parse(cookie.lifetime)
    months = now.month - 1 - span.months - 12 * span.years
    year, month = now.year + months // 12, months % 12 + 1
    day = min(now.day, calendar.monthrange(year, month)[1])
    return now.replace(year=year, month=month, day=day) - timedelta(days=span.days)


def choice_cookie(register: Register) -> Cookie | None:
    """The register's entry for the cookie that remembers a choice, if it lists one."""
    return next((c for c in register.cookies if c.name == CHOICE_COOKIE), None)
