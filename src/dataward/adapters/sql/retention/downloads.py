"""Expired download links as the retention sweep counts and deletes them.

A link expired by the bound goes whole: its row, with the keyed hash of its token, its file
name, the reference to its subject and request, and its sealed package if it still holds one.
The package is sealed under the link's own key, which the caller destroys once the batch has
committed (the ids are returned for it): a copy of the row left anywhere (a dead row version
on PostgreSQL until vacuum, SQLite's write-ahead log while a reader holds it, a backup) then
opens with nothing. A package sealed before links had keys is under its subject's key, which
stays: deleting it is its end (on SQLite the freed pages are overwritten, `secure_delete`, and
the caller folds the write-ahead log, saying whether it could). A package is never written to
a file: it is rendered in memory and stored sealed in this row only.
An expiry never moves, so no link stops being due; a link used meanwhile is still expired.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import Connection, delete, func, select

from dataward.adapters.sql.rights.downloads import access_downloads
from dataward.services.retention.ports import Due, Removed

_c = access_downloads.c


def count_expired(connection: Connection, bound: datetime) -> Due:
    row = connection.execute(
        select(func.count(), func.min(_c.expires_at)).where(_c.expires_at <= bound)
    ).one()
    return Due(int(row[0]), _day(row[1]))


def delete_expired(
    connection: Connection, bound: datetime, limit: int
) -> tuple[Removed, list[str]]:
    """Delete up to `limit` links expired by `bound`, those that expired first first; the
    batch, and the ids of the links deleted (whose keys go once it has committed)."""
    oldest_first = (
        select(_c.id).where(_c.expires_at <= bound).order_by(_c.expires_at, _c.id).limit(limit)
    )
    rows = connection.execute(
        delete(access_downloads)
        .where(_c.id.in_(oldest_first.scalar_subquery()), _c.expires_at <= bound)
        .returning(_c.id, _c.expires_at)
    ).all()
    if not rows:
        return Removed(0, 0, None), []
    ids = sorted(uuid.UUID(str(link_id)).bytes for link_id, _expiry in rows)
    removed = Removed.of(ids, _day(min(expiry for _id, expiry in rows)))
    return removed, sorted(str(link_id) for link_id, _expiry in rows)


def _day(value: object) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite's min() of a stored time, as text
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise TypeError("not a time")
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).date()
