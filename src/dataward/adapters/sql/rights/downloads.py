"""Download links of access and portability packages: a keyed hash of each token, the package
sealed under a data key of the link's own (named by the link's id; a link made before links had
keys has its package under its subject's key), and single use held by one conditional UPDATE.

`claim` marks a link used only if it is unused, unexpired and still holds its package, in one
statement: of two redemptions racing for the same link the database lets exactly one change
the row (PostgreSQL re-checks the condition after the first one's lock is released; SQLite
serialises writers), so the other changes nothing and is refused. The sealed package is cleared
in the same transaction, so a used (or expired) link keeps no copy; the caller destroys the
link's key once that transaction has committed, and once a link is deleted (retention, erasure
of its subject, a withdrawn link), so a copy of its row anywhere (a dead row version, a
write-ahead log, a backup) opens with nothing. The link's row owns its key
(`registry.key_owners`) for as long as it exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Column,
    Connection,
    LargeBinary,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)

from dataward.adapters.sql.engine import in_chunks
from dataward.adapters.sql.leases import subject_there
from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.types import UTCDateTime
from dataward.adapters.sql.unlink import RegisteredStep
from dataward.services.rights.download_ports import NewDownload

access_downloads = Table(
    "access_downloads",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("request_id", String(36), nullable=False, index=True),
    Column("subject_id", String(36), nullable=True, index=True),
    Column("kind", String(16), nullable=False),
    Column("token_hash", LargeBinary(32), nullable=False, unique=True),
    Column("filename", String(100), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("used_at", UTCDateTime(), nullable=True),
    Column("package_ciphertext", LargeBinary, nullable=True),
    comment="Single-use download links of access and portability packages: keyed token hash "
    "only; the package sealed under the subject's key, cleared once used or expired.",
)


@dataclass(frozen=True, slots=True)
class StoredDownload:
    id: str
    request_id: str
    subject_id: str | None
    kind: str
    filename: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    has_package: bool


class SqlDownloadRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, download: NewDownload) -> None:
        subject_there(self._connection, download.subject_id)
        self._connection.execute(
            insert(access_downloads).values(
                id=download.download_id,
                request_id=download.request_id,
                subject_id=download.subject_id,
                kind=download.kind,
                token_hash=download.token_hash,
                filename=download.filename,
                created_at=download.created_at,
                expires_at=download.expires_at,
                package_ciphertext=download.package,
            )
        )

    def by_hash(self, token_hash: bytes) -> StoredDownload | None:
        c = access_downloads.c
        row = self._connection.execute(
            select(
                c.id,
                c.request_id,
                c.subject_id,
                c.kind,
                c.filename,
                c.created_at,
                c.expires_at,
                c.used_at,
                c.package_ciphertext.is_not(None).label("has_package"),
            ).where(c.token_hash == token_hash)
        ).first()
        if row is None:
            return None
        return StoredDownload(
            id=row.id,
            request_id=row.request_id,
            subject_id=row.subject_id,
            kind=row.kind,
            filename=row.filename,
            created_at=row.created_at,
            expires_at=row.expires_at,
            used_at=row.used_at,
            has_package=bool(row.has_package),
        )

    def for_request(self, request_id: str) -> list[StoredDownload]:
        ids = self._connection.execute(
            select(access_downloads.c.token_hash)
            .where(access_downloads.c.request_id == request_id)
            .order_by(access_downloads.c.created_at)
        ).scalars()
        return [d for d in (self.by_hash(bytes(h)) for h in list(ids)) if d is not None]

    def claim(self, token_hash: bytes, at: datetime) -> bytes | None:
        """Mark the link used and hand over its sealed package, once: None when it was used,
        has expired or holds no package (another redemption won, or it was cleared)."""
        c = access_downloads.c
        result = self._connection.execute(
            update(access_downloads)
            .where(
                c.token_hash == token_hash,
                c.used_at.is_(None),
                c.expires_at > at,
                c.package_ciphertext.is_not(None),
            )
            .values(used_at=at)
        )
        if result.rowcount != 1:
            return None
        sealed = self._connection.execute(
            select(c.package_ciphertext).where(c.token_hash == token_hash)
        ).scalar_one()
        self._connection.execute(
            update(access_downloads)
            .where(c.token_hash == token_hash)
            .values(package_ciphertext=None)
        )
        return bytes(sealed)

    def clear_expired(self, at: datetime) -> list[str]:
        """Drop the sealed packages of links expired by `at`; the ids of the links cleared (the
        caller destroys their keys after its commit). The rows stay until the retention sweep
        deletes them (`adapters.sql.retention.downloads`)."""
        c = access_downloads.c
        rows = self._connection.execute(
            update(access_downloads)
            .where(c.expires_at <= at, c.package_ciphertext.is_not(None))
            .values(package_ciphertext=None)
            .returning(c.id)
        )
        return sorted(str(row[0]) for row in rows)

    def of_subjects(self, subject_ids: Sequence[str]) -> list[str]:
        """The ids of these subjects' links: read in an erasure's transaction before its unlink
        step deletes them, so their keys can be destroyed once it has committed."""
        found: list[str] = []
        for chunk in in_chunks(sorted(set(subject_ids))):
            found += self._connection.execute(
                select(access_downloads.c.id).where(access_downloads.c.subject_id.in_(chunk))
            ).scalars()
        return sorted(found)

    def of_requests(self, request_ids: Sequence[str]) -> list[str]:
        """The ids of these requests' links: read in the retention sweep's transaction around
        its deletion of the requests (which takes their links), so their keys are listed."""
        found: list[str] = []
        for chunk in in_chunks(sorted(set(request_ids))):
            found += self._connection.execute(
                select(access_downloads.c.id).where(access_downloads.c.request_id.in_(chunk))
            ).scalars()
        return sorted(found)

    def discard(self, download_id: str) -> None:
        self._connection.execute(
            delete(access_downloads).where(access_downloads.c.id == download_id)
        )


def _unlink_downloads(connection: Connection, subject_id: str, _at: datetime) -> int:
    """Shredding: the subject's links and packages go; their keys are destroyed after the
    erasure commits (`DownloadRepository.of_subjects`, read before), and a package sealed
    before links had keys goes with the subject's key."""
    result = connection.execute(
        delete(access_downloads).where(access_downloads.c.subject_id == subject_id)
    )
    return int(result.rowcount)


UNLINK = RegisteredStep("downloads", _unlink_downloads, (access_downloads.name,))
