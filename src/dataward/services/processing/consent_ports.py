"""The ports of the records that limit processing: consent events, restrictions and
objections."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol
from uuid import UUID

from dataward.domain.processing.consent import ConsentEvent
from dataward.domain.processing.restrictions import Objection, Restriction


class ConsentRepository(Protocol):
    """The consent ledger: append and read, never change."""

    def add(self, event: ConsentEvent) -> int:
        """Append one event; returns its sequence number in the ledger."""
        ...

    def events_for(self, subject_id: UUID | str) -> Sequence[ConsentEvent]: ...

    def events_for_many(self, subject_ids: Sequence[str]) -> dict[str, list[ConsentEvent]]:
        """`events_for` of each subject that has any, by subject id, in one read."""
        ...


class RestrictionRepository(Protocol):
    def add(self, restriction: Restriction) -> None: ...

    def get(self, restriction_id: UUID | str) -> Restriction | None: ...

    def for_subject(self, subject_id: UUID | str) -> Sequence[Restriction]: ...

    def for_subjects(self, subject_ids: Sequence[str]) -> dict[str, list[Restriction]]:
        """`for_subject` of each subject that has any, by subject id, in one read."""
        ...

    def record_lift(self, lifted: Restriction) -> bool:
        """Store the lift; False when it was lifted meanwhile (or does not exist)."""
        ...


class ObjectionRepository(Protocol):
    def add(self, objection: Objection) -> None: ...

    def get(self, objection_id: UUID | str) -> Objection | None: ...

    def for_subject(self, subject_id: UUID | str) -> Sequence[Objection]: ...

    def for_subjects(self, subject_ids: Sequence[str]) -> dict[str, list[Objection]]:
        """`for_subject` of each subject that has any, by subject id, in one read."""
        ...

    def record_decision(self, decided: Objection) -> bool:
        """Store the decision; False when it was decided meanwhile (or does not exist)."""
        ...
