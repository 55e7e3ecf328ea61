"""The port of the quarantine: bad lines sealed under keys of their own, with the blind indexes
of whoever they could name. Split from `call_ports` by concept; `ports` re-exports it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

__all__ = [
    "BY_FIELDS",
    "BY_LINE",
    "DISCARDED",
    "ERASED",
    "REPLAYED",
    "NewQuarantineLine",
    "QuarantineRepository",
    "QuarantinedLine",
]

REPLAYED = "replayed"
DISCARDED = "discarded"
EXPIRED = "expired"
"""A line emptied by the retention sweep: kept past the tenant's call retention, uncorrected."""
ERASED = "erased"
"""A line emptied because it named a person being erased (or stored so, from the start,
because it named a number the tenant's erased-number record remembers)."""

BY_FIELDS = "fields"
"""A line of its format's shape, indexed only from the fields that can name someone."""
BY_LINE = "line"
"""A line of no shape its format knows (or a header row), indexed from anywhere in it."""


@dataclass(frozen=True, slots=True)
class NewQuarantineLine:
    """A bad line (or a file's header row) as ingest hands it over: sealed under `key_id`,
    with the blind indexes of every party it could name."""

    ingest_id: int
    tenant_id: str
    line: int
    reason: str
    key_id: str | None
    ciphertext: bytes
    parties: frozenset[bytes]
    created_at: datetime
    header: bool = False
    parties_from: str = BY_LINE
    """Where its parties were read: `BY_FIELDS` or `BY_LINE`."""
    erased: bool = False
    """Stored as erased from the start: no ciphertext, no key, no index."""


@dataclass(frozen=True, slots=True)
class QuarantinedLine:
    id: int
    ingest_id: int
    tenant_id: str
    line: int
    reason: str
    raw_ciphertext: bytes
    created_at: datetime
    resolved_at: datetime | None
    resolution: str | None
    key_id: str | None
    """The line's own key; None once destroyed, or for a line sealed under its ingest's key
    before the upgrade re-sealed it."""
    header: bool
    parties_from: str | None = None
    """`BY_FIELDS` or `BY_LINE`; None for a line indexed before lines of a known shape were
    indexed from their fields, until the upgrade indexes it again."""


class QuarantineRepository(Protocol):
    def add(self, lines: Sequence[NewQuarantineLine]) -> list[int]:
        """Store the lines and their party indexes; their ids, in order."""
        ...

    def lines(
        self,
        tenant_id: str,
        *,
        ingest_id: int | None = None,
        include_resolved: bool = False,
        naming: Sequence[bytes] = (),
    ) -> list[QuarantinedLine]:
        """The tenant's quarantined lines (not header rows), by ingest and line; with `naming`,
        only those carrying one of these blind indexes."""
        ...

    def header(self, ingest_id: int) -> QuarantinedLine | None:
        """The ingest's header row, while it is kept."""
        ...

    def has_any(self, ingest_id: int) -> bool:
        """Whether the ingest ever quarantined anything."""
        ...

    def resolve(self, ids: Sequence[int], *, at: datetime, resolution: str) -> int:
        """Empty the pending lines among `ids` and delete their indexes; with them, the header
        row of every ingest left with no pending line. How many lines were resolved."""
        ...

    def close_ingest(self, ingest_id: int, *, at: datetime, resolution: str) -> int:
        """Resolve the ingest's header row if no line of it is pending (an ingest whose lines
        were all erased); 1 if it did."""
        ...

    def naming_subject(self, subject_id: str) -> list[QuarantinedLine]:
        """Pending lines carrying a blind index of one of the subject's identifiers."""
        ...

    def subjects_indexed(self, indexes: Iterable[bytes]) -> dict[bytes, str]:
        """blind index -> the live subject it identifies, for those of these that do."""
        ...

    def erased_subjects_since(self, since: datetime) -> set[str]:
        """Subjects erased at or after `since`."""
        ...

    def pending_indexes(self, ingest_id: int) -> list[tuple[int, bytes]]:
        """(line id, blind index) of the ingest's pending lines."""
        ...

    def released_keys(self, limit: int) -> list[str]:
        """Keys of resolved lines not yet destroyed (at most `limit`)."""
        ...

    def forget_keys(self, key_ids: Sequence[str]) -> None:
        """These keys are destroyed: their lines no longer name them."""
        ...

    def legacy_ingests(self) -> list[int]:
        """Ingests whose lines were sealed under one key of the ingest (before per-line keys)."""
        ...

    def legacy_lines(self, ingest_id: int) -> list[QuarantinedLine]:
        """The ingest's pending lines still sealed under its key."""
        ...

    def reseal(
        self,
        line_id: int,
        key_id: str,
        ciphertext: bytes,
        parties: Iterable[bytes],
        parties_from: str,
    ) -> None:
        """A line sealed anew under a key of its own, with its party indexes."""
        ...

    def unindexed(self, limit: int) -> list[QuarantinedLine]:
        """Pending lines indexed before lines were indexed from their fields (at most
        `limit`), by ingest."""
        ...

    def reindex(self, line_id: int, parties: Iterable[bytes], parties_from: str) -> None:
        """The line's party indexes replaced, and where they were read."""
        ...

    def drop_legacy_header(self, ingest_id: int) -> None:
        """The ingest's header, as it was kept before header rows, goes."""
        ...

    def forget_legacy_key(self, ingest_id: int) -> None:
        """The ingest's key is destroyed: nothing is sealed under it any more."""
        ...
