"""The port of the complaints register: what it reads of each complaint, and where the ICO's
involvement is kept."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from dataward.domain.requests.complaints import ComplaintCursor, ComplaintFacts, IcoCase


@dataclass(frozen=True, slots=True)
class ComplaintFilter:
    """Which complaints to read, newest first (by day of receipt, then id).

    `form_actor` is who records what the public form receives: a complaint whose receipt it
    recorded came through the form. `tenant_id` narrows to one tenant's (a tenant's
    administrator); None reads every complaint."""

    form_actor: str
    tenant_id: str | None = None
    open_only: bool = False
    since: date | None = None
    until: date | None = None
    after: ComplaintCursor | None = None
    limit: int | None = None


class ComplaintRepository(Protocol):
    def listed(self, where: ComplaintFilter) -> Sequence[ComplaintFacts]:
        """The complaints `where` names, newest first, at most `where.limit`."""
        ...

    def one(self, complaint_id: UUID, form_actor: str) -> ComplaintFacts | None:
        """One complaint, or None when there is none of that id (another request is none)."""
        ...

    def set_ico(self, complaint_id: UUID, case: IcoCase, at: datetime) -> None:
        """Record the ICO's involvement in a complaint, over what was recorded before."""
        ...
