"""identifiers: names and postal addresses may be shared; the rest single out one person

Two people may share a name or an address, so only phone, e-mail, account id, username and
agent id stay unique per scope, by a partial unique index; a plain index serves lookups.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

UNIQUE_KINDS = ["account_id", "agent_id", "email", "phone", "username"]


def upgrade() -> None:
    with op.batch_alter_table("identifiers") as batch:
        batch.drop_constraint("uq_identifiers_scope_type_index", type_="unique")
    op.create_index(
        "ix_identifiers_lookup", "identifiers", ["scope", "type", "blind_index"], unique=False
    )
    where = sa.text("type IN ('account_id', 'agent_id', 'email', 'phone', 'username')")
    op.create_index(
        "uq_identifiers_single_out",
        "identifiers",
        ["scope", "type", "blind_index"],
        unique=True,
        sqlite_where=where,
        postgresql_where=where,
    )


def downgrade() -> None:
    op.drop_index("uq_identifiers_single_out", table_name="identifiers")
    op.drop_index("ix_identifiers_lookup", table_name="identifiers")
    with op.batch_alter_table("identifiers") as batch:
        batch.create_unique_constraint(
            "uq_identifiers_scope_type_index", ["scope", "type", "blind_index"]
        )
