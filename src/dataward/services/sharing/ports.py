"""The port of the sharing stores: the disclosure log, suspensions and refused exports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from dataward.domain.sharing.records import (
    Disclosure,
    DisclosureBatch,
    LogCursor,
    RefusedExport,
    Suspension,
)


class SharingRepository(Protocol):
    def record(self, batch: DisclosureBatch, entries: Sequence[Disclosure]) -> None:
        """The batch and each subject's entry, in the caller's transaction."""
        ...

    def log(
        self,
        *,
        subject_id: str | None = None,
        recipient: str | None = None,
        limit: int = 1000,
        after: LogCursor | None = None,
    ) -> list[Disclosure]:
        """Entries, newest first, of the subject and/or recipient when given; with `after`,
        those that come after that place in the log."""
        ...

    def batch(self, batch_id: UUID | str) -> DisclosureBatch | None: ...

    def own_subjects_of_kinds(self, kinds: Sequence[str], limit: int) -> list[str]:
        """Ids of live subjects of ours (no tenant) of these kinds, oldest first."""
        ...

    def suspend(self, suspension: Suspension) -> None: ...

    def lift(self, mechanism: str, *, at: datetime, by: str) -> bool:
        """Lift the active suspension of `mechanism`; False when none stands."""
        ...

    def suspensions(self, *, include_lifted: bool = False) -> list[Suspension]: ...

    def record_refusal(self, refused: RefusedExport) -> None: ...

    def refusals(self, limit: int = 1000) -> list[RefusedExport]: ...
