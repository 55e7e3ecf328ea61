"""The tamper-evident audit log: entries, their canonical form, the hash chain and its check.

Every entry records who did what to whose data, under which purpose, and with what decision.
Entry *n* is sealed with `hash = SHA-256(prev_hash + canonical(entry))`, where `prev_hash` is
the hash of entry *n - 1* (64 zeros for the first), and the canonical form covers the sequence
number. Changing, removing, inserting or reordering any entry therefore breaks the chain at
that entry or the next, and `verify_chain` names the first place it breaks.

What the chain cannot show on its own is a rewrite by someone who recomputes every hash from
the altered entry onward, or the loss of the newest entries: either leaves a valid chain, but
with another head. Keep the head hash that `verify_chain` reports somewhere else (a ticket, a
signed e-mail, the next day's report) and compare it.

Personal data never goes into an entry. `subject_ref` takes the subject's pseudonymous UUID
only; `details` takes references (ids, keys, counts, reasons), never identifiers, names or free
text. That cannot be checked in general, so `AuditDraft` enforces what can be: details keys
follow a simple pattern and are not the names of identifiers, values are short scalars or lists
of scalars, and nothing that looks like an e-mail address is accepted.

Actions: `AuditAction` lists those dataward records today. A later feature adds a member there;
a plain string matching the same pattern is accepted too (for extensions), and the log stores
the plain value, so entries verify whatever the enum later becomes.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final
from uuid import UUID

from dataward.domain.errors import DatawardError

GENESIS_HASH: Final = "0" * 64
"""The `prev_hash` of the first entry."""

Scalar = str | int | float | bool | None
DetailValue = Scalar | list[Scalar]

ACTION_PATTERN: Final = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
DETAIL_KEY_PATTERN: Final = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_DETAIL_KEYS: Final = 32
MAX_LIST_ITEMS: Final = 100
MAX_TEXT: Final = 200
_LIMITS: Final = {"actor": 100, "purpose": 64, "decision": 64}
_IDENTIFIER_KEYS: Final = frozenset(
    {
        "address",
        "birth_date",
        "date_of_birth",
        "dob",
        "email",
        "email_address",
        "first_name",
        "full_name",
        "identifier",
        "identifiers",
        "ip",
        "ip_address",
        "last_name",
        "name",
        "phone",
        "phone_number",
        "postal_address",
        "postcode",
        "surname",
    }
)
_EMAIL_SHAPED: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")


class AuditAction(StrEnum):
    """What an entry records. Add members as features arrive; stored as the plain value."""

    REGISTER_LOADED = "register_loaded"
    SUBJECT_CREATED = "subject_created"
    SUBJECT_READ = "subject_read"
    IDENTIFIER_ADDED = "identifier_added"
    SUBJECT_SHREDDED = "subject_shredded"
    GATE_DECISION = "gate_decision"
    CONSENT_RECORDED = "consent_recorded"
    RESTRICTION_APPLIED = "restriction_applied"
    RESTRICTION_LIFTED = "restriction_lifted"
    OBJECTION_RECORDED = "objection_recorded"
    KEYS_ROTATED = "keys_rotated"
    AUDIT_EXPORTED = "audit_exported"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    OBJECTION_DECIDED = "objection_decided"
    TENANT_CREATED = "tenant_created"
    STAFF_TOKEN_ISSUED = "staff_token_issued"  # noqa: S105 - an action name, not a secret
    STAFF_TOKENS_REVOKED = "staff_tokens_revoked"
    CALLS_INGESTED = "calls_ingested"
    QUARANTINE_RESOLVED = "quarantine_resolved"
    QUARANTINE_READ = "quarantine_read"
    QUARANTINE_SEARCHED = "quarantine_searched"
    CALL_REPORT_READ = "call_report_read"
    REQUEST_RECEIVED = "request_received"
    REQUEST_TRANSITION = "request_transition"
    CONTROLLER_INSTRUCTION = "controller_instruction"
    SUBJECT_PARTLY_ERASED = "subject_partly_erased"
    ERASURE_KEPT_BY_HOLD = "erasure_kept_by_hold"
    MARKETING_SUPPRESSED = "marketing_suppressed"
    IDENTIFIER_RECTIFIED = "identifier_rectified"
    DOWNLOAD_ISSUED = "download_issued"
    DOWNLOAD_SERVED = "download_served"
    DOWNLOAD_REFUSED = "download_refused"
    RELATIONSHIP_RECORDED = "relationship_recorded"
    HOLD_PLACED = "hold_placed"
    HOLD_REVIEWED = "hold_reviewed"
    HOLD_LIFTED = "hold_lifted"
    HOLD_READ = "hold_read"
    COMPLAINT_OUTCOME_READ = "complaint_outcome_read"
    RETENTION_SWEPT = "retention_swept"
    CALL_REPORT_RELEASED = "call_report_released"  # with differential-privacy noise
    PURPOSE_ASSESSED = "purpose_assessed"  # Art. 6(4) compatibility of a changed purpose
    POLICY_NOTICES_QUEUED = "policy_notices_queued"
    POLICY_NOTICE_SENT = "policy_notice_sent"


class AuditRefused(DatawardError):
    """An entry that may not be written (a details key or value that could carry personal data)."""

    code = "audit_refused"


class BreakReason(StrEnum):
    HASH_MISMATCH = "hash_mismatch"
    PREV_LINK_MISMATCH = "prev_link_mismatch"
    SEQUENCE_GAP = "sequence_gap"
    OUT_OF_ORDER = "out_of_order"

    def describe(self) -> str:
        return _DESCRIPTIONS[self]


_DESCRIPTIONS: Final = {
    BreakReason.HASH_MISMATCH: "hash mismatch (the entry was altered)",
    BreakReason.PREV_LINK_MISMATCH: (
        "prev link mismatch (the entry before it was altered, removed or replaced)"
    ),
    BreakReason.SEQUENCE_GAP: "sequence gap (the entry was deleted)",
    BreakReason.OUT_OF_ORDER: "out of order (entries were moved or repeated)",
}


@dataclass(frozen=True, slots=True)
class AuditDraft:
    """An entry not yet on the chain: checked and normalised here, sealed by `seal`."""

    at: datetime
    actor: str
    action: AuditAction | str
    subject_ref: UUID | str | None = None
    purpose: str | None = None
    decision: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise AuditRefused("audit time must be an aware datetime")
        object.__setattr__(self, "at", self.at.astimezone(UTC))
        if not ACTION_PATTERN.match(str(self.action)):
            raise AuditRefused(f"action {str(self.action)[:70]!r} is not like 'subject_created'")
        object.__setattr__(self, "action", str(self.action))
        for name, limit in _LIMITS.items():
            value = getattr(self, name)
            if value is not None:
                _check_text(name, value, limit)
        if not self.actor:
            raise AuditRefused("an audit entry needs an actor")
        object.__setattr__(self, "subject_ref", _subject_ref(self.subject_ref))
        object.__setattr__(self, "details", _checked_details(self.details))


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One link of the chain, as stored. Not validated: a tampered entry must still load."""

    seq: int
    at: datetime
    actor: str
    action: str
    subject_ref: str | None
    purpose: str | None
    decision: str | None
    details: Mapping[str, Any]
    prev_hash: str
    hash: str

    def canonical(self) -> bytes:
        return canonical_bytes(self)

    def computed_hash(self) -> str:
        return chain_hash(self.prev_hash, self.canonical())


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """What `verify_chain` found: `checked` entries intact, then the first break (if any)."""

    checked: int
    head: str = GENESIS_HASH
    """The hash of the last intact entry (the genesis hash when there is none)."""
    first_broken_seq: int | None = None
    reason: BreakReason | None = None
    found_seq: int | None = None
    """For a sequence break: the seq found where `first_broken_seq` was due."""

    @property
    def ok(self) -> bool:
        return self.reason is None

    def describe(self) -> str:
        if self.reason is None:
            return f"intact: {self.checked} entries checked, head {self.head[:16]}"
        text = f"entry #{self.first_broken_seq}: {self.reason.describe()}"
        if self.found_seq is not None:
            text += f", found #{self.found_seq} in its place"
        return text


def chain_hash(prev_hash: str, canonical: bytes) -> str:
    """Hex SHA-256 of the previous entry's hash (as ASCII) followed by the canonical entry."""
    return hashlib.sha256(prev_hash.encode("ascii") + canonical).hexdigest()


def canonical_bytes(entry: AuditEntry) -> bytes:
    """JSON, keys sorted, no whitespace, UTF-8, time in UTC with 'Z'; prev_hash and hash out."""
    return _dumps(_fields(entry)).encode("utf-8")


def iso_z(at: datetime) -> str:
    """ISO 8601 in UTC to the microsecond, e.g. 2026-11-25T10:00:00.000000Z."""
    if at.tzinfo is None:
        raise ValueError("naive datetime in an audit entry")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def seal(drafts: Iterable[AuditDraft], head: AuditEntry | None) -> list[AuditEntry]:
    """Chain `drafts` after `head` (None: the log is empty), numbering them from head.seq + 1."""
    seq, prev_hash = (0, GENESIS_HASH) if head is None else (head.seq, head.hash)
    sealed: list[AuditEntry] = []
    for draft in drafts:
        seq += 1
        unsealed = AuditEntry(
            seq=seq,
            at=draft.at,
            actor=draft.actor,
            action=str(draft.action),
            subject_ref=None if draft.subject_ref is None else str(draft.subject_ref),
            purpose=draft.purpose,
            decision=draft.decision,
            details=dict(draft.details),
            prev_hash=prev_hash,
            hash="",
        )
        entry = replace(unsealed, hash=unsealed.computed_hash())
        sealed.append(entry)
        prev_hash = entry.hash
    return sealed


def verify_chain(entries: Iterable[AuditEntry]) -> VerifyResult:
    """Check entries in the order given, holding one at a time; stop at the first break."""
    stream: Iterator[AuditEntry] = iter(entries)
    checked, prev_hash = 0, GENESIS_HASH
    for entry in stream:
        due = checked + 1
        if entry.seq != due:
            reason = BreakReason.OUT_OF_ORDER
            if entry.seq > due:
                following = next(stream, None)
                if following is None or following.seq != due:
                    reason = BreakReason.SEQUENCE_GAP
            return VerifyResult(checked, prev_hash, due, reason, found_seq=entry.seq)
        if entry.hash != entry.computed_hash():
            return VerifyResult(checked, prev_hash, due, BreakReason.HASH_MISMATCH)
        if entry.prev_hash != prev_hash:
            return VerifyResult(checked, prev_hash, due, BreakReason.PREV_LINK_MISMATCH)
        checked, prev_hash = due, entry.hash
    return VerifyResult(checked, prev_hash)


def to_json_line(entry: AuditEntry) -> str:
    """One entry as one line of JSON Lines (an export), newline included."""
    document = {**_fields(entry), "prev_hash": entry.prev_hash, "hash": entry.hash}
    return _dumps(document) + "\n"


def from_json_line(line: str) -> AuditEntry:
    """Read back a line of an export, so an exported file can be verified on its own."""
    document = json.loads(line)
    return AuditEntry(
        seq=int(document["seq"]),
        at=parse_iso_z(document["at"]),
        actor=document["actor"],
        action=document["action"],
        subject_ref=document["subject_ref"],
        purpose=document["purpose"],
        decision=document["decision"],
        details=document["details"],
        prev_hash=document["prev_hash"],
        hash=document["hash"],
    )


def parse_iso_z(text: str) -> datetime:
    if not text.endswith("Z"):
        raise ValueError(f"audit time {text!r} is not UTC with 'Z'")
    return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)


def _fields(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "at": iso_z(entry.at),
        "actor": entry.actor,
        "action": entry.action,
        "subject_ref": entry.subject_ref,
        "purpose": entry.purpose,
        "decision": entry.decision,
        "details": dict(entry.details),
    }


def _dumps(document: object) -> str:
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def _check_text(name: str, value: object, limit: int) -> None:
    if not isinstance(value, str):
        raise AuditRefused(f"{name} must be text")
    if len(value) > limit:
        raise AuditRefused(f"{name} is longer than {limit} characters")
    if _CONTROL.search(value):
        raise AuditRefused(f"{name} contains a control character")


def _subject_ref(value: UUID | str | None) -> str | None:
    if value is None:
        return None
    try:
        return str(value if isinstance(value, UUID) else UUID(value))
    except (ValueError, AttributeError, TypeError):
        raise AuditRefused("subject_ref must be a subject's UUID, never an identifier") from None


def _checked_details(details: Mapping[str, Any]) -> dict[str, DetailValue]:
    if not isinstance(details, Mapping):
        raise AuditRefused("details must be a mapping of keys to values")
    if len(details) > MAX_DETAIL_KEYS:
        raise AuditRefused(f"details has more than {MAX_DETAIL_KEYS} keys")
    checked: dict[str, DetailValue] = {}
    for key, value in details.items():
        if not isinstance(key, str) or not DETAIL_KEY_PATTERN.match(key):
            raise AuditRefused(f"details key {str(key)[:50]!r} is not like 'request_ref'")
        if key in _IDENTIFIER_KEYS:
            raise AuditRefused(f"details key {key!r} names an identifier: pass a reference")
        checked[key] = _checked_value(key, value)
    return checked


def _checked_value(key: str, value: object) -> DetailValue:
    if isinstance(value, list | tuple):
        if len(value) > MAX_LIST_ITEMS:
            raise AuditRefused(f"details[{key!r}] has more than {MAX_LIST_ITEMS} items")
        return [_checked_scalar(key, item) for item in value]
    return _checked_scalar(key, value)


def _checked_scalar(key: str, value: object) -> Scalar:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise AuditRefused(f"details[{key!r}] is not a finite number")
        return value
    if isinstance(value, str):
        _check_text(f"details[{key!r}]", value, MAX_TEXT)
        if _EMAIL_SHAPED.search(value):
            raise AuditRefused(f"details[{key!r}] looks like an e-mail address: pass a reference")
        return value
    raise AuditRefused(f"details[{key!r}] must be a scalar or a list of scalars")
