"""Console accounts, their sessions and their one-time password links: the tables."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table

from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.types import UTCDateTime

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
