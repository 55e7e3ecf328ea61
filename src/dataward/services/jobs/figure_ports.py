"""What operations figures read from the database (`Figures`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Backlog:
    kind: str
    state: str
    count: int
    oldest: datetime | None


@dataclass(frozen=True, slots=True)
class IngestTotals:
    stored: int
    """Calls stored by every ingest there has been."""
    stored_recently: int
    """Calls stored by ingests that ended since the time asked."""


class Figures(Protocol):
    def jobs(self) -> list[Backlog]: ...

    def outbox(self, now: datetime) -> tuple[int, int]: ...

    def ingested(self, since: datetime) -> IngestTotals: ...
