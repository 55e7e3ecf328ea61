"""Data subjects, as the vault and the gate see them: no identifiers here, only references.

A subject's identifiers (phone, e-mail, name, ...) live encrypted in the vault; this record
holds what the gate needs to decide (kind, tenant, status, relationship dates, age) and nothing
that identifies the person on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from dataward.domain.errors import InvalidValue


class ErasureReason(StrEnum):
    """Why a subject is shredded: a closed set, so no free text reaches the audit log."""

    ERASURE_REQUEST = "erasure_request"  # Art. 17 request from the person
    CONSENT_WITHDRAWN = "consent_withdrawn"  # the only basis was consent
    OBJECTION_UPHELD = "objection_upheld"
    NO_LONGER_NEEDED = "no_longer_needed"  # retention ended
    UNLAWFUL_PROCESSING = "unlawful_processing"
    LEGAL_OBLIGATION = "legal_obligation"
    CONTROLLER_INSTRUCTION = "controller_instruction"  # a tenant erasing its caller


REQUEST_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$")
"""What a request reference looks like: an id, never a sentence that could carry a name."""


def check_request_ref(field: str, ref: str | None) -> None:
    """Refuse a request reference that is not one (`REQUEST_REF`), naming `field`; None passes."""
    if ref is not None and not REQUEST_REF.match(ref):
        raise InvalidValue(field, "a reference such as R-2026-0042, not free text")


class SubjectStatus(StrEnum):
    ACTIVE = "active"
    ERASED = "erased"


@dataclass(frozen=True, slots=True)
class Subject:
    id: UUID
    kind: str
    tenant_id: str | None
    status: SubjectStatus
    created_at: datetime
    relationship_start: date | None = None
    relationship_end: date | None = None
    birth_date: date | None = None
    dco_flag: str | None = None
    last_transaction: date | None = None
    """The day of the last transaction with us, which the tax term runs from."""

    @property
    def erased(self) -> bool:
        return self.status is SubjectStatus.ERASED

    def age_on(self, day: date) -> int | None:
        """Whole years of age on `day`, or None when the birth date is not known."""
        return None if self.birth_date is None else age_on(self.birth_date, day)


def age_on(born: date, day: date) -> int:
    """Whole years between `born` and `day` (a 29 February birthday comes on 1 March)."""
    had_birthday = (day.month, day.day) >= (born.month, born.day)
    return day.year - born.year - (0 if had_birthday else 1)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a member of staff in a register role, a tenant's administrator, or the system."""

    id: str
    role: str
    tenant_id: str | None = None


@dataclass(frozen=True, slots=True)
class Tombstone:
    """What remains of an erased subject: that it existed and why it went. No personal data."""

    subject_id: UUID
    erased_at: datetime
    reason: str
    request_ref: str | None = None
