"""What sharing with a recipient leaves on record: pure values, no I/O.

A disclosure to a register recipient is a batch (who exported, to whom, for what, which fields,
when) and one entry per subject disclosed in it (the categories of that subject that went); the
entries hold the subject's random id, never an identifier. A transfer mechanism can be suspended
(`domain.register.transfers.suspension_key` names it), and an export refused, for whatever
reason, is kept for the DCO to see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from dataward.domain.errors import DatawardError, InvalidValue

MAX_REASON = 500


class ShareRefused(DatawardError):
    """An export to a recipient refused whole: a transfer without a valid mechanism, a recipient
    that does not receive data for the purpose, or a role the gate would refuse for everyone.
    The message names the register's keys and the reason, never a value from outside."""

    code = "share_refused"


@dataclass(frozen=True, slots=True)
class DisclosureBatch:
    id: UUID
    recipient: str
    purpose: str
    fields: tuple[str, ...]
    """The register fields ("category.field") the export carried."""
    format: str
    subjects: int
    at: datetime
    actor: str


@dataclass(frozen=True, slots=True)
class Disclosure:
    """One subject's data that went to a recipient in a batch."""

    batch_id: UUID
    subject_id: str
    recipient: str
    purpose: str
    categories: tuple[str, ...]
    at: datetime
    seq: int | None = None
    """The entry's place in the log (set once stored): with `at`, where a page of it ends."""


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CURSOR = re.compile(r"^(\d{1,17})\.(\d{1,10})$")
MAX_SEQ = 2**31 - 1
"""The last place a log entry can have: its column is a 32-bit integer on every backend."""


@dataclass(frozen=True, slots=True)
class LogCursor:
    """Where a page of the disclosure log ended: the last entry's time and place. Given back
    as an opaque text (`text`, `LogCursor.parse`); it names no subject and no recipient."""

    at: datetime
    seq: int

    @classmethod
    def after(cls, entry: Disclosure) -> LogCursor:
        if entry.seq is None:
            raise ValueError("an entry not read from the log has no place in it")
        return cls(entry.at, entry.seq)

    @property
    def text(self) -> str:
        return f"{(self.at - EPOCH) // timedelta(microseconds=1)}.{self.seq}"

    @classmethod
    def parse(cls, text: str) -> LogCursor:
        """A cursor given back; anything else is refused naming the field, never echoed."""
        match = _CURSOR.match(text) if len(text) <= 40 else None
        seq = int(match.group(2)) if match is not None else 0
        if match is None or seq > MAX_SEQ:
            raise InvalidValue("cursor", "the next_cursor of the previous page")
        micros = int(match.group(1))
        return cls(EPOCH + timedelta(microseconds=micros), seq)  # 17 digits: before 5140


@dataclass(frozen=True, slots=True)
class Suspension:
    id: UUID
    mechanism: str
    """A suspension key (`domain.register.transfers.suspension_key`)."""
    reason: str
    suspended_at: datetime
    suspended_by: str
    lifted_at: datetime | None = None
    lifted_by: str | None = None

    @property
    def active(self) -> bool:
        return self.lifted_at is None


@dataclass(frozen=True, slots=True)
class RefusedExport:
    """An export refused before anything was read, for the DCO's list."""

    id: UUID
    recipient: str
    purpose: str
    reason: str
    at: datetime
    actor: str
    mechanism: str | None = None
    """The suspension that refused it, if one did."""


def check_reason(reason: str) -> str:
    """A suspension's reason: the event behind it (a decision struck down), not about a person."""
    text = reason.strip()
    if not text or len(text) > MAX_REASON or any(ord(c) < 32 and c not in "\t" for c in text):
        raise InvalidValue("reason", f"text of 1 to {MAX_REASON} characters on one line")
    return text
