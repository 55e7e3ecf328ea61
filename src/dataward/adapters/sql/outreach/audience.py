"""What a campaign's audience is judged on, read in bulk: one streaming query for the many
(each candidate with its latest consent on the campaign's channel and the blind indexes of its
addresses), and the records few people have (restrictions, objections, holds, soft opt-ins)
read whole, once.

A candidate is one of our own live subjects of the purpose's kinds. On SQLite the consent is a
correlated look-up through the ledger's subject index, the addresses a join through theirs; on
PostgreSQL the latest consents and the identifiers are aggregated per subject and joined by
hash, one row per subject, through a server-side cursor.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from hashlib import sha256
from typing import Any

from sqlalchemy import Connection, func, select

from dataward.adapters.sql.engine import in_chunks
from dataward.adapters.sql.outreach.marketing import basis_of, marketing_bases
from dataward.adapters.sql.processing.consent import (
    objection_of,
    objections,
    restriction_of,
    restrictions,
)
from dataward.adapters.sql.processing.erasure_tables import (
    erasure_holds,
    hold_of,
    marketing_suppressions,
)
from dataward.domain.processing.suppression import suppression_prefixes
from dataward.services.marketing.ports import AudienceQuery, AudienceRow, FewRecords

_SQLITE = """
SELECT s.id, s.kind, s.birth_date, {created},
  (SELECT e.state FROM consent_events AS e
   WHERE e.subject_id = s.id AND e.purpose = :purpose AND e.channel = :channel AND e.at <= :at
   ORDER BY e.at DESC, e.id DESC LIMIT 1),
  i.type, i.blind_index
FROM subjects AS s
LEFT JOIN identifiers AS i
  ON i.subject_id = s.id AND +i.scope = '' AND +i.type IN ({types})
WHERE s.tenant_id IS NULL AND s.status = 'active' AND s.kind IN ({kinds})
ORDER BY s.id
"""
"""The unary `+` keeps SQLite's planner off the look-up index on scope and type, which it would
otherwise walk whole for every subject: each subject's identifiers come by its own index. The
order by subject keeps each subject's rows together whatever plan is chosen."""

_POSTGRES = """
SELECT s.id, s.kind, s.birth_date, {created}, c.state,
  coalesce(a.has_address, false), coalesce(a.suppressed, false)
FROM subjects AS s
LEFT JOIN (
  SELECT DISTINCT ON (subject_id COLLATE "C") subject_id, state FROM consent_events
  WHERE purpose = %(purpose)s AND channel = %(channel)s AND at <= %(at)s
  ORDER BY subject_id COLLATE "C", at DESC, id DESC
) AS c ON c.subject_id = s.id
LEFT JOIN (
  SELECT i.subject_id, bool_or(i.type = %(address)s) AS has_address,
    bool_or(m.digest IS NOT NULL) AS suppressed
  FROM identifiers AS i
  LEFT JOIN marketing_suppressions AS m
    ON m.digest = sha256(CASE i.type {prefixes} END || i.blind_index)
  WHERE i.scope = '' AND i.type IN ({types})
  GROUP BY i.subject_id
) AS a ON a.subject_id = s.id
WHERE s.tenant_id IS NULL AND s.status = 'active' AND s.kind IN ({kinds})
"""
"""One row per subject, nothing sorted but the ledger: its latest consent, and whether it has an
address on the channel and one on the suppression list, each digest taken by the server
(`sha256(prefix || blind index)`, `domain.processing.suppression`)."""
_SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"
"""How SQLAlchemy keeps a time in SQLite (naive UTC text): what the ledger's times compare to."""


HELD_DIGESTS = 2_000_000
"""The longest suppression list SQLite's reading holds in memory whole (about 200 MB); a longer
one is asked a page at a time."""


def audience_pages(
    connection: Connection, query: AudienceQuery, page: int
) -> Iterator[list[AudienceRow]]:
    """Every candidate of `query`, `page` at a time: the driver's rows through one cursor (on
    PostgreSQL a server-side one), so a million candidates cost no more than their rows."""
    postgres = connection.dialect.name == "postgresql"
    prefixes = suppression_prefixes()
    values: dict[str, Any] = {
        "purpose": query.purpose,
        "channel": query.channel,
        "address": query.address,
    }
    kinds = _placeholders(values, "k", sorted(query.kinds), postgres=postgres)
    types = sorted({query.address, *prefixes})
    created = "s.created_at" if query.with_created else "NULL"  # read only when it matters
    at = query.at.astimezone(UTC)
    driver: Any = connection.connection.driver_connection
    if postgres:
        values["at"] = at
        for n, kind in enumerate(sorted(prefixes)):
            values[f"p{n}"] = prefixes[kind]
        cases = " ".join(f"WHEN '{kind}' THEN %(p{n})s" for n, kind in enumerate(sorted(prefixes)))
        sql = _POSTGRES.format(
            created=created,
            kinds=kinds,
            prefixes=cases,
            types=_placeholders(values, "t", types, postgres=True),
        )
        # plan for the whole result (hash joins), not for its first rows
        connection.exec_driver_sql("SET LOCAL cursor_tuple_fraction = 1.0")
        connection.exec_driver_sql("SET LOCAL work_mem = '256MB'")
        cursor = driver.cursor(name="dataward_audience")
    else:
        values["at"] = at.replace(tzinfo=None).strftime(_SQLITE_TIME)
        sql = _SQLITE.format(
            created=created, kinds=kinds, types=_placeholders(values, "t", types, postgres=False)
        )
        cursor = driver.cursor()
    try:
        cursor.execute(sql, values)
        if postgres:
            yield from _flagged(cursor, page)
        else:
            yield from _SqliteRows(connection, query.address, prefixes).pages(cursor, page)
    finally:
        cursor.close()


def _placeholders(values: dict[str, Any], prefix: str, items: list[str], *, postgres: bool) -> str:
    names = [f"{prefix}{n}" for n in range(len(items))]
    values.update(zip(names, items, strict=True))
    return ", ".join(f"%({name})s" if postgres else f":{name}" for name in names)


def _flagged(cursor: Any, page: int) -> Iterator[list[AudienceRow]]:
    """PostgreSQL's rows: one per subject, its flags worked out by the server."""
    while True:
        rows = cursor.fetchmany(page)
        if not rows:
            return
        yield [AudienceRow(*row) for row in rows]


class _SqliteRows:
    """SQLite's rows, one per identifier, made one per subject, with the flags worked out
    here: whether one of its identifiers is the channel's address, and whether one is on the
    suppression list (held whole, or asked a page at a time when too long to hold)."""

    def __init__(self, connection: Connection, address: str, prefixes: dict[str, bytes]) -> None:
        self.address, self.prefixes = address, prefixes
        found = connection.execute(select(func.count()).select_from(marketing_suppressions))
        held = int(found.scalar() or 0) <= HELD_DIGESTS
        self.connection = connection
        self.digests: set[bytes] | None = (
            {bytes(d) for (d,) in connection.execute(select(marketing_suppressions.c.digest))}
            if held
            else None
        )

    def pages(self, cursor: Any, page: int) -> Iterator[list[AudienceRow]]:
        pending: list[tuple[Any, list[tuple[str, bytes]]]] = []
        while True:
            rows = cursor.fetchmany(page)
            if not rows:
                break
            for subject_id, kind, born, created, consent, type_, index in rows:
                if pending and pending[-1][0][0] == subject_id:  # another identifier
                    pending[-1][1].append((type_, bytes(index)))
                    continue
                found = [] if type_ is None else [(type_, bytes(index))]
                pending.append(((subject_id, kind, born, created, consent), found))
            if len(pending) > page:  # the last may have more rows to come
                done, pending = pending[:-1], pending[-1:]
                yield self._rows(done)
        if pending:
            yield self._rows(pending)

    def _rows(self, subjects: list[tuple[Any, list[tuple[str, bytes]]]]) -> list[AudienceRow]:
        prefixes, address = self.prefixes, self.address
        digests = {
            key[0]: [
                sha256(prefixes[kind] + index).digest() for kind, index in found if kind in prefixes
            ]
            for key, found in subjects
        }
        listed = self.digests
        if listed is None:
            every = [d for found in digests.values() for d in found]
            listed = self._suppressed(every)
        rows = []
        for (subject_id, kind, born_text, created_text, consent), found in subjects:
            born, created = _from_text(born_text, created_text)  # SQLite keeps them as text
            rows.append(
                AudienceRow(
                    subject_id,
                    kind,
                    born,
                    created,
                    consent,
                    any(k == address for k, _i in found),
                    bool(listed) and any(d in listed for d in digests[subject_id]),
                )
            )
        return rows

    def _suppressed(self, digests: list[bytes]) -> set[bytes]:
        found: set[bytes] = set()
        column = marketing_suppressions.c.digest
        for chunk in in_chunks(digests):
            rows = self.connection.execute(select(column).where(column.in_(chunk)))
            found.update(bytes(d) for (d,) in rows)
        return found


def _from_text(born: str | None, created: str | None) -> tuple[date | None, datetime | None]:
    if born is None and created is None:
        return None, None
    return (
        date.fromisoformat(born) if born is not None else None,
        datetime.fromisoformat(created).replace(tzinfo=UTC) if created is not None else None,
    )


def few_records(connection: Connection) -> FewRecords:
    """The records few people have, each kind read whole: restrictions not lifted, objections
    decided, holds keeping an erasure partial, bases for marketing without consent. (A tenant's
    callers' come too; they are no candidates, so nothing asks for them.)"""
    found = FewRecords()
    for row in connection.execute(select(restrictions).where(restrictions.c.lifted_at.is_(None))):
        found.restrictions.setdefault(row.subject_id, []).append(restriction_of(row._mapping))
    for row in connection.execute(select(objections).where(objections.c.decided_at.is_not(None))):
        found.objections.setdefault(row.subject_id, []).append(objection_of(row._mapping))
    for row in connection.execute(select(erasure_holds)):
        found.holds[row.subject_id] = hold_of(row)
    for row in connection.execute(select(marketing_bases)):
        found.bases.setdefault(row.subject_id, []).append(basis_of(row))
    return found
