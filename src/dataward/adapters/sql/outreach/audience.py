"""What a campaign's audience is judged on, read in bulk: one streaming query for the many
(each candidate with its latest consent on the campaign's channel and the blind indexes of its
addresses), and the records few people have (restrictions, objections, holds, soft opt-ins)
read whole, once.

A candidate is one of our own live subjects of the purpose's kinds. On SQLite the consent is a
correlated look-up through the ledger's subject index, the addresses a join through theirs; on
PostgreSQL the latest consents come from one `DISTINCT ON` pass joined by hash, and the rows
through a server-side cursor. Either way a subject's rows come together, in id order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    LargeBinary,
    String,
    bindparam,
    column,
    select,
    text,
)

from dataward.adapters.sql.outreach.marketing import basis_of, marketing_bases
from dataward.adapters.sql.processing.consent import (
    objection_of,
    objections,
    restriction_of,
    restrictions,
)
from dataward.adapters.sql.processing.erasure_tables import erasure_holds, hold_of
from dataward.adapters.sql.registry.tables import subjects
from dataward.adapters.sql.types import UTCDateTime
from dataward.services.marketing.ports import AudienceQuery, AudienceRow, FewRecords

_CONSENT_SQLITE = """
SELECT s.id, s.kind, s.birth_date, {created} AS created_at,
  (SELECT e.state FROM consent_events AS e
   WHERE e.subject_id = s.id AND e.purpose = :purpose AND e.channel = :channel AND e.at <= :at
   ORDER BY e.at DESC, e.id DESC LIMIT 1) AS consent,
  i.type, i.blind_index
FROM subjects AS s
LEFT JOIN identifiers AS i
  ON i.subject_id = s.id AND i.scope = '' AND i.type IN :types
WHERE s.tenant_id IS NULL AND s.status = 'active' AND s.kind IN :kinds
ORDER BY s.id
"""

_CONSENT_PG = """
SELECT s.id, s.kind, s.birth_date, {created} AS created_at, c.state AS consent, i.type,
  i.blind_index
FROM subjects AS s
LEFT JOIN (
  SELECT DISTINCT ON (subject_id) subject_id, state FROM consent_events
  WHERE purpose = :purpose AND channel = :channel AND at <= :at
  ORDER BY subject_id, at DESC, id DESC
) AS c ON c.subject_id = s.id
LEFT JOIN identifiers AS i
  ON i.subject_id = s.id AND i.scope = '' AND i.type IN :types
WHERE s.tenant_id IS NULL AND s.status = 'active' AND s.kind IN :kinds
ORDER BY s.id
"""


def audience_pages(
    connection: Connection, query: AudienceQuery, page: int
) -> Iterator[list[AudienceRow]]:
    """Every candidate of `query`, `page` at a time, in id order."""
    postgres = connection.dialect.name == "postgresql"
    sql = (_CONSENT_PG if postgres else _CONSENT_SQLITE).format(
        created="s.created_at" if query.with_created else "NULL"  # read only when it matters
    )
    statement = (
        text(sql)
        .bindparams(
            bindparam("types", expanding=True),
            bindparam("kinds", expanding=True),
            bindparam("at", type_=UTCDateTime()),
        )
        .columns(
            column("id", String),
            column("kind", String),
            column("birth_date", Date),
            column("created_at", UTCDateTime()),
            column("consent", String),
            column("type", String),
            column("blind_index", LargeBinary),
        )
    )
    values = {
        "purpose": query.purpose,
        "channel": query.channel,
        "at": query.at,
        "types": sorted(query.address_kinds),
        "kinds": sorted(query.kinds),
    }
    if postgres:  # a server-side cursor for this statement alone
        statement = statement.execution_options(stream_results=True, max_row_buffer=page)
    rows = connection.execute(statement, values)
    pending: list[AudienceRow] = []
    current: list[Any] | None = None
    addresses: list[tuple[str, bytes]] = []
    for row in rows:
        if current is None or row[0] != current[0]:
            if current is not None:
                pending.append(_row(current, addresses))
                if len(pending) >= page:
                    yield pending
                    pending = []
            current, addresses = list(row), []
        if row[5] is not None:
            addresses.append((row[5], bytes(row[6])))
    if current is not None:
        pending.append(_row(current, addresses))
    if pending:
        yield pending


def _row(row: Sequence[Any], addresses: list[tuple[str, bytes]]) -> AudienceRow:
    return AudienceRow(row[0], row[1], row[2], row[3], row[4], tuple(addresses))


def few_records(connection: Connection) -> FewRecords:
    """The records few of our own people have, each kind read whole (callers' left out)."""
    ours = select(subjects.c.id).where(subjects.c.tenant_id.is_(None))
    found = FewRecords()
    for row in connection.execute(
        select(restrictions).where(
            restrictions.c.lifted_at.is_(None), restrictions.c.subject_id.in_(ours)
        )
    ):
        found.restrictions.setdefault(row.subject_id, []).append(restriction_of(row._mapping))
    for row in connection.execute(
        select(objections).where(
            objections.c.decided_at.is_not(None), objections.c.subject_id.in_(ours)
        )
    ):
        found.objections.setdefault(row.subject_id, []).append(objection_of(row._mapping))
    for row in connection.execute(
        select(erasure_holds).where(erasure_holds.c.subject_id.in_(ours))
    ):
        found.holds[row.subject_id] = hold_of(row)
    for row in connection.execute(select(marketing_bases)):
        found.bases.setdefault(row.subject_id, []).append(basis_of(row))
    return found
