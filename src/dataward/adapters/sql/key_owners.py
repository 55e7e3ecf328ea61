"""Which key ids of the key store name a live record of the main database.

A data key is named by what it seals: a subject (its identifiers, an access package), a rights
request (the requester's contact details), a quarantined line still pending (or, before lines
had keys of their own, an ingest's quarantine). The key sweep asks this of the keys of a batch
whose process died, and destroys the rest: a resolved line's key is owned by nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select, union_all

from dataward.adapters.sql.call_tables import call_quarantine, ingests
from dataward.adapters.sql.requests import rights_requests
from dataward.adapters.sql.vault_tables import subjects

_CHUNK = 500


class SqlKeyOwnerRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def owned(self, key_ids: Sequence[str]) -> set[str]:
        """The ids among these that name a live subject, a rights request, a pending
        quarantined line or an ingest's quarantine (an erased subject's tombstone owns no key,
        nor does a resolved line)."""
        found: set[str] = set()
        ids = list(dict.fromkeys(key_ids))
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            query = union_all(
                select(subjects.c.id.label("key_id")).where(subjects.c.id.in_(chunk)),
                select(rights_requests.c.id.label("key_id")).where(rights_requests.c.id.in_(chunk)),
                select(ingests.c.quarantine_key.label("key_id")).where(
                    ingests.c.quarantine_key.in_(chunk)
                ),
                select(call_quarantine.c.key_id.label("key_id")).where(
                    call_quarantine.c.key_id.in_(chunk), call_quarantine.c.resolved_at.is_(None)
                ),
            )
            found.update(str(row.key_id) for row in self._connection.execute(query))
        return found
