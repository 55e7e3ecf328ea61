"""Marketing suppression entries and erasures kept back by a legal hold, on SQLAlchemy Core.

`marketing_suppressions` holds only digests (`domain.processing.suppression`): no subject reference,
no date of birth, no name; an entry outlives the subject it came from, by design (Art. 21(3)).
`erasure_holds` holds one row per subject whose erasure was partial because a legal hold keeps
some of its records: what is kept, on which ground, and the date the full shred falls due
(NULL while an event it depends on is unknown). The shred removes the row (its unlink step).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import (
    Column,
    Connection,
    Date,
    LargeBinary,
    String,
    Table,
    delete,
    insert,
    select,
)

from dataward.adapters.sql.engine import in_chunks
from dataward.adapters.sql.leases import subject_there
from dataward.adapters.sql.registry.subjects import indexes_of_subject
from dataward.adapters.sql.registry.tables import identifiers
from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.types import UTCDateTime
from dataward.adapters.sql.unlink import RegisteredStep, UnlinkPlan
from dataward.domain.processing.legal_hold import ErasureHold

marketing_suppressions = Table(
    "marketing_suppressions",
    metadata,
    Column("digest", LargeBinary(32), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("source", String(32), nullable=False, comment="erasure or objection"),
    Column("created_at", UTCDateTime(), nullable=False),
    comment="Digests of suppressed e-mail addresses and phone numbers; nothing else.",
)

erasure_holds = Table(
    "erasure_holds",
    metadata,
    Column("subject_id", String(36), primary_key=True),
    Column("request_id", String(36), nullable=True),
    Column("ground", String(40), nullable=False),
    Column("categories", String(200), nullable=False, comment="Comma-separated category keys"),
    Column("delete_on", Date, nullable=True, index=True),
    Column("waiting_for", String(200), nullable=True, comment="Events whose dates are unknown"),
    Column("created_at", UTCDateTime(), nullable=False),
    comment="Erasures kept partial by a legal hold; the full shred is due on delete_on.",
)


class SqlSuppressionRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, entries: Iterable[tuple[bytes, str]], *, source: str, at: datetime) -> int:
        """Store (digest, kind) entries not yet stored; how many were new."""
        wanted = dict(entries)
        if not wanted:
            return 0
        known = self.suppressed(list(wanted))
        rows = [
            {"digest": d, "kind": k, "source": source, "created_at": at}
            for d, k in wanted.items()
            if d not in known
        ]
        if rows:
            self._connection.execute(insert(marketing_suppressions), rows)
        return len(rows)

    def suppressed(self, digests: Sequence[bytes]) -> set[bytes]:
        """Which of these digests are on the list."""
        if not digests:
            return set()
        rows = self._connection.execute(
            select(marketing_suppressions.c.digest).where(
                marketing_suppressions.c.digest.in_(list(digests))
            )
        )
        return {bytes(r.digest) for r in rows}

    def indexes_of(
        self, subject_id: str, scope: str, kinds: Sequence[str]
    ) -> list[tuple[str, bytes]]:
        """(kind, blind index) of the subject's identifiers of `kinds` in `scope`."""
        return indexes_of_subject(self._connection, subject_id, scope, set(kinds))


class SqlHoldRepository:
    def __init__(self, connection: Connection, unlink: UnlinkPlan = ()) -> None:
        self._connection = connection
        self._unlink = unlink

    def add(self, hold: ErasureHold) -> None:
        subject_there(self._connection, hold.subject_id)
        self._connection.execute(
            delete(erasure_holds).where(erasure_holds.c.subject_id == hold.subject_id)
        )
        self._connection.execute(
            insert(erasure_holds).values(
                subject_id=hold.subject_id,
                request_id=hold.request_id,
                ground=hold.ground,
                categories=",".join(hold.categories),
                delete_on=hold.delete_on,
                waiting_for=",".join(hold.waiting_for) or None,
                created_at=hold.created_at,
            )
        )

    def get(self, subject_id: str) -> ErasureHold | None:
        row = self._connection.execute(
            select(erasure_holds).where(erasure_holds.c.subject_id == subject_id)
        ).first()
        return None if row is None else hold_of(row)

    def get_many(self, subject_ids: Sequence[str]) -> dict[str, ErasureHold]:
        found: dict[str, ErasureHold] = {}
        for chunk in in_chunks(sorted(set(subject_ids))):
            rows = self._connection.execute(
                select(erasure_holds).where(erasure_holds.c.subject_id.in_(chunk))
            )
            found.update({row.subject_id: hold_of(row) for row in rows})
        return found

    def due(self, on: date) -> list[ErasureHold]:
        """Holds whose end date has come (on or before `on`), oldest first."""
        rows = self._connection.execute(
            select(erasure_holds)
            .where(erasure_holds.c.delete_on.is_not(None), erasure_holds.c.delete_on <= on)
            .order_by(erasure_holds.c.delete_on, erasure_holds.c.subject_id)
        )
        return [hold_of(r) for r in rows]

    def undated(self) -> list[ErasureHold]:
        """Holds still waiting for a date (an event not known yet)."""
        rows = self._connection.execute(
            select(erasure_holds).where(erasure_holds.c.delete_on.is_(None))
        )
        return [hold_of(r) for r in rows]

    def delete_identifiers(self, subject_id: str, kinds: Sequence[str]) -> int:
        """Delete the subject's identifiers of `kinds` (with their blind indexes)."""
        if not kinds:
            return 0
        result = self._connection.execute(
            delete(identifiers).where(
                identifiers.c.subject_id == subject_id, identifiers.c.type.in_(list(kinds))
            )
        )
        return int(result.rowcount)

    def unlink_except(
        self, subject_id: str, at: datetime, keep: Sequence[str] = ()
    ) -> dict[str, int]:
        """Run every store's unlink step for the subject but those named in `keep`."""
        return {
            step.name: step.step(self._connection, subject_id, at)
            for step in self._unlink
            if step.name not in keep and step.name != erasure_holds.name
        }


def hold_of(row: object) -> ErasureHold:
    mapping = row._mapping  # type: ignore[attr-defined]
    return ErasureHold(
        subject_id=mapping["subject_id"],
        request_id=mapping["request_id"],
        ground=mapping["ground"],
        categories=tuple(c for c in mapping["categories"].split(",") if c),
        delete_on=mapping["delete_on"],
        waiting_for=tuple(w for w in (mapping["waiting_for"] or "").split(",") if w),
        created_at=mapping["created_at"],
    )


def _unlink_hold(connection: Connection, subject_id: str, _at: datetime) -> int:
    """The full shred: the hold has served its purpose."""
    result = connection.execute(
        delete(erasure_holds).where(erasure_holds.c.subject_id == subject_id)
    )
    return int(result.rowcount)


HOLD_UNLINK = RegisteredStep(erasure_holds.name, _unlink_hold, (erasure_holds.name,))


supplementary_statements = Table(
    "supplementary_statements",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("subject_id", String(36), nullable=False, index=True),
    Column("request_id", String(36), nullable=True),
    Column("ciphertext", LargeBinary, nullable=False, comment="Sealed under the subject's key"),
    Column("created_at", UTCDateTime(), nullable=False),
    comment="Supplementary statements a person added to their data (Art. 16), encrypted.",
)


class SqlStatementRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(
        self,
        *,
        statement_id: str,
        subject_id: str,
        request_id: str | None,
        ciphertext: bytes,
        at: datetime,
    ) -> None:
        subject_there(self._connection, subject_id)
        self._connection.execute(
            insert(supplementary_statements).values(
                id=statement_id,
                subject_id=subject_id,
                request_id=request_id,
                ciphertext=ciphertext,
                created_at=at,
            )
        )

    def of(self, subject_id: str) -> list[bytes]:
        rows = self._connection.execute(
            select(supplementary_statements.c.ciphertext)
            .where(supplementary_statements.c.subject_id == subject_id)
            .order_by(supplementary_statements.c.created_at)
        )
        return [bytes(r.ciphertext) for r in rows]


def _unlink_statements(connection: Connection, subject_id: str, _at: datetime) -> int:
    table = supplementary_statements
    return int(connection.execute(delete(table).where(table.c.subject_id == subject_id)).rowcount)


STATEMENT_UNLINK = RegisteredStep(
    supplementary_statements.name, _unlink_statements, (supplementary_statements.name,)
)
