"""Erased callers' numbers, as keyed digests per tenant, on SQLAlchemy Core.

One row per (tenant, digest): the digest of an erased number's (or agent id's) blind index
under the tenant's own derived key (`services.processing.erased_numbers`), when it was last erased
(the next whole hour after it), and the day after which the row is no longer needed. No subject
reference, no number, no blind index, no other record's time: nothing to join.
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

from dataward.adapters.sql.engine import in_chunks
from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.types import UTCDateTime

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
        for chunk in in_chunks(digests):
            rows = self._connection.execute(
                select(erased_numbers.c.digest, erased_numbers.c.erased_at).where(
                    erased_numbers.c.tenant_id == tenant_id, erased_numbers.c.digest.in_(chunk)
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
