"""The complaints register as use cases: list it, show one complaint, record the ICO's
involvement in one, export it for the regulator.

Complaints are rights requests of type `complaint`, received through the public form or
recorded by staff (`services.rights.intake`). Every use here needs `manage_requests`. A
complaint is made to us about our own processing and never carries a tenant, so a tenant's
administrator lists none and is told that any complaint's id is not found, as for another
tenant's request.

The register lists no identifier of a complainant and no outcome's text: whether an outcome
is recorded, yes or no. Showing one complaint opens its outcome through
`services.rights.complaints.complaint_outcome`, which audits the opening. The export for the
regulator leaves the outcomes out altogether: an outcome is free text about a person's
complaint, sealed under the request's own key so that it goes when the request goes, and a
file written out of the database is beyond the reach of that key, of the retention sweep and
of erasure; what the regulator asks of a register (when each complaint came, was
acknowledged and answered, and what the ICO did) is all there, and one complaint's outcome,
when the ICO asks for it, is opened on its own (`dataward complaints show`), audited. The
export is audited (who, how many complaints, which period).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID

from dataward.domain.audit import AuditAction
from dataward.domain.bounds import check_day
from dataward.domain.errors import ActionNotAllowed, InvalidValue, NotFound
from dataward.domain.permissions import require
from dataward.domain.register.model import StaffAction
from dataward.domain.requests.complaints import (
    ComplaintCursor,
    ComplaintFacts,
    ComplaintRow,
    IcoCase,
    RegisterFigures,
    figures,
    register_row,
)
from dataward.domain.requests.model import uk_date
from dataward.domain.requests.workflow import Transition
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.ports import UnitOfWork
from dataward.services.rights.complaint_ports import ComplaintFilter
from dataward.services.rights.complaints import ComplaintOutcome, complaint_outcome
from dataward.services.rights.public_form import PUBLIC

PAGE_MOST = 1000
"""The most complaints one page of the register holds."""


@dataclass(frozen=True, slots=True)
class RegisterQuery:
    """Which complaints: only the open ones or all, received from `since` to `until`
    (inclusive; either may be left open)."""

    open_only: bool = False
    since: date | None = None
    until: date | None = None

    def checked(self) -> RegisterQuery:
        check_day("since", self.since)
        check_day("until", self.until)
        if self.since is not None and self.until is not None and self.until < self.since:
            raise InvalidValue("until", "no earlier than since")
        return self


@dataclass(frozen=True, slots=True)
class ComplaintRegister:
    """The register as of a UK day: its rows, newest first, and their figures."""

    as_of: date
    query: RegisterQuery
    rows: list[ComplaintRow]
    figures: RegisterFigures


@dataclass(frozen=True, slots=True)
class ComplaintPage:
    rows: list[ComplaintRow]
    next: ComplaintCursor | None
    """Where to go on from, when more complaints follow; None on the last page."""


@dataclass(frozen=True, slots=True)
class ComplaintDetail:
    """One complaint: its row, its timeline, and its outcome (opened, audited) if recorded."""

    row: ComplaintRow
    timeline: Sequence[Transition]
    outcome: ComplaintOutcome | None


def complaint_register(reading: UseCase, query: RegisterQuery) -> ComplaintRegister:
    """Every complaint `query` names, newest first, with the register's figures."""
    query = query.checked()
    require(reading.register, reading.actor, StaffAction.MANAGE_REQUESTS, tenant_id=_own(reading))
    with reading.uow as uow:
        found = uow.complaints.listed(_filter(reading, query))
    return _register(reading, query, found)


def complaint_page(
    reading: UseCase, query: RegisterQuery, limit: int, after: ComplaintCursor | None = None
) -> ComplaintPage:
    """A page of the register, newest first, from `after` (the previous page's `next`)."""
    query = query.checked()
    require(reading.register, reading.actor, StaffAction.MANAGE_REQUESTS, tenant_id=_own(reading))
    most = max(1, min(limit, PAGE_MOST))
    where = replace(_filter(reading, query), after=after, limit=most + 1)
    with reading.uow as uow:
        found = uow.complaints.listed(where)
    rows = _register(reading, query, found[:most]).rows
    return ComplaintPage(rows, ComplaintCursor.after(rows[-1]) if len(found) > most else None)


def export_register(ctx: UseCase, query: RegisterQuery) -> ComplaintRegister:
    """The register for the regulator, without any outcome's text; the export is audited in
    the transaction that reads it."""
    query = query.checked()
    require(ctx.register, ctx.actor, StaffAction.MANAGE_REQUESTS, tenant_id=_own(ctx))
    with ctx.uow as uow:
        found = uow.complaints.listed(_filter(ctx, query))
        details = {
            "complaints": len(found),
            "open_only": query.open_only,
            "since": query.since.isoformat() if query.since else "",
            "until": query.until.isoformat() if query.until else "",
        }
        record(uow, ctx.clock, ctx.actor, Audited(AuditAction.COMPLAINTS_EXPORTED, details=details))
        uow.commit()
    return _register(ctx, query, found)


def show_complaint(ctx: UseCase, complaint_id: UUID | str) -> ComplaintDetail:
    """One complaint, its timeline, and its outcome opened (the opening audited)."""
    with ctx.uow as uow:
        facts = _visible(uow, ctx, complaint_id)
        timeline = uow.requests.timeline(facts.id)
    outcome = complaint_outcome(ctx, facts.id) if facts.outcome_recorded else None
    return ComplaintDetail(_row(ctx, facts), timeline, outcome)


def record_ico(ctx: UseCase, complaint_id: UUID | str, case: IcoCase) -> ComplaintRow:
    """Record the ICO's involvement in a complaint (its reference, the day it told us, later
    its outcome and the day it closed), over what was recorded before; audited with it."""
    now = ctx.clock.now()
    with ctx.uow as uow:
        facts = _visible(uow, ctx, complaint_id)
        checked = case.checked(facts.received, uk_date(now))
        uow.complaints.set_ico(facts.id, checked, now)
        details = {
            "request": str(facts.id),
            "ico_outcome": checked.outcome.value if checked.outcome else "",
            "ico_closed": checked.closed.isoformat() if checked.closed else "",
            "replaced": facts.ico is not None,
        }
        entry = Audited(
            AuditAction.COMPLAINT_ICO_RECORDED, subject_ref=facts.subject_id, details=details
        )
        record(uow, ctx.clock, ctx.actor, entry)
        uow.commit()
    return _row(ctx, replace(facts, ico=checked))


def _own(ctx: UseCase) -> str | None:
    return ctx.actor.tenant_id


def _filter(ctx: UseCase, query: RegisterQuery) -> ComplaintFilter:
    return ComplaintFilter(
        form_actor=PUBLIC.id,
        tenant_id=_own(ctx),
        open_only=query.open_only,
        since=query.since,
        until=query.until,
    )


def _register(
    ctx: UseCase, query: RegisterQuery, found: Sequence[ComplaintFacts]
) -> ComplaintRegister:
    today = uk_date(ctx.clock.now())
    rows = [register_row(facts, today, ctx.holidays) for facts in found]
    return ComplaintRegister(today, query, rows, figures(rows))


def _row(ctx: UseCase, facts: ComplaintFacts) -> ComplaintRow:
    return register_row(facts, uk_date(ctx.clock.now()), ctx.holidays)


def _visible(uow: UnitOfWork, ctx: UseCase, complaint_id: UUID | str) -> ComplaintFacts:
    """The complaint, if the actor may work it; another tenant's, and any other request,
    answer as not found, the same as an id that does not exist; a role without
    `manage_requests` is refused before anything is read."""
    require(ctx.register, ctx.actor, StaffAction.MANAGE_REQUESTS, tenant_id=_own(ctx))
    try:
        key = complaint_id if isinstance(complaint_id, UUID) else UUID(complaint_id)
    except ValueError:
        raise NotFound("complaint", "") from None
    facts = uow.complaints.one(key, PUBLIC.id)
    if facts is None:
        raise NotFound("complaint", str(key))
    try:
        require(ctx.register, ctx.actor, StaffAction.MANAGE_REQUESTS, tenant_id=facts.tenant_id)
    except ActionNotAllowed:
        if ctx.actor.tenant_id is not None and facts.tenant_id != ctx.actor.tenant_id:
            raise NotFound("complaint", str(key)) from None
        raise
    return facts
