"""What marketing's use cases need from its store."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple, Protocol
from uuid import UUID

from dataward.domain.marketing.campaign import Campaign
from dataward.domain.processing.legal_hold import ErasureHold
from dataward.domain.processing.restrictions import Objection, Restriction
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
class AudienceQuery:
    """The candidates of a campaign: our own live subjects of `kinds`, each with its latest
    consent event on (`purpose`, `channel`) at `at`, whether it has an identifier of type
    `address`, and whether any of its e-mail addresses or phone numbers is suppressed."""

    kinds: frozenset[str]
    purpose: str
    channel: str
    at: datetime
    address: str
    """The identifier type the channel reaches a person at."""
    with_created: bool = False
    """Read when each subject came to us (a change of purpose waits for its notice)."""


class AudienceRow(NamedTuple):
    """One candidate (a tuple: a million are read for a large audience)."""

    subject_id: str
    kind: str
    birth_date: date | None
    created_at: datetime | None
    consent: str | None
    """The state of the latest consent event on the campaign's channel, if any."""
    has_address: bool
    suppressed: bool


@dataclass(slots=True)
class FewRecords:
    """The records few of our own people have, by subject: read whole, once."""

    restrictions: dict[str, list[Restriction]] = field(default_factory=dict)
    objections: dict[str, list[Objection]] = field(default_factory=dict)
    holds: dict[str, ErasureHold] = field(default_factory=dict)
    bases: dict[str, list[MarketingBasis]] = field(default_factory=dict)


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

    def audience_pages(self, query: AudienceQuery, page: int) -> Iterator[list[AudienceRow]]:
        """Every candidate of `query`, `page` at a time, in id order (one read)."""
        ...

    def few_records(self) -> FewRecords: ...
