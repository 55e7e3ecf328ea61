"""console_accounts: people's logins to the staff console, their sessions and password links

A console account is a person of our staff or a tenant's administrator who signs in with an
e-mail address and a password (argon2id hash only). Its actor id is what the audit log names,
never the address. A session is kept server-side by the SHA-256 of its cookie's value, with
its CSRF token and its idle and absolute expiry; a one-time link to set a password is kept by
the SHA-256 of its token, used once.

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dataward.adapters.sql.types import UTCDateTime

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_accounts",
        sa.Column("actor_id", sa.String(64), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True, comment="Lower case"),
        sa.Column("role", sa.String(64), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=True),
        sa.Column("password_hash", sa.String(255), nullable=True, comment="argon2id"),
        sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("disabled_at", UTCDateTime(), nullable=True),
        comment="Staff and tenant administrators who sign in to the console.",
    )
    op.create_table(
        "console_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column(
            "actor_id",
            sa.String(64),
            sa.ForeignKey("console_accounts.actor_id"),
            nullable=False,
            index=True,
        ),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        comment="Console sessions, by the SHA-256 of the cookie's value.",
    )
    op.create_table(
        "password_links",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column(
            "actor_id",
            sa.String(64),
            sa.ForeignKey("console_accounts.actor_id"),
            nullable=False,
            index=True,
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        comment="One-time links to set a console password, by the SHA-256 of the token.",
    )


def downgrade() -> None:
    op.drop_table("password_links")
    op.drop_table("console_sessions")
    op.drop_table("console_accounts")
