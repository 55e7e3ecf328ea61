"""What the cookie choices need from storage."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol


class CookieChoiceRepository(Protocol):
    def add(
        self, digest: str, choices: Mapping[str, bool], *, version: str, gpc: bool, at: datetime
    ) -> None:
        """Record a choice under `digest` (the SHA-256 of its id)."""
        ...

    def get(self, digest: str, *, since: datetime) -> Mapping[str, bool] | None:
        """The choices recorded under `digest` at or after `since`; None if none."""
        ...

    def remove(self, digest: str) -> None:
        """Forget the choice recorded under `digest`, if any."""
        ...

    def remove_before(self, moment: datetime) -> int:
        """Delete every choice made before `moment`; how many went."""
        ...
