"""Erased callers' numbers, as keyed digests per tenant, on SQLAlchemy Core.

One row per (tenant, digest): the digest of an erased number's blind index under the tenant's
own derived key (`services.erased_numbers`), when it was last erased, and the day after which
the row is no longer needed. No subject reference, no number, no blind index: nothing to join.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import (
    Column,
    Connection,
    Date,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)

from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.types import UTCDateTime
from dataward.adapters.sql.vault_tables import identifiers

_CHUNK = 500

erased_numbers = Table(
    "erased_numbers",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("digest", LargeBinary(16), nullable=False),
    Column("erased_at", UTCDateTime(), nullable=False),
    Column("keep_until", Date, nullable=False, index=True),
    PrimaryKeyConstraint("tenant_id", "digest", name="pk_erased_numbers"),
    comment="Keyed digests of callers' numbers erased per tenant, with when; until retention.",
)


class SqlErasedNumberRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def indexes_of(self, subject_id: str, scope: str, kind: str) -> list[bytes]:
        """The blind indexes of the subject's identifiers of `kind` in `scope`."""
        rows = self._connection.execute(
            select(identifiers.c.blind_index).where(
                identifiers.c.subject_id == subject_id,
                identifiers.c.scope == scope,
                identifiers.c.type == kind,
            )
        )
        return [bytes(r.blind_index) for r in rows]

    def add(
        self, tenant_id: str, digests: Sequence[bytes], *, at: datetime, keep_until: date
    ) -> int:
        """Record these numbers as erased at `at` (a number erased again moves to the later
        erasure); how many rows were written."""
        wanted = list(dict.fromkeys(digests))
        if not wanted:
            return 0
        known = set(self.erased_at(tenant_id, wanted))
        if known:
            self._connection.execute(
                update(erased_numbers)
                .where(
                    erased_numbers.c.tenant_id == tenant_id,
                    erased_numbers.c.digest.in_(list(known)),
                )
                .values(erased_at=at, keep_until=keep_until)
            )
        fresh = [
            {"tenant_id": tenant_id, "digest": d, "erased_at": at, "keep_until": keep_until}
            for d in wanted
            if d not in known
        ]
        if fresh:
            self._connection.execute(insert(erased_numbers), fresh)
        return len(wanted)

    def any(self, tenant_id: str) -> bool:
        """Whether any number of the tenant was erased (and is still remembered)."""
        row = self._connection.execute(
            select(erased_numbers.c.digest).where(erased_numbers.c.tenant_id == tenant_id).limit(1)
        ).first()
        return row is not None

    def erased_since(self, tenant_id: str, since: datetime) -> bool:
        """Whether any number of the tenant was erased at or after `since`."""
        row = self._connection.execute(
            select(erased_numbers.c.digest)
            .where(erased_numbers.c.tenant_id == tenant_id, erased_numbers.c.erased_at >= since)
            .limit(1)
        ).first()
        return row is not None

    def erased_at(self, tenant_id: str, digests: Sequence[bytes]) -> dict[bytes, datetime]:
        """digest -> when it was last erased, for those of these digests that were."""
        found: dict[bytes, datetime] = {}
        for start in range(0, len(digests), _CHUNK):
            rows = self._connection.execute(
                select(erased_numbers.c.digest, erased_numbers.c.erased_at).where(
                    erased_numbers.c.tenant_id == tenant_id,
                    erased_numbers.c.digest.in_(list(digests[start : start + _CHUNK])),
                )
            )
            found.update({bytes(r.digest): r.erased_at for r in rows})
        return found

    def expire(self, *, before: date) -> int:
        """Delete the rows kept until a day before `before`; how many."""
        result = self._connection.execute(
            delete(erased_numbers).where(erased_numbers.c.keep_until < before)
        )
        return int(result.rowcount)
