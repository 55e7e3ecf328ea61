"""The cookie choices visitors made, by a random id (PECR reg 6): the table."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, String, Table, Text

from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.types import UTCDateTime

cookie_choices = Table(
    "cookie_choices",
    metadata,
    Column("choice_id", String(64), primary_key=True, comment="SHA-256 of the id"),
    Column("choices", Text, nullable=False, comment="JSON: cookie name to yes/no"),
    Column("notice_version", String(32), nullable=False),
    Column("gpc", Boolean, nullable=False),
    Column("chosen_at", UTCDateTime(), nullable=False, index=True),
    comment="Cookie choices by a random id (PECR reg 6); names no one.",
)
