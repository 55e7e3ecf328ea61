"""Calls as the call store keeps them: times, outcome and subject references, never a number.

A parser's `RawCall` carries raw numbers and names; `StoredCall` is what is left after every
party has been resolved to a subject of the tenant (or marked withheld). These rules decide,
for every format alike, what a party is and what a call's identity is. Pure: no I/O.

Parties (`classify_party`):
- a restricted presentation (the caller withheld the number) is `WITHHELD`: no number is
  looked at, let alone kept; an unavailable one (the network gave none) is `NONE`;
- a number that looks like an extension (`8007`, `client2`) is an `AGENT`: the tenant's own
  staff, resolved to an end-user subject by agent id;
- anything else with a number is a `PHONE`, normalised to E.164 in the tenant's region; one
  that is not a valid number is `UNREADABLE` (kept as neither number nor subject);
- no number at all is `NONE`.

Identity (`source_identity`): a call is one source record, so its identity is the tenant, the
format family, the source's unique id, the queue and the start time (a queue_log call that
overflows into a second queue is two visits under one callid). Re-reading the same file gives
the same identities, which is what makes re-ingest add nothing. The store keeps only a keyed
digest of it, because some PBXs build their unique ids from a party's number.

Queue names are the tenant's configuration, not personal data, but a queue named after a
phone number (some PBXs name a queue by its DID) would put a number into the store: a name
with seven or more digits, whatever separates them, is kept as a keyed digest label
(`queue-3f9a1c2b0d4e`) instead, which cannot be reversed by trying the numbering plan.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Final

from dataward.domain.calls.parties import looks_like_extension
from dataward.domain.calls.telephony import Direction, Disposition, Presentation, RawCall, RawParty

__all__ = [
    "IngestReport",
    "PartyKind",
    "StoredCall",
    "classify_party",
    "safe_queue_name",
    "source_identity",
]

_LONGEST_SAFE_DIGIT_RUN: Final = 6
_FORMAT_FAMILY: Final = {
    "asterisk-cdr-csv": "asterisk-cdr",
    "asterisk-cdr-custom": "asterisk-cdr",
}


class PartyKind(StrEnum):
    WITHHELD = "withheld"
    AGENT = "agent"
    PHONE = "phone"
    UNREADABLE = "unreadable"
    NONE = "none"


def classify_party(party: RawParty) -> tuple[PartyKind, str | None]:
    """What a party is, and the value to resolve it by (an extension or a raw number)."""
    if party.presentation is Presentation.RESTRICTED:
        return PartyKind.WITHHELD, None
    if party.presentation is Presentation.UNAVAILABLE:
        return PartyKind.NONE, None
    number = (party.number or "").strip()
    if not number:
        return PartyKind.NONE, None
    if looks_like_extension(number):
        return PartyKind.AGENT, number
    return PartyKind.PHONE, number


def safe_queue_name(queue: str | None, key: bytes) -> str | None:
    """The queue as stored: itself, or a label keyed by `key` when it could be a number."""
    if not queue:
        return None
    queue = queue.strip()[:80]
    if sum(char.isdigit() for char in queue) <= _LONGEST_SAFE_DIGIT_RUN:
        return queue
    label = hashlib.blake2b(queue.encode("utf-8"), key=key, digest_size=6).hexdigest()
    return f"queue-{label}"


def source_identity(call: RawCall) -> str:
    """The text whose keyed digest is the call's identity within its tenant."""
    family = _FORMAT_FAMILY.get(call.format, call.format)
    start = call.start.isoformat(timespec="microseconds")
    return "\x1f".join((family, call.source_id, call.queue or "", start))


@dataclass(frozen=True, slots=True)
class StoredCall:
    """One call row: subject references (UUID strings) where the source had parties."""

    tenant_id: str
    source_key: bytes
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    direction: Direction
    disposition: Disposition
    queue: str | None
    wait_s: float | None
    ring_s: float | None
    talk_s: float | None
    caller_ref: str | None
    callee_ref: str | None
    agent_ref: str | None
    caller_withheld: bool
    callee_withheld: bool
    legs: int
    format: str
    ingest_id: int
    queued_at: datetime | None = None
    """When the call entered its queue (the ACD's start of it), where a source says."""
    sources: int = 1
    """Which kinds of source the call was read from (`domain.calls.correlation`'s bits)."""


@dataclass(slots=True)
class IngestReport:
    """What one ingest did, in counts and places: never a record's content."""

    tenant_id: str
    sources: list[str] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)
    calls_read: int = 0
    events_read: int = 0
    stored: int = 0
    duplicates: int = 0
    joined: int = 0
    """Records joined into a call read from another record of it (another source's, or
    another record of the same PBX call): stored as part of that one call."""
    subjects_created: int = 0
    withheld_parties: int = 0
    unreadable_numbers: int = 0
    erased_parties: int | None = 0
    """Parties stored as erased: their number's subject was erased after the call started.
    None for a role that may not read the audit log (where the count is kept): single-call
    ingests would otherwise tell it in which hour a number it knows was erased."""
    past_retention: int = 0
    """Calls stored without parties: they started before the tenant's call retention."""
    bad: list[str] = field(default_factory=list)
    quarantined: int = 0
    ingest_ids: list[int] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    """Each ingest's stored label (`file-7.log`), in the order of `ingest_ids`."""
    rejected: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "tenant": self.tenant_id,
            "sources": list(self.sources),
            "formats": dict(self.formats),
            "calls_read": self.calls_read,
            "events_read": self.events_read,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "joined": self.joined,
            "subjects_created": self.subjects_created,
            "withheld_parties": self.withheld_parties,
            "unreadable_numbers": self.unreadable_numbers,
            "erased_parties": self.erased_parties,
            "past_retention": self.past_retention,
            "bad_records": list(self.bad),
            "quarantined": self.quarantined,
            "ingests": list(self.ingest_ids),
            "labels": list(self.labels),
            "rejected": self.rejected,
        }
