"""The ports of the call store: the parser of a telephony format, the call repository, and
the anonymous rollups. Split from `ports` by concept; `ports` re-exports them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol, TextIO
from zoneinfo import ZoneInfo

from dataward.domain.calls.acd import Tally
from dataward.domain.calls.records import StoredCall
from dataward.domain.calls.telephony import ParsedItem

__all__ = ["CallRepository", "NewIngest", "Parser", "RollupRepository"]


@dataclass(frozen=True, slots=True)
class NewIngest:
    """An ingest as it starts: whose, what format, who runs it, and what it reads (a label is
    given once its id is known; the file's name only as a keyed digest)."""

    tenant_id: str
    format: str
    actor: str
    at: datetime
    source: str = ""
    source_digest: bytes | None = None
    replay_of: int | None = None


class Parser(Protocol):
    """A telephony file format: a name, a sniffer, and a streaming reader (adapters.ingest)."""

    name: str
    """The format's name as `--format` takes it, e.g. `asterisk-cdr-csv`."""

    def sniff(self, head: list[str]) -> float:
        """Confidence from 0 to 1 that these first lines (at most 20) are this format."""
        ...

    def parse(
        self, stream: TextIO, *, source: str, tz: ZoneInfo, now: datetime | None = None
    ) -> Iterator[ParsedItem]:
        """Stream the records; `tz` is the zone of timestamps written without one, `now` the
        ingest's time (from its clock), which no record may be more than a day after."""
        ...

    def is_header(self, line: str) -> bool:
        """Whether this first line of a file is a header row the format skips (kept with a
        quarantine, so that corrected lines can be read again); a call record is not."""
        ...

    def agent_fields(self, raw: str) -> Sequence[str]:
        """For a line this parser could not read: the fields where its format puts agent ids,
        as they are written (none where the format has no agent field, or the line is too
        broken to tell), so that erasing an agent reaches the line."""
        ...

    def party_fields(self, raw: str) -> Sequence[str] | None:
        """For a line this parser could not read that has the format's shape (the number of
        fields its format writes): every field that could name someone (numbers, names,
        agents, channels, free text), as written, leaving out those the format fills with
        times, durations and ids, whose digits would read as someone's number. None when the
        line's shape is not the format's: then the whole line is searched."""
        ...


class CallRepository(Protocol):
    """The call store: pseudonymised calls, the ingests that brought them, the quarantine."""

    def start_ingest(self, new: NewIngest) -> int:
        """Record an ingest as it starts; its id."""
        ...

    def add_ingest_counts(
        self, ingest_id: int, *, calls_read: int, stored: int, duplicates: int, bad: int
    ) -> None: ...

    def label_ingest(self, ingest_id: int, label: str) -> None:
        """Name the ingest by its neutral label once its id is known."""
        ...

    def ingests_named(self, tenant_id: str, source_digest: bytes) -> Sequence[Any]:
        """The tenant's ingests of a file whose name has this keyed digest."""
        ...

    def ingests_of(self, tenant_id: str, *, limit: int) -> Sequence[Any]:
        """The tenant's latest `limit` ingests, newest first."""
        ...

    def finish_ingest(self, ingest_id: int, at: datetime) -> None: ...

    def ingest(self, ingest_id: int) -> Any: ...

    def prepare_months(self, months: Iterable[tuple[int, int]]) -> None: ...

    def share_tenant(self, tenant_id: str) -> None:
        """Hold the tenant's lock shared for the transaction (an ingest): the sweep's erasure
        of the tenant's callers holds it exclusively."""
        ...

    def existing_keys(
        self, tenant_id: str, keys: Sequence[tuple[datetime, bytes]]
    ) -> set[bytes]: ...

    def prepare_bulk(self) -> None: ...

    def refresh_statistics(self, months: Iterable[tuple[int, int]]) -> None: ...

    def unlink_erased(self, ingest_id: int, *, since: datetime) -> int:
        """Null this ingest's references to subjects erased at or after `since`."""
        ...

    def end_bulk(self) -> None: ...

    def add_calls(self, rows: Sequence[StoredCall]) -> None: ...

    def add_call_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Bulk path: tuples in the store's column order (adapters.sql.calls.store.CALL_COLUMNS)."""
        ...

    def linked_calls(self, tenant_id: str, link_keys: Sequence[bytes]) -> dict[bytes, StoredCall]:
        """link key -> the call it belongs to, for the keys the tenant's store holds."""
        ...

    def add_links(
        self, rows: Sequence[tuple[str, bytes, datetime, bytes]], *, new: bool = False
    ) -> None:
        """(tenant, link key, call start, call source key); a link already held is kept.
        `new`: every key was looked up in this transaction and not found (`linked_calls`)."""
        ...

    def update_calls(self, rows: Sequence[StoredCall]) -> None:
        """Write the facts of calls already stored (a record joined into them)."""
        ...

    def calls_of(self, tenant_id: str, subject_id: str) -> Sequence[StoredCall]: ...

    def count_calls(self, tenant_id: str) -> int: ...

    def iter_calls(
        self, tenant_id: str, start: datetime | None = None, end: datetime | None = None
    ) -> Iterator[StoredCall]: ...


class RollupRepository(Protocol):
    """Anonymous tallies of queue calls per tenant, queue, grain and bucket."""

    def for_update(
        self, tenant_id: str, cells: Iterable[tuple[str, str, str]]
    ) -> dict[tuple[str, str, str], Tally]: ...

    def save(
        self,
        tenant_id: str,
        cells: dict[tuple[str, str, str], Tally],
        existing: set[tuple[str, str, str]],
    ) -> None: ...

    def read(
        self, tenant_id: str, grain: str, first: str | None = None, last: str | None = None
    ) -> Iterator[tuple[str, str, Tally]]: ...


@dataclass(frozen=True, slots=True)
class NewRelease:
    """A report released with noise, for the privacy-budget ledger."""

    tenant_id: str
    at: datetime
    actor: str
    report: str
    first: date | None
    last: date | None
    epsilon: float
    cells: int


class ReleaseRepository(Protocol):
    def add(self, release: NewRelease) -> None: ...

    def lock(self, tenant_id: str) -> None:
        """Serialise the tenant's releases to the end of the transaction."""
        ...

    def spent(self, tenant_id: str, since: datetime | None = None) -> float:
        """The budget spent on the tenant's data (since then), summed over its releases."""
        ...


class Noise(Protocol):
    """Differentially private noise on integer counts (OpenDP in production)."""

    def add(self, counts: Sequence[int], *, sensitivity: int, epsilon: float) -> list[int]:
        """`counts` with noise enough for `epsilon` at that L1 `sensitivity`."""
        ...

    def spent(self, *, sensitivity: int, epsilon: float) -> float:
        """The budget the mechanism certifies for a release at that sensitivity: its own
        privacy map, not the figure asked for."""
        ...
