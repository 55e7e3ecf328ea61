"""Recording the dates a retention term runs from, for a subject that already exists.

The end of the customer relationship starts the customer-records term (seven years); the day
of the last transaction starts the tax term (six years from the end of its financial year).
Both are known only later than a subject is registered, so staff record them here, from the
command line or the API, whenever they learn them; an erasure request then dates its tax hold
from them without being told again (`services.rights.erasure`).

Both are calendar dates in the UK: neither may be later than today (`uk_date` of the clock),
nor earlier than `FIRST_DAY`; the last transaction cannot be after the relationship ended, and
the relationship cannot end before it began. They decide how long tax and customer records are
kept from erasure, so rewriting them needs `manage_holds` (the DCO's: the action that keeps data
from erasure) within the role's tenant scope, not `register_subjects` (operators and marketing
staff register subjects, but may not move a retention date); it is audited with the dates
before and after. A tenant's caller has no customer relationship with us: refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from dataward.domain.audit import AuditAction
from dataward.domain.bounds import check_day
from dataward.domain.errors import NoSuchSubject, OutOfRange
from dataward.domain.permissions import require
from dataward.domain.register.model import Role, StaffAction
from dataward.domain.requests.workflow import uk_date
from dataward.domain.subjects import Subject
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.processing.lookup import within_reach
from dataward.services.subjects.registry import SubjectRefused


@dataclass(frozen=True, slots=True)
class RelationshipDates:
    ended: date
    """The day the customer relationship ended."""
    last_transaction: date | None = None
    """The day of the last transaction; None keeps the one recorded before (if any)."""


def record_relationship(ctx: UseCase, subject_id: UUID | str, dates: RelationshipDates) -> Subject:
    """Record when the subject's relationship with us ended (and its last transaction); the
    subject as it now stands. An unknown subject and one outside the role's reach are alike."""
    uow, clock, register, actor = ctx.uow, ctx.clock, ctx.register, ctx.actor
    check_day("ended", dates.ended)
    check_day("last_transaction", dates.last_transaction)
    now = clock.now()
    today = uk_date(now)
    with uow:
        subject = uow.subjects.get(subject_id)
        if subject is None or not within_reach(register, actor, subject.tenant_id):
            raise NoSuchSubject
        require(register, actor, StaffAction.MANAGE_HOLDS, tenant_id=subject.tenant_id)
        if subject.erased:
            raise SubjectRefused("the subject was erased: there is nothing to date")
        if register.subject_kind(subject.kind).role is Role.PROCESSOR:
            raise SubjectRefused(
                f"a {subject.kind} is a customer's data subject and has no relationship with us"
            )
        last = dates.last_transaction or subject.last_transaction
        _check_order(subject, dates.ended, last, today)
        uow.subjects.set_relationship(subject.id, ended=dates.ended, last_transaction=last)
        before = {
            "ended_before": _iso(subject.relationship_end),
            "last_transaction_before": _iso(subject.last_transaction),
        }
        details = {"ended": dates.ended.isoformat(), "last_transaction": _iso(last), **before}
        record(
            uow,
            clock,
            actor,
            Audited(AuditAction.RELATIONSHIP_RECORDED, subject_ref=subject.id, details=details),
        )
        updated = uow.subjects.get(subject.id)
        uow.commit()
    assert updated is not None  # noqa: S101 - read back in the same transaction
    return updated


def _check_order(subject: Subject, ended: date, last: date | None, today: date) -> None:
    if ended > today:
        raise OutOfRange("ended", f"a date no later than today ({today.isoformat()})")
    if last is not None and last > ended:
        raise OutOfRange("last_transaction", f"a date no later than the end ({ended.isoformat()})")
    start = subject.relationship_start
    if start is not None and ended < start:
        raise OutOfRange("ended", f"a date no earlier than the start ({start.isoformat()})")


def _iso(day: date | None) -> str:
    return day.isoformat() if day is not None else ""
