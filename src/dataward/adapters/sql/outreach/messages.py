"""The outreach outbox on SQLAlchemy Core: one row per message, no identifier in any.

A row names its subject, kind, channel and reference (a campaign, a register version) and the
role it is made under; its address and words are made only when it goes. Erasing the subject
deletes its rows (its unlink step), queued or sent: the campaign's counts keep the numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import (
    Column,
    Connection,
    Index,
    Integer,
    String,
    Table,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy import update as sql_update

from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.types import UTCDateTime
from dataward.adapters.sql.unlink import rows_of_subject
from dataward.domain.outreach import MessageChannel, MessageKind, OutboundMessage

QUEUED, SENT, WITHHELD = "queued", "sent", "withheld"

outbound_messages = Table(
    "outbound_messages",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(24), nullable=False),
    Column("subject_id", String(36), nullable=False, index=True),
    Column("channel", String(16), nullable=False),
    Column("ref", String(64), nullable=False),
    Column("role", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("queued_at", UTCDateTime(), nullable=False),
    Column("due_at", UTCDateTime(), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("done_at", UTCDateTime(), nullable=True),
    Column("outcome", String(40), nullable=True, comment="A withheld message's reason word"),
    Column("last_error", String(80), nullable=True, comment="The error's kind, never its text"),
    comment="Messages to our own subjects no rights request causes (marketing, notices of a "
    "new register version): no address or text, made when each goes.",
)

Index("ix_outbound_messages_due", outbound_messages.c.status, outbound_messages.c.due_at)


class SqlMessageRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def queue(self, messages: Sequence[OutboundMessage]) -> None:
        if not messages:
            return
        self._connection.execute(
            insert(outbound_messages),
            [
                {
                    "id": str(m.id),
                    "kind": m.kind.value,
                    "subject_id": str(m.subject_id),
                    "channel": m.channel.value,
                    "ref": m.ref,
                    "role": m.role,
                    "status": QUEUED,
                    "queued_at": m.queued_at,
                    "due_at": m.queued_at,
                    "attempts": 0,
                }
                for m in messages
            ],
        )

    def waiting(self, now: datetime, *, channels: Sequence[str]) -> int:
        t = outbound_messages.c
        found = self._connection.execute(
            select(func.count()).where(
                t.status == QUEUED, t.due_at <= now, t.channel.not_in(list(channels))
            )
        ).scalar()
        return int(found or 0)

    def due(self, now: datetime, limit: int, *, channels: Sequence[str]) -> list[OutboundMessage]:
        t = outbound_messages.c
        rows = self._connection.execute(
            select(outbound_messages)
            .where(t.status == QUEUED, t.due_at <= now, t.channel.in_(list(channels)))
            .order_by(t.due_at, t.id)
            .limit(limit)
        )
        return [
            OutboundMessage(
                id=UUID(row.id),
                kind=MessageKind(row.kind),
                subject_id=UUID(row.subject_id),
                channel=MessageChannel(row.channel),
                ref=row.ref,
                role=row.role,
                queued_at=row.queued_at,
                attempts=row.attempts,
            )
            for row in rows
        ]

    def _set(self, message_id: UUID, **values: object) -> None:
        t = outbound_messages.c
        self._connection.execute(
            sql_update(outbound_messages)
            .where(t.id == str(message_id), t.status == QUEUED)
            .values(**values)
        )

    def sent(self, message_id: UUID, at: datetime) -> None:
        self._set(message_id, status=SENT, done_at=at)

    def failed(self, message_id: UUID, *, retry_at: datetime, error: str) -> None:
        attempts = outbound_messages.c.attempts + 1
        self._set(message_id, due_at=retry_at, attempts=attempts, last_error=error[:80])

    def withheld(self, message_id: UUID, *, at: datetime, reason: str) -> None:
        self._set(message_id, status=WITHHELD, done_at=at, outcome=reason[:40])

    def forget_done(self, before: datetime) -> int:
        t = outbound_messages.c
        done = delete(outbound_messages).where(t.status != QUEUED, t.done_at < before)
        return int(self._connection.execute(done).rowcount)

    def counts(self, kind: MessageKind, ref: str) -> Mapping[str, int]:
        t = outbound_messages.c
        rows = self._connection.execute(
            select(t.status, t.outcome, func.count())
            .where(t.kind == kind.value, t.ref == ref)
            .group_by(t.status, t.outcome)
        )
        found: dict[str, int] = {}
        for status, outcome, count in rows:
            key = status if status != WITHHELD or not outcome else f"{WITHHELD}:{outcome}"
            found[key] = found.get(key, 0) + int(count)
        return found


UNLINK = rows_of_subject(outbound_messages)
