"""What the breach register needs from its store."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from dataward.domain.breaches.model import Breach, TrailEntry


class BreachRepository(Protocol):
    def add(self, breach: Breach) -> None: ...

    def save(self, breach: Breach) -> Breach:
        """Write over the version read; `BreachChanged` if it moved meanwhile."""
        ...

    def get(self, breach_id: UUID) -> Breach | None: ...

    def listed(self, *, include_closed: bool) -> list[Breach]: ...

    def trail(self, breach_id: UUID) -> list[TrailEntry]: ...

    def note(self, breach_id: UUID, entry: TrailEntry) -> None: ...
