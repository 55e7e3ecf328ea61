"""What the key services need of the main database beyond the key owners: the doomed keys."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol


class DoomedKeyRepository(Protocol):
    """Keys whose records are gone, listed in the transaction that let them go, until the key
    store has destroyed them (`services.keys.doomed`)."""

    def add(self, key_ids: Sequence[str], at: datetime) -> None:
        """List these keys in this transaction (one listed already stays)."""
        ...

    def listed(self, limit: int) -> list[str]:
        """Keys still listed, at most `limit`."""
        ...

    def forget(self, key_ids: Sequence[str]) -> None:
        """These keys are destroyed: no longer listed."""
        ...
