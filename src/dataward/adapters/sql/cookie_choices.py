"""The cookie choices visitors made, by a random id (PECR reg 6): the table and its repository."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Boolean, Column, Connection, String, Table, Text, delete, insert, select

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


class SqlCookieChoiceRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(
        self, digest: str, choices: Mapping[str, bool], *, version: str, gpc: bool, at: datetime
    ) -> None:
        self._c.execute(
            insert(cookie_choices).values(
                choice_id=digest,
                choices=json.dumps(dict(choices), sort_keys=True),
                notice_version=version[:32],
                gpc=gpc,
                chosen_at=at,
            )
        )

    def get(self, digest: str, *, since: datetime) -> Mapping[str, bool] | None:
        text = self._c.execute(
            select(cookie_choices.c.choices).where(
                cookie_choices.c.choice_id == digest, cookie_choices.c.chosen_at >= since
            )
        ).scalar_one_or_none()
        if text is None:
            return None
        found = json.loads(text)
        return {str(name): bool(yes) for name, yes in found.items()}

    def remove(self, digest: str) -> None:
        self._c.execute(delete(cookie_choices).where(cookie_choices.c.choice_id == digest))

    def remove_before(self, moment: datetime) -> int:
        done = self._c.execute(delete(cookie_choices).where(cookie_choices.c.chosen_at < moment))
        return int(done.rowcount or 0)
