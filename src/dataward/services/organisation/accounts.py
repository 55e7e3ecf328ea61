"""People's accounts on the staff console: create one, set its password by a one-time link,
sign in and out, and find a session's actor.

Creating an account or a password link decides who may act in which role, so both need
`manage_staff`, as API tokens do (`staff`). Signing in runs before any actor exists, with the
e-mail address and the password as its only credentials: it takes its ports itself, like
redeeming a download link. Every sign-in, failed or not, is in the audit log under the
account's actor id (never the address typed); a failure for an address with no account is
recorded under `console:unknown`, so that guessing shows in the log without naming anyone.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from dataward.domain.accounts import (
    KEPT_AFTER_END,
    LINK_VALID,
    LOCKED_FOR,
    MAX_FAILURES,
    PASSWORD_MAX,
    TOUCH_EVERY,
    Account,
    Failures,
    Link,
    LoginRefused,
    PasswordRefused,
    Session,
    password_problem,
    session_live,
)
from dataward.domain.audit import AuditAction
from dataward.domain.clock import Clock
from dataward.domain.errors import InvalidIdentifier, NotFound, Unauthenticated
from dataward.domain.identifiers import normalise
from dataward.domain.permissions import require
from dataward.domain.register.model import StaffAction
from dataward.domain.subjects import Actor
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.organisation.account_ports import AccountLike, PasswordHasher
from dataward.services.organisation.staff import StaffRefused, check_role, token_hash
from dataward.services.ports import UnitOfWork

UNKNOWN = "console:unknown"
"""Who a failed sign-in for an address without an account is recorded as."""
_ACTOR_ID = re.compile(r"^[a-z][a-z0-9._-]{1,62}$")
_DUMMIES: dict[int, str] = {}
"""A hash per hasher to check a password against when no account has the address typed, so
that a miss costs what a hit costs and timing does not tell which addresses have accounts."""


def _burn(hasher: PasswordHasher, password: str) -> None:
    dummy = _DUMMIES.get(id(hasher))
    if dummy is None:
        dummy = _DUMMIES.setdefault(id(hasher), hasher.hash(secrets.token_urlsafe(16)))
    hasher.verify(dummy, password)


@dataclass(frozen=True, slots=True)
class NewAccount:
    """An account for the person at `email`, in a register role (and a tenant's, for a
    tenant's role). `actor_id`, what the audit log names, defaults to a random `staff-...`."""

    email: str
    role: str
    tenant_id: str | None = None
    actor_id: str | None = None


@dataclass(frozen=True, slots=True)
class CreatedAccount:
    actor: Actor
    link_token: str | None
    """The one-time token of the link to set the password; None when a password was given."""


def _email(raw: str) -> str:
    try:
        return normalise("email", raw).value.lower()
    except InvalidIdentifier:
        raise StaffRefused("email: not an e-mail address") from None


def _actor_id(given: str | None) -> str:
    if given is None:
        return "staff-" + secrets.token_hex(4)
    if not _ACTOR_ID.match(given):
        raise StaffRefused(
            "actor: 2 to 63 of a-z, 0-9, '.', '_' and '-', starting with a letter (a login "
            "name, never an e-mail address)"
        )
    return given


def create_account(
    ctx: UseCase, command: NewAccount, hasher: PasswordHasher, password: str | None = None
) -> CreatedAccount:
    """A new console account. With `password`, it is set now; else a one-time link to set it
    is made (printed once by the caller, kept as a hash)."""
    uow, clock, register, by = ctx.uow, ctx.clock, ctx.register, ctx.actor
    require(register, by, StaffAction.MANAGE_STAFF)
    check_role(register, command.role, command.tenant_id)
    email, actor_id = _email(command.email), _actor_id(command.actor_id)
    if password is not None and (problem := password_problem(password)) is not None:
        raise PasswordRefused(problem)
    password_hash = hasher.hash(password) if password is not None else None
    token = None if password is not None else secrets.token_urlsafe(32)
    now = clock.now()
    with uow:
        if command.tenant_id is not None and uow.tenants.get(command.tenant_id) is None:
            raise NotFound("tenant", command.tenant_id)
        if uow.accounts.by_email(email) is not None or uow.accounts.by_actor(actor_id):
            raise StaffRefused("an account with that e-mail address or actor id exists")
        account = Account(
            actor_id, email, command.role, command.tenant_id, password_hash, Failures(0, None), now
        )
        uow.accounts.add(account)
        if token is not None:
            uow.accounts.add_link(token_hash(token), Link(actor_id, now + LINK_VALID), now)
        details = {"for": actor_id, "role": command.role, "tenant": command.tenant_id or ""}
        record(uow, clock, by, Audited(AuditAction.CONSOLE_ACCOUNT_CREATED, details=details))
        uow.commit()
    return CreatedAccount(Actor(actor_id, command.role, command.tenant_id), token)


def password_link(ctx: UseCase, actor_id: str) -> str:
    """A new one-time link token for the account to set its password (a reset)."""
    uow, clock, by = ctx.uow, ctx.clock, ctx.actor
    require(ctx.register, by, StaffAction.MANAGE_STAFF)
    token = secrets.token_urlsafe(32)
    now = clock.now()
    with uow:
        account = uow.accounts.by_actor(actor_id)
        if account is None or account.disabled_at is not None:
            raise NotFound("console account", actor_id)
        uow.accounts.use_links_of(actor_id, now)  # an older link, printed before, works no more
        uow.accounts.add_link(token_hash(token), Link(actor_id, now + LINK_VALID), now)
        record(
            uow, clock, by, Audited(AuditAction.CONSOLE_PASSWORD_LINK, details={"for": actor_id})
        )
        uow.commit()
    return token


def link_valid(uow: UnitOfWork, clock: Clock, token: str) -> bool:
    """Whether `token` is a password link that may still be used (for showing its form)."""
    with uow:
        link = uow.accounts.link(token_hash(token))
    return link is not None and link.used_at is None and clock.now() < link.expires_at


@dataclass(frozen=True, slots=True)
class SetPassword:
    token: str
    password: str


def set_password(
    uow: UnitOfWork, clock: Clock, hasher: PasswordHasher, command: SetPassword
) -> Actor:
    """Set the password of the link's account, once; every session of the account ends."""
    if (problem := password_problem(command.password)) is not None:
        raise PasswordRefused(problem)
    if not link_valid(uow, clock, command.token):  # no hash spent on a link that is not one
        raise Unauthenticated("the link is not valid: ask for a new one")
    password_hash = hasher.hash(command.password)
    now = clock.now()
    with uow:
        key = token_hash(command.token)
        link = uow.accounts.link(key)
        if link is None or link.used_at is not None or now >= link.expires_at:
            raise Unauthenticated("the link is not valid: ask for a new one")
        account = uow.accounts.by_actor(link.actor_id)
        if (
            account is None
            or account.disabled_at is not None
            or not uow.accounts.use_link(key, now)
        ):
            raise Unauthenticated("the link is not valid: ask for a new one")
        uow.accounts.set_password(account.actor_id, password_hash)
        uow.accounts.use_links_of(account.actor_id, now)
        uow.accounts.end_sessions_of(account.actor_id, now)
        actor = Actor(account.actor_id, account.role, account.tenant_id)
        record(uow, clock, actor, Audited(AuditAction.CONSOLE_PASSWORD_SET))
        uow.commit()
    return actor


@dataclass(frozen=True, slots=True)
class Credentials:
    email: str
    password: str


@dataclass(frozen=True, slots=True)
class SignedIn:
    actor: Actor
    token: str
    """The session cookie's value: kept only as a hash."""
    csrf_token: str


def _refused(uow: UnitOfWork, clock: Clock, who: str, action: AuditAction) -> LoginRefused:
    """The refusal of a sign-in, recorded in a short transaction of its own."""
    with uow:
        record(uow, clock, who, Audited(action))
        uow.commit()
    return LoginRefused()


def login(
    uow: UnitOfWork, clock: Clock, hasher: PasswordHasher, credentials: Credentials
) -> SignedIn:
    """A new session for the account whose address and password these are, else
    `LoginRefused`, the same whatever failed. A new session id every time (no fixation).

    Every refusal costs one password check, so the time taken tells nothing (no account, a
    disabled or locked one, a wrong password). The check runs outside any transaction (on
    SQLite a transaction that writes holds the one write lock). An attempt is counted before
    its password is checked, by an increment in the database: attempts made at once each take
    a count of their own, and none past the fifth is checked at all."""
    now = clock.now()
    password = credentials.password[:PASSWORD_MAX]
    try:
        email = _email(credentials.email)
    except StaffRefused:
        email = ""
    with uow:
        account = uow.accounts.by_email(email) if email else None
        usable = account is not None and account.password_hash is not None
        usable = usable and account is not None and account.disabled_at is None
        count = uow.accounts.reserve_attempt(account.actor_id, now) if usable and account else None
        if count is not None and count > MAX_FAILURES and account is not None:
            uow.accounts.lock(account.actor_id, now + LOCKED_FOR)
        uow.commit()
    who = account.actor_id if account is not None else UNKNOWN
    if account is None or account.password_hash is None or count is None or count > MAX_FAILURES:
        _burn(hasher, password)
        raise _refused(uow, clock, who, AuditAction.CONSOLE_LOGIN_FAILED)
    if not hasher.verify(account.password_hash, password):
        with uow:
            if count >= MAX_FAILURES:
                uow.accounts.lock(account.actor_id, now + LOCKED_FOR)
            locks = count >= MAX_FAILURES
            action = AuditAction.CONSOLE_LOCKED if locks else AuditAction.CONSOLE_LOGIN_FAILED
            record(uow, clock, who, Audited(action))
            uow.commit()
        raise LoginRefused()
    rehashed = hasher.hash(password) if hasher.needs_rehash(account.password_hash) else None
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    actor = _actor_of(account)
    with uow:
        if rehashed is not None:
            uow.accounts.set_password(account.actor_id, rehashed)
        uow.accounts.clear_failures(account.actor_id)
        uow.accounts.purge(now - KEPT_AFTER_END)
        uow.accounts.add_session(token_hash(token), Session(account.actor_id, csrf, now, now))
        record(uow, clock, actor, Audited(AuditAction.CONSOLE_LOGIN))
        uow.commit()
    return SignedIn(actor, token, csrf)


def _actor_of(account: AccountLike) -> Actor:
    return Actor(account.actor_id, account.role, account.tenant_id)


@dataclass(frozen=True, slots=True)
class LiveSession:
    actor: Actor
    csrf_token: str
    stale: bool = False
    """Its last use was written more than `TOUCH_EVERY` ago: `touch` it."""


def session_actor(reading: UnitOfWork, clock: Clock, token: str | None) -> LiveSession:
    """The actor of a live session's cookie value, else `Unauthenticated`. Only reads: on
    SQLite a page waits behind no writer (see `touch`)."""
    if not token or len(token) > 128:
        raise Unauthenticated("sign in to the console")
    now = clock.now()
    with reading:
        session = reading.accounts.session(token_hash(token))
        account = reading.accounts.by_actor(session.actor_id) if session is not None else None
    if (
        session is None
        or account is None
        or session.ended_at is not None
        or account.disabled_at is not None
        or not session_live(session.created_at, session.last_seen_at, now)
    ):
        raise Unauthenticated("sign in to the console")
    stale = now - session.last_seen_at >= TOUCH_EVERY
    return LiveSession(_actor_of(account), session.csrf_token, stale)


def touch(uow: UnitOfWork, clock: Clock, token: str) -> None:
    """Write that the session of this cookie value was used now (its idle time restarts)."""
    with uow:
        uow.accounts.touch_session(token_hash(token), clock.now())
        uow.commit()


def logout(uow: UnitOfWork, clock: Clock, token: str) -> None:
    """End the session of this cookie value (nothing when there is none)."""
    key = token_hash(token)
    with uow:
        session = uow.accounts.session(key)
        if session is None or session.ended_at is not None:
            return
        uow.accounts.end_session(key, clock.now())
        record(uow, clock, session.actor_id, Audited(AuditAction.CONSOLE_LOGOUT))
        uow.commit()


def disable_account(ctx: UseCase, actor_id: str) -> None:
    """Disable an account: it signs in no more, and its sessions end now."""
    uow, clock, by = ctx.uow, ctx.clock, ctx.actor
    require(ctx.register, by, StaffAction.MANAGE_STAFF)
    with uow:
        if not uow.accounts.disable(actor_id, clock.now()):
            raise NotFound("console account", actor_id)
        uow.accounts.end_sessions_of(actor_id, clock.now())
        record(
            uow, clock, by, Audited(AuditAction.CONSOLE_ACCOUNT_DISABLED, details={"for": actor_id})
        )
        uow.commit()


def list_accounts(ctx: UseCase) -> list[AccountLike]:
    require(ctx.register, ctx.actor, StaffAction.MANAGE_STAFF)
    with ctx.uow as uow:
        return uow.accounts.all()
