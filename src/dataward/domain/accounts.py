"""The rules of signing in to the staff console: passwords, lockout and sessions.

A password is 12 to 256 printable characters and not one character repeated (NCSC's guidance:
length over composition rules, no forced expiry). Five failures in a row lock the account for
15 minutes; a success clears the count. A session ends after 30 minutes without use, and
12 hours after it began whatever its use, so a stolen cookie works for a bounded time. A link to
set a password works once, for 72 hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from dataward.domain.errors import DatawardError

PASSWORD_MIN = 12
PASSWORD_MAX = 256
MAX_FAILURES = 5
LOCKED_FOR = timedelta(minutes=15)
SESSION_IDLE = timedelta(minutes=30)
SESSION_MAX = timedelta(hours=12)
LINK_VALID = timedelta(hours=72)
KEPT_AFTER_END = timedelta(days=30)
"""How long an ended session or an expired link is kept, as the record of who signed in."""
TOUCH_EVERY = timedelta(minutes=1)
"""A session's last use is written at most this often: a page is not a write each time."""


class LoginRefused(DatawardError):
    """The one answer to a failed sign-in, whatever failed: it says nothing of the account."""

    code = "login_refused"

    def __init__(self) -> None:
        super().__init__(
            "the e-mail address or the password is not right, or the account is locked for a "
            "while after repeated failures"
        )


class PasswordRefused(DatawardError):
    code = "password_refused"


def password_problem(password: str) -> str | None:
    """Why `password` may not be used, in words that never quote it; None when it may."""
    if len(password) < PASSWORD_MIN:
        return f"a password has at least {PASSWORD_MIN} characters"
    if len(password) > PASSWORD_MAX:
        return f"a password has at most {PASSWORD_MAX} characters"
    if not password.isprintable():
        return "a password has printable characters only"
    if len(set(password)) == 1:
        return "a password is not one character repeated"
    return None


@dataclass(frozen=True, slots=True)
class Failures:
    """An account's failed sign-ins in a row, and until when it is locked."""

    count: int
    locked_until: datetime | None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


@dataclass(frozen=True, slots=True)
class Account:
    """A console account: what signs in, and as whom."""

    actor_id: str
    email: str
    role: str
    tenant_id: str | None
    password_hash: str | None
    failures: Failures
    created_at: datetime
    disabled_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Session:
    """A console session, kept by the hash of its cookie's value."""

    actor_id: str
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """A one-time link to set an account's password, kept by the hash of its token."""

    actor_id: str
    expires_at: datetime
    used_at: datetime | None = None


def session_live(created_at: datetime, last_seen_at: datetime, now: datetime) -> bool:
    """Whether a session begun at `created_at` and last used at `last_seen_at` is still live."""
    return now < last_seen_at + SESSION_IDLE and now < created_at + SESSION_MAX
