"""What a tenant, as controller, told us to do about a request forwarded to it.

One row per instruction carried out (an export of its caller's calls, or their erasure): who
gave it, when, and the outcome in counts and references only, never the caller's data.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Column, Connection, Index, Integer, String, Table, Text, insert, select

from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.types import UTCDateTime
from dataward.services.rights.request_ports import ControllerInstruction

controller_instructions = Table(
    "controller_instructions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("request_id", String(36), nullable=False),
    Column("tenant_id", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("outcome", Text, nullable=False, comment="JSON: counts and references only"),
    comment="What a tenant, as controller, told us to do about a request forwarded to it.",
)
Index("ix_controller_instructions_request_id", controller_instructions.c.request_id)


def add_instruction(connection: Connection, instruction: ControllerInstruction) -> None:
    row = {
        "request_id": str(instruction.request_id),
        "tenant_id": instruction.tenant_id,
        "kind": instruction.kind,
        "actor": instruction.actor,
        "at": instruction.at,
        "outcome": json.dumps(instruction.outcome, sort_keys=True),
    }
    connection.execute(insert(controller_instructions).values(**row))


def instructions_of(
    connection: Connection, request_id: UUID | str
) -> Sequence[tuple[str, str, datetime, dict[str, Any]]]:
    rows = connection.execute(
        select(
            controller_instructions.c.kind,
            controller_instructions.c.actor,
            controller_instructions.c.at,
            controller_instructions.c.outcome,
        )
        .where(controller_instructions.c.request_id == str(request_id))
        .order_by(controller_instructions.c.id)
    )
    return [(kind, actor, at, json.loads(outcome)) for kind, actor, at, outcome in rows]
