"""What a retention plan shows and what a sweep leaves as evidence.

A sweep works rule by rule and store by store, in batches, each its own transaction. Its record
says which rule and store, for which tenant, as of which day, the period it covered (everything
dated before `kept_from`, the oldest removed first), how many items went, how many a hold kept,
and a digest of the ids removed (`set_digest`: the sum of each id's SHA-256, modulo 2^256, so
the same set of ids gives the same digest however it was cut into batches, resumed or emptied as
a month), so that the evidence can later be checked against a backup without holding the ids
themselves. The ids are pseudonymous (a call's keyed source digest, a subject's UUID, a request's
or a download link's id, a quarantined line's, a consent event's, a marketing basis's or a
disclosure's number, a campaign send's campaign and subject ids) and the record holds
nothing else about a person. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Final

from dataward.domain.errors import DatawardError

START_DIGEST: Final = "0" * 64
"""A sweep's digest before its first batch."""


class SweepStore(StrEnum):
    """The stores a sweep empties, in the order it empties them."""

    CALLS = "calls"
    """A tenant's call records: kept for the tenant's call retention (its contract)."""
    CALL_PARTIES = "call_parties"
    """A tenant's callers left without a call: crypto-shredded once their last call is gone, so
    that no key or sealed number outlives the calls it was kept for."""
    QUARANTINED_LINES = "quarantined_lines"
    """A tenant's lines kept for correction and never corrected: emptied and their keys
    destroyed once past the tenant's call retention, counted from the day they were kept (they
    are call records, unread)."""
    RIGHTS_REQUESTS = "rights_requests"
    """Closed rights requests and complaints, with their timelines, letters, codes, download
    links and controllers' instructions, and the request's own key: once the register's
    rights-records rule, counted from the UK day the request closed, lets them go."""
    CUSTOMER_RECORDS = "customer_records"
    """Our own subjects (customers' people, partners, contacts): crypto-shredded once the
    register's customer-records rule lets them go (the later of its terms, on exact dates)."""
    CONSENT_RECORDS = "consent_records"
    """Consent ledgers (one subject, purpose and channel) whose latest event is a withdrawal:
    deleted whole once the register's marketing-preferences rule, counted from the UK days of
    the withdrawal and of the last event, lets them go (`domain.retention.consent`). A ledger
    whose consent is still given waits: it proves the consent the processing rests on."""
    MARKETING_BASES = "marketing_bases"
    """Soft opt-ins and corporate subscribers' addresses, with their evidence: deleted once the
    marketing-preferences rule, counted from the UK day of the basis's last interaction (the
    latest of the day it was obtained, the day it was recorded and the latest send made on
    it), lets them go: the basis ends with the marketing relationship it allows
    (`domain.retention.records`)."""
    CAMPAIGN_SENDS = "campaign_sends"
    """What each campaign was sent to whom, on which basis: deleted once the
    marketing-preferences rule, counted from the UK day of the send (and, for a send made on a
    consent since withdrawn, from the UK day of the withdrawal), lets them go."""
    DISCLOSURES = "disclosures"
    """The disclosure log's entries (a subject's data that went to a recipient): deleted once
    the register's disclosure-log rule, counted from the UK day of the disclosure, lets them
    go."""
    DOWNLOADS = "downloads"
    """Download links of access and portability packages, with their sealed packages and
    token hashes: deleted once the link has expired, whatever the request's own rule (a
    package is a copy made to be delivered, kept no longer than its link works)."""
    SUPPRESSION_DIGESTS = "suppression_digests"
    """Marketing suppression entries (digests only): kept while the objection (or erasure)
    they honour stands. Nothing ends one today, so each waits; the sweep records that it
    looked."""
    CONTACTS = "contacts"
    """Our own subjects of kinds no customer record covers (marketing contacts, website
    visitors), once nothing of theirs is left: crypto-shredded once no store holds a record of
    theirs and the longest last-interaction term of their kind's rules, counted from the UK
    day we came to hold them, has run (`domain.retention.contacts`). Swept last, so that a
    contact whose last record went earlier in the same sweep goes in it too."""


class SweepState(StrEnum):
    RUNNING = "running"
    """Under way, or interrupted: the next sweep (one runs at a time, under a lease) goes on
    with it if it is of the same day, and closes it as interrupted otherwise."""
    DONE = "done"
    DEFERRED = "deferred"
    """Left for the next sweep: what it needed was held past the sweep's wait (a tenant's
    ingest under way, which its callers' erasure must not miss). Its counts say what went
    before; the next sweep starts the store again."""
    INTERRUPTED = "interrupted"
    """Stopped part way and not taken up again (a later day's sweep found it): its counts say
    what it removed."""


class RetentionRefused(DatawardError):
    code = "retention_refused"


class SweepLeaseLost(DatawardError):
    """The sweep's lease ended under it (on PostgreSQL, its connection to the server did):
    another sweep may have begun, so this one stops before its next store rather than write
    evidence beside it. What it removed is in its records; the next sweep takes them up."""

    code = "sweep_lease_lost"


class TenantBusy(DatawardError):
    """A tenant's ingest held its lock past the sweep's wait: its callers are left for the next
    sweep (the store's record is closed as deferred), not erased under an ingest that could
    name them."""

    code = "tenant_busy"


class SweepRunning(DatawardError):
    """Another sweep holds the sweep's lease: one at a time keeps the evidence true."""

    code = "sweep_running"


@dataclass(frozen=True, slots=True)
class Target:
    """One rule applied to one store of one tenant, on one day."""

    rule: str
    store: SweepStore
    tenant_id: str | None
    """The tenant whose data it is; None for our own."""
    as_of: date
    retention: str
    """The period, as the rule (or the tenant's contract) gives it: `P13M`; a rule of several
    terms, each with its event (`P7Y relationship_end; P6Y financial_year_end_of_...`)."""
    kept_from: date
    """The first day still kept: items dated before it are past retention (for a rule worked
    out item by item, the day swept: items whose deletion date has come went)."""


@dataclass(frozen=True, slots=True)
class HeldItem:
    """What a hold keeps past retention: a subject (its pseudonymous id), the holds on it, and
    how many of the store's items it keeps (the subject itself, the calls naming it, its
    requests or its consent events)."""

    subject_id: str
    holds: tuple[str, ...]
    items: int


@dataclass(frozen=True, slots=True)
class PlanLine:
    """What a sweep of `target` would do today: `due` items would go, the oldest dated
    `oldest`, and `held` are kept by a hold."""

    target: Target
    due: int
    oldest: date | None
    held: tuple[HeldItem, ...]
    waiting: int = 0
    """Items no date can be worked out for yet: an event of the rule has not happened, or was
    not recorded (a customer relationship that has not ended, a consent still given)."""
    waiting_for: str = ""
    """Why the waiting items wait, in words (empty when none waits)."""

    @property
    def held_items(self) -> int:
        return sum(item.items for item in self.held)


@dataclass(frozen=True, slots=True)
class SweepRecord:
    """The evidence of one sweep of one target."""

    id: int
    target: Target
    actor: str
    started_at: datetime
    finished_at: datetime | None
    state: SweepState
    removed: int
    held: int
    batches: int
    oldest: date | None
    """The earliest date of an item removed (the start of the period covered)."""
    digest: str
    heartbeat_at: datetime | None = None
    """When a batch last landed (or the sweep began or took the record up again)."""
    purged: bool | None = None
    """Whether the freed pages of what it removed were purged (SQLite's write-ahead log folded
    in and truncated): False when a reader held the log, so copies may stay in it until a
    later purge (`dataward keys sweep`); None when not asked (nothing removed, or not known:
    a record read back). Not stored with the record; its audit entry says it."""


def set_digest(ids: Iterable[bytes]) -> int:
    """What these ids add to a sweep's digest: the sum of their SHA-256s, modulo 2^256."""
    return sum(int.from_bytes(hashlib.sha256(item).digest(), "big") for item in ids) % _MODULUS


def add_digest(previous: str, added: int) -> str:
    """A sweep's digest (64 hex digits) once a batch's `set_digest` is added."""
    return format((int(previous, 16) + added) % _MODULUS, "064x")


_MODULUS: Final = 1 << 256


def earliest(current: date | None, other: date | None) -> date | None:
    if current is None:
        return other
    if other is None:
        return current
    return min(current, other)
