"""Recording and reading a visitor's cookie choices (PECR reg 6).

A choice is stored under the SHA-256 of a random id that only the visitor's `cookie_choices`
cookie holds, with the choices, the register version the banner showed, whether Global Privacy
Control was sent, and when: it names no one. A new choice replaces the visitor's earlier one,
and recording any choice deletes every choice older than the `cookie_choices` cookie's lifetime
in the register (the cookie that could name it has expired by then), so the table keeps
nothing past that lifetime for longer than until the next visitor chooses.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Final

from dataward.domain.cookies import CHOICE_ID_LENGTH, CookieChoice, choice_cookie, valid_since
from dataward.domain.subjects import Actor
from dataward.services.context import UseCase

VISITOR: Final = Actor(id="visitor", role="visitor")
"""Who acts when a visitor records a cookie choice (no one known: a random id)."""


def _digest(choice_id: str) -> str:
    return hashlib.sha256(choice_id.encode("ascii", "replace")).hexdigest()


def _well_formed(choice_id: str | None) -> bool:
    return (
        choice_id is not None
        and len(choice_id) == CHOICE_ID_LENGTH
        and all(c.isascii() and (c.isalnum() or c in "-_") for c in choice_id)
    )


def record_choice(ctx: UseCase, choice: CookieChoice, *, replacing: str | None = None) -> str:
    """Record `choice` under a new random id, returned for the visitor's cookie; the choice
    recorded under `replacing` (the visitor's earlier id) goes, and so does every choice older
    than the choice cookie's lifetime."""
    uow, now, register = ctx.uow, ctx.clock.now(), ctx.register
    choice_id = secrets.token_urlsafe(32)
    cookie = choice_cookie(register)
    with uow:
        if _well_formed(replacing):
            uow.cookie_choices.remove(_digest(str(replacing)))
        if cookie is not None and cookie.lifetime is not None:
            uow.cookie_choices.remove_before(valid_since(cookie, now))
        uow.cookie_choices.add(
            _digest(choice_id),
            dict(choice.choices),
            version=register.policy.version,
            gpc=choice.gpc,
            at=now,
        )
        uow.commit()
    return choice_id


def recorded_choice(ctx: UseCase, choice_id: str | None) -> Mapping[str, bool] | None:
    """The choices recorded under the visitor's id, if it is one of ours and within the choice
    cookie's lifetime; None otherwise (then no choice has been made)."""
    if not _well_formed(choice_id):
        return None
    uow, now = ctx.uow, ctx.clock.now()
    cookie = choice_cookie(ctx.register)
    since = valid_since(cookie, now) if cookie is not None else datetime.min.replace(tzinfo=UTC)
    with uow:
        return uow.cookie_choices.get(_digest(str(choice_id)), since=since)
