"""The ports of the rights-request workflow: where requests, their events, letters and
outcomes are kept, and how a letter is sent."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol
from uuid import UUID

from dataward.domain.register.model import Register
from dataward.domain.requests.stats import RequestFacts, StatsPeriod
from dataward.domain.requests.workflow import RightsRequest, Transition


@dataclass(frozen=True, slots=True)
class ControllerInstruction:
    """A tenant's instruction on a request forwarded to it, carried out: which request and
    tenant, what it was (export or erase), who gave it and when, and what it did, in counts
    and references only."""

    request_id: UUID | str
    tenant_id: str
    kind: str
    actor: str
    at: datetime
    outcome: dict[str, Any]


@dataclass(frozen=True, slots=True)
class LetterFacts:
    """What a letter is rendered from: the request as it is now and its due date, the register
    (our contacts, the ICO's, the fees), whom it greets, the reasons staff recorded, whether
    the request was completed only in part, the sealed payload opened, the requester's address
    (only in a letter to a tenant's controller), the facts the outbox gathered for it, and the
    UK date it is sent."""

    request: RightsRequest
    due: date
    register: Register
    name: str = field(repr=False)
    reason: str | None
    partial: bool = False
    payload: str = field(default="", repr=False)
    requester_email: str = field(default="", repr=False)
    details: Mapping[str, Any] | None = field(default=None, repr=False)
    today: date | None = None


class Mailer(Protocol):
    """Sends one e-mail; raises on failure (the outbox retries)."""

    def send(self, to: str, subject: str, body: str) -> None: ...


class RequestRepository(Protocol):
    """Rights requests, their pauses and their timelines."""

    def add(
        self,
        request: RightsRequest,
        *,
        due: date,
        created: Transition,
        contact: bytes | None = None,
        flag: str | None = None,
    ) -> None: ...

    def add_instruction(self, instruction: ControllerInstruction) -> None: ...

    def instructions_of(
        self, request_id: UUID | str
    ) -> Sequence[tuple[str, str, datetime, dict[str, Any]]]: ...

    def set_outcome(self, request_id: UUID | str, outcome: Mapping[str, Any]) -> None: ...

    def outcome_of(self, request_id: UUID | str) -> dict[str, Any] | None: ...

    def flag_of(self, request_id: UUID | str) -> str | None: ...

    def add_flags(self, request_id: UUID | str, flags: Sequence[str]) -> None:
        """More reasons for the DCO to look, after those already recorded."""
        ...

    def set_complaint_outcome(self, request_id: UUID | str, sealed: bytes) -> None: ...

    def complaint_outcome(self, request_id: UUID | str) -> bytes | None:
        """A complaint's outcome, sealed under the request's key; None until completed."""
        ...

    def contact(self, request_id: UUID | str) -> bytes | None: ...

    def queue_letter(
        self, request_id: UUID | str, letter: str, at: datetime, payload: bytes | None = None
    ) -> None: ...

    def letters_due(
        self, at: datetime, limit: int
    ) -> Sequence[tuple[int, str, str, int, bytes | None]]: ...

    def set_code(
        self, request_id: UUID | str, code_hash: bytes, *, at: datetime, expires_at: datetime
    ) -> None: ...

    def code(
        self, request_id: UUID | str
    ) -> tuple[bytes, datetime, int, datetime | None] | None: ...

    def code_attempted(self, request_id: UUID | str, *, used_at: datetime | None) -> None: ...

    def letter_sent(self, letter_id: int, at: datetime) -> None: ...

    def letter_failed(self, letter_id: int, *, retry_at: datetime, error: str) -> None: ...

    def letters_of(
        self, request_id: UUID | str
    ) -> Sequence[tuple[str, datetime, datetime | None]]: ...

    def get(self, request_id: UUID | str) -> tuple[RightsRequest, int, date] | None:
        """The request, its version (optimistic lock) and its stored due date."""
        ...

    def save(self, request: RightsRequest, *, version: int, due: date, change: Transition) -> bool:
        """Store over `version`; False (nothing stored) when another change came first."""
        ...

    def timeline(self, request_id: UUID | str) -> Sequence[Transition]: ...

    def queue(
        self, *, tenant_id: str | None = None, include_closed: bool = False
    ) -> Sequence[tuple[RightsRequest, date, str | None]]: ...

    def for_subject(self, subject_id: UUID | str) -> Sequence[RightsRequest]: ...

    def facts(
        self, period: StatsPeriod, tenants: Sequence[str | None] | None
    ) -> Iterator[RequestFacts]:
        """What the request figures need of each request received in `period`, complaints
        left out, of `tenants` (None: every request; None in it: our own)."""
        ...
