"""Console accounts, their sessions and their one-time password links: the tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    ForeignKey,
    Integer,
    String,
    Table,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)

from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.types import UTCDateTime
from dataward.domain.accounts import Account, Failures, Link, Session
from dataward.services.organisation.account_ports import AccountLike, LinkLike, SessionLike

console_accounts = Table(
    "console_accounts",
    metadata,
    Column("actor_id", String(64), primary_key=True),
    Column("email", String(254), nullable=False, unique=True, comment="Lower case"),
    Column("role", String(64), nullable=False),
    Column("tenant_id", String(64), nullable=True),
    Column("password_hash", String(255), nullable=True, comment="argon2id"),
    Column("failed_logins", Integer, nullable=False, server_default="0"),
    Column("locked_until", UTCDateTime(), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("disabled_at", UTCDateTime(), nullable=True),
    comment="Staff and tenant administrators who sign in to the console.",
)

console_sessions = Table(
    "console_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column(
        "actor_id",
        String(64),
        ForeignKey("console_accounts.actor_id"),
        nullable=False,
        index=True,
    ),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("last_seen_at", UTCDateTime(), nullable=False),
    Column("ended_at", UTCDateTime(), nullable=True),
    comment="Console sessions, by the SHA-256 of the cookie's value.",
)

password_links = Table(
    "password_links",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column(
        "actor_id",
        String(64),
        ForeignKey("console_accounts.actor_id"),
        nullable=False,
        index=True,
    ),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("used_at", UTCDateTime(), nullable=True),
    comment="One-time links to set a console password, by the SHA-256 of the token.",
)


def _account(row: Any) -> Account:
    m = row._mapping
    return Account(
        actor_id=m["actor_id"],
        email=m["email"],
        role=m["role"],
        tenant_id=m["tenant_id"],
        password_hash=m["password_hash"],
        failures=Failures(m["failed_logins"], m["locked_until"]),
        created_at=m["created_at"],
        disabled_at=m["disabled_at"],
    )


class SqlAccountRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, account: AccountLike) -> None:
        self._connection.execute(
            insert(console_accounts).values(
                actor_id=account.actor_id,
                email=account.email,
                role=account.role,
                tenant_id=account.tenant_id,
                password_hash=account.password_hash,
                failed_logins=0,
                created_at=account.created_at,
            )
        )

    def by_email(self, email: str) -> Account | None:
        row = self._connection.execute(
            select(console_accounts).where(console_accounts.c.email == email)
        ).first()
        return _account(row) if row else None

    def by_actor(self, actor_id: str) -> Account | None:
        row = self._connection.execute(
            select(console_accounts).where(console_accounts.c.actor_id == actor_id)
        ).first()
        return _account(row) if row else None

    def count(self) -> int:
        return int(
            self._connection.execute(select(func.count()).select_from(console_accounts)).scalar()
            or 0
        )

    def all(self) -> list[AccountLike]:
        rows = self._connection.execute(
            select(console_accounts).order_by(console_accounts.c.created_at)
        )
        return [_account(row) for row in rows]

    def set_password(self, actor_id: str, password_hash: str) -> None:
        self._connection.execute(
            update(console_accounts)
            .where(console_accounts.c.actor_id == actor_id)
            .values(password_hash=password_hash, failed_logins=0, locked_until=None)
        )

    def reserve_attempt(self, actor_id: str, now: datetime) -> int | None:
        c = console_accounts.c
        found = self._connection.execute(
            update(console_accounts)
            .where(c.actor_id == actor_id, or_(c.locked_until.is_(None), c.locked_until <= now))
            .values(failed_logins=c.failed_logins + 1, locked_until=None)
            .returning(c.failed_logins)
        ).first()
        return int(found[0]) if found is not None else None

    def lock(self, actor_id: str, until: datetime) -> None:
        self._connection.execute(
            update(console_accounts)
            .where(console_accounts.c.actor_id == actor_id)
            .values(failed_logins=0, locked_until=until)
        )

    def clear_failures(self, actor_id: str) -> None:
        self._connection.execute(
            update(console_accounts)
            .where(console_accounts.c.actor_id == actor_id)
            .values(failed_logins=0, locked_until=None)
        )

    def disable(self, actor_id: str, at: datetime) -> bool:
        return bool(
            self._connection.execute(
                update(console_accounts)
                .where(
                    console_accounts.c.actor_id == actor_id,
                    console_accounts.c.disabled_at.is_(None),
                )
                .values(disabled_at=at)
            ).rowcount
        )

    def add_session(self, token_hash: str, session: SessionLike) -> None:
        self._connection.execute(
            insert(console_sessions).values(
                token_hash=token_hash,
                actor_id=session.actor_id,
                csrf_token=session.csrf_token,
                created_at=session.created_at,
                last_seen_at=session.last_seen_at,
            )
        )

    def session(self, token_hash: str) -> Session | None:
        row = self._connection.execute(
            select(console_sessions).where(console_sessions.c.token_hash == token_hash)
        ).first()
        if row is None:
            return None
        m = row._mapping
        return Session(
            m["actor_id"], m["csrf_token"], m["created_at"], m["last_seen_at"], m["ended_at"]
        )

    def touch_session(self, token_hash: str, at: datetime) -> None:
        self._connection.execute(
            update(console_sessions)
            .where(console_sessions.c.token_hash == token_hash)
            .values(last_seen_at=at)
        )

    def end_session(self, token_hash: str, at: datetime) -> None:
        self._connection.execute(
            update(console_sessions)
            .where(
                console_sessions.c.token_hash == token_hash, console_sessions.c.ended_at.is_(None)
            )
            .values(ended_at=at)
        )

    def end_sessions_of(self, actor_id: str, at: datetime) -> int:
        return self._connection.execute(
            update(console_sessions)
            .where(console_sessions.c.actor_id == actor_id, console_sessions.c.ended_at.is_(None))
            .values(ended_at=at)
        ).rowcount

    def add_link(self, token_hash: str, link: LinkLike, at: datetime) -> None:
        self._connection.execute(
            insert(password_links).values(
                token_hash=token_hash,
                actor_id=link.actor_id,
                created_at=at,
                expires_at=link.expires_at,
            )
        )

    def link(self, token_hash: str) -> Link | None:
        row = self._connection.execute(
            select(password_links).where(password_links.c.token_hash == token_hash)
        ).first()
        if row is None:
            return None
        m = row._mapping
        return Link(m["actor_id"], m["expires_at"], m["used_at"])

    def use_link(self, token_hash: str, at: datetime) -> bool:
        return bool(
            self._connection.execute(
                update(password_links)
                .where(
                    password_links.c.token_hash == token_hash, password_links.c.used_at.is_(None)
                )
                .values(used_at=at)
            ).rowcount
        )

    def use_links_of(self, actor_id: str, at: datetime) -> int:
        return self._connection.execute(
            update(password_links)
            .where(password_links.c.actor_id == actor_id, password_links.c.used_at.is_(None))
            .values(used_at=at)
        ).rowcount

    def purge(self, before: datetime) -> int:
        sessions = self._connection.execute(
            delete(console_sessions).where(
                or_(console_sessions.c.ended_at < before, console_sessions.c.last_seen_at < before)
            )
        ).rowcount
        links = self._connection.execute(
            delete(password_links).where(password_links.c.expires_at < before)
        ).rowcount
        return sessions + links
