"""What marketing's use cases need from its store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from dataward.domain.marketing.campaign import Campaign
from dataward.domain.subjects import Subject

SOFT_OPT_IN = "soft_opt_in"
CORPORATE_SUBSCRIBER = "corporate_subscriber"


@dataclass(frozen=True, slots=True)
class Send:
    """A campaign queued to one person, on one basis."""

    campaign_id: UUID
    subject_id: UUID
    basis: str
    queued_at: datetime


@dataclass(frozen=True, slots=True)
class MarketingBasis:
    """A basis for marketing without consent, recorded with its evidence."""

    subject_id: UUID
    kind: str
    sender: str | None
    obtained_in: str | None
    obtained_on: date | None
    evidence_ref: str
    recorded_at: datetime
    recorded_by: str


@dataclass(frozen=True, slots=True)
class NewImport:
    id: UUID
    source: str
    consent_evidence: str
    at: datetime
    by: str
    added: int
    suppressed: int
    known: int


class MarketingRepository(Protocol):
    def add_campaign(self, campaign: Campaign) -> None: ...

    def campaign(self, campaign_id: UUID | str) -> Campaign | None: ...

    def campaigns(self, limit: int) -> list[Campaign]: ...

    def mark_sent(self, campaign_id: UUID, at: datetime) -> bool:
        """Mark it sent, once: False if it already was."""
        ...

    def add_sends(self, sends: Sequence[Send]) -> None: ...

    def sends_of(self, subject_id: UUID | str) -> list[Send]: ...

    def count_sends(self, campaign_id: UUID) -> int: ...

    def candidates(self, kinds: Sequence[str], after: str, limit: int) -> list[Subject]:
        """Our own live subjects of `kinds`, in id order after `after`."""
        ...

    def indexes_of_many(
        self, subject_ids: Sequence[str], kinds: Sequence[str]
    ) -> dict[str, list[tuple[str, bytes]]]:
        """(kind, blind index) of each subject's own identifiers of `kinds`, by subject."""
        ...

    def add_basis(self, basis: MarketingBasis) -> None: ...

    def bases_of_many(self, subject_ids: Sequence[str]) -> dict[str, list[MarketingBasis]]: ...

    def add_import(self, record: NewImport) -> None: ...
