"""What the retention sweep needs of the stores it empties."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from dataward.domain.retention.consent import ConsentRecord
from dataward.domain.retention.records import BasisRecord, DisclosureRecord, SentRecord
from dataward.domain.retention.sweeps import SweepRecord, SweepStore, Target, set_digest


@dataclass(frozen=True, slots=True)
class Scope:
    """A tenant's items past retention: dated before `before` (a caller: made before it too),
    naming no subject of `held`."""

    tenant_id: str
    before: datetime
    held: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Due:
    """How many items a rule lets go, and the date of the oldest."""

    count: int
    oldest: date | None


@dataclass(frozen=True, slots=True)
class Removed:
    """One batch: how many items went, what their ids add to the digest (`set_digest`), and
    the date of the oldest."""

    count: int
    digest: int
    oldest: date | None

    @classmethod
    def of(cls, ids: Sequence[bytes], oldest: date | None) -> Removed:
        return cls(len(ids), set_digest(ids), oldest)


@dataclass(frozen=True, slots=True)
class OwnSubject:
    id: str
    kind: str
    relationship_end: date | None
    last_transaction: date | None


@dataclass(frozen=True, slots=True)
class OwnContact:
    """One of our own subjects as the contacts' sweep reads it: its kind, when we came to hold
    it, and whether a record of any store still refers to it."""

    id: str
    kind: str
    created_at: datetime
    has_records: bool


@dataclass(frozen=True, slots=True)
class ClosedRequest:
    id: str
    subject_id: str | None
    closed_at: datetime
    """When it reached its final state (its last transition into one)."""


class RetentionRepository(Protocol):
    def held_subjects(self, tenant_id: str | None, now: datetime) -> dict[str, set[str]]:
        """The tenant's subjects (our own, for None) a hold keeps, each with its holds: an
        active litigation hold (its ground), a restriction for legal claims, an open rights
        request."""
        ...

    def exclude_ingests(self, tenant_id: str, wait_s: float) -> bool:
        """Hold the tenant's ingests off until this transaction ends, once those under way
        have ended, waiting for them at most `wait_s` seconds: no call naming a caller being
        erased can land unseen. False if they outlasted the wait (nothing is held then)."""
        ...

    def calls_due(self, scope: Scope) -> Due:
        """The tenant's calls that ended (or, with no end, started) before `scope.before` and
        name no subject of `scope.held`."""
        ...

    def held_calls(self, scope: Scope) -> tuple[int, Mapping[str, int]]:
        """Of the tenant's calls past `scope.before`, how many a hold keeps (each once), and
        how many each held subject keeps."""
        ...

    def delete_calls(self, scope: Scope, limit: int) -> Removed:
        """Delete up to `limit` of the calls `calls_due` counts, oldest first, with their links
        (on PostgreSQL a whole month partition at once where it holds nothing else)."""
        ...

    def parties_due(
        self, scope: Scope, kinds: Collection[str], among: Sequence[str] | None = None
    ) -> list[tuple[str, datetime]]:
        """The tenant's subjects of `kinds` (of `among` only, if given), not held, made before
        `scope.before`, that no call kept (one `calls_due` does not count) names: the
        parties whose last call is gone or going. (id, when we came to hold it), by id."""
        ...

    def own_subjects(self, kinds: Collection[str]) -> list[OwnSubject]:
        """Our own subjects (no tenant's) of `kinds`, not erased, with their relationship's
        dates, by id."""
        ...

    def own_contacts(
        self, kinds: Collection[str], among: Sequence[str] | None = None
    ) -> list[OwnContact]:
        """Our own subjects (no tenant's) of `kinds` (of `among` only, if given), not erased,
        each with whether a row of any store that refers to a subject (every table of the
        unlink plan: consent events, requests, restrictions, objections, holds, links, calls,
        a quarantined line that could name it, a tenant naming it as its contact) refers to
        it, by id. Its own rows (its identifiers), its tombstone and the audit log are not
        records of it."""
        ...

    def lock_subjects(self, subject_ids: Collection[str]) -> None:
        """Hold these subjects' rows until this transaction ends, before their records are
        read again: a writer that holds a subject's row for its record (a consent; a row with
        a foreign key to the subject, a litigation hold) waits for it, or wrote first and its
        record is read. (Requests and restrictions wait for `freeze_holds` instead.)"""
        ...

    def closed_requests(self) -> list[ClosedRequest]:
        """Every rights request (and complaint) in a final state, by id."""
        ...

    def litigation_holds_on(self, subject_ids: Collection[str]) -> dict[str, set[str]]:
        """The grounds of the active litigation holds on each of these subjects."""
        ...

    def delete_requests(self, request_ids: Sequence[str]) -> list[str]:
        """Delete those of these requests that are closed, with everything hung on them; the
        ids of those deleted."""
        ...

    def holds_on(self, subject_ids: Collection[str], now: datetime) -> dict[str, set[str]]:
        """Every hold on each of these subjects, as `held_subjects` lists them."""
        ...

    def freeze_holds(self) -> None:
        """Hold new holds back until this transaction ends: what it read of them stays true."""
        ...

    def named_as_agents(self, subject_ids: Collection[str]) -> set[str]:
        """Those of these subjects a call (any tenant's) still names as its agent."""
        ...

    def pending_lines(self, line_ids: Collection[int]) -> list[int]:
        """Those of these quarantined lines still pending."""
        ...

    def consent_records(self, subject_ids: Collection[str] | None = None) -> list[ConsentRecord]:
        """Every consent event (or every event of these subjects): its ledger, state and time,
        by subject and id."""
        ...

    def delete_consent_records(self, ids: Sequence[int]) -> list[int]:
        """Delete these consent events; the ids of those that were there."""
        ...

    def campaign_sends(self, subject_ids: Collection[str] | None = None) -> list[SentRecord]:
        """Every campaign send (or every send to these subjects), with its campaign's purpose
        and channel."""
        ...

    def marketing_bases(self, subject_ids: Collection[str] | None = None) -> list[BasisRecord]:
        """Every marketing basis (or those of these subjects): its kind and dates."""
        ...

    def disclosure_entries(
        self, subject_ids: Collection[str] | None = None
    ) -> list[DisclosureRecord]:
        """Every entry of the disclosure log (or those of these subjects): its subject and time."""
        ...

    def delete_kept_records(self, store: SweepStore, ids: Sequence[bytes]) -> list[bytes]:
        """Delete these records of a store swept record by record (`domain.retention.records`:
        campaign sends, marketing bases, disclosures); the ids of those that were there."""
        ...

    def downloads_expired(self, bound: datetime) -> Due:
        """How many download links expired by `bound`, and the day of the first expiry."""
        ...

    def delete_downloads(self, bound: datetime, limit: int) -> tuple[Removed, list[str]]:
        """Delete up to `limit` links expired by `bound`, with their sealed packages, those
        that expired first first; the batch, and the ids of the links (their keys' ids)."""
        ...

    def suppression_entries(self) -> int:
        """How many marketing suppression entries there are."""
        ...

    def start_sweep(self, target: Target, actor: str, at: datetime) -> SweepRecord: ...

    def running_sweep(self, target: Target) -> SweepRecord | None:
        """The sweep of this target begun and not finished (interrupted), if any."""
        ...

    def save_sweep(self, record: SweepRecord) -> None:
        """Write the record's progress (counts, digest, state, end)."""
        ...

    def sweeps(self, limit: int) -> list[SweepRecord]:
        """The latest sweeps, newest first."""
        ...
