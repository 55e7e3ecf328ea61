"""Whether a subject can still be served under a contract (or statutory) purpose, and telling
the person what is missing (UK GDPR Art. 13(2)(e); the policy: "we will notify you if this is
the case at the time").

`missing_for` lists the fields the purpose requires (`Purpose.required_fields`) that none of the
subject's identifiers is: it reads which kinds of identifier the subject holds, never their
values, so nothing is decrypted. `ask_for_missing` queues, on a rights request about the subject
that is open, a letter saying which data is needed, whose requirement it is and that the service
cannot be provided without it; the letter, its audit entry and the check are one transaction.

Why a command and not a hook: no change today removes one identifier while the subject stays
(a rectification replaces a kind's value with a new one; an erasure, even one a legal hold keeps
in part, ends the subject's service altogether), so the check runs where staff learn that data
is missing or withdrawn: `dataward subjects required` and `GET /api/v1/subjects/{id}/required`.
Registration itself refuses a subject without the data (`services.subjects.registry`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from uuid import UUID

from dataward.domain.audit import AuditAction
from dataward.domain.errors import NoSuchSubject
from dataward.domain.permissions import require
from dataward.domain.register.model import StaffAction
from dataward.domain.register.required import RequiredData, missing_fields, required_data

__all__ = ["REQUIRED_DATA_LETTER", "AskForData", "RequiredData", "ask_for_missing", "missing_for"]
from dataward.domain.requests.workflow import RequestRefused, RightsRequest
from dataward.domain.subjects import Subject
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.processing.lookup import within_reach
from dataward.services.subjects.registry import SubjectRefused

REQUIRED_DATA_LETTER = "required_data"


@dataclass(frozen=True, slots=True)
class AskForData:
    """Which subject, under which purpose, and (when more than one is open) which request."""

    subject_id: UUID | str
    purpose: str
    request_id: UUID | str | None = None


def missing_for(ctx: UseCase, subject_id: UUID | str, purpose: str) -> RequiredData:
    """What the purpose requires that the subject does not hold (empty `missing`: it can be
    served). An unknown subject and one outside the role's reach are alike."""
    uow = ctx.uow
    with uow:
        subject = _reachable(ctx, subject_id, StaffAction.REGISTER_SUBJECTS)
        return _missing(ctx, subject, purpose)


def ask_for_missing(ctx: UseCase, command: AskForData) -> tuple[RequiredData, UUID]:
    """Queue the letter asking for what the purpose requires, on the open request about the
    subject; refused when nothing is missing, no request is open (or more than one and none
    named), or the request gave no address to write to. Returns what was asked for, and on
    which request."""
    uow, vault, clock, actor = ctx.uow, ctx.vault, ctx.clock, ctx.actor
    with uow:
        subject = _reachable(ctx, command.subject_id, StaffAction.MANAGE_REQUESTS)
        needed = _missing(ctx, subject, command.purpose)
        if not needed.missing:
            raise SubjectRefused(
                f"the subject holds everything purpose {needed.purpose!r} requires: "
                "there is nothing to ask for"
            )
        request = _open_request(ctx, subject, command.request_id)
        if uow.requests.contact(request.id) is None:
            raise RequestRefused(
                "the request gave no address to write to: tell the person another way"
            )
        facts = {
            "activity": needed.activity,
            "needed": needed.words,
            "requirement": needed.requirement,
        }
        key = str(request.id)
        now = clock.now()
        uow.requests.queue_letter(
            key, REQUIRED_DATA_LETTER, now, vault.seal(key, json.dumps(facts))
        )
        record(
            uow,
            clock,
            actor,
            Audited(
                AuditAction.REQUIRED_DATA_ASKED,
                subject_ref=subject.id,
                purpose=needed.purpose,
                details={"request": key, "fields": list(needed.missing)},
            ),
        )
        uow.commit()
    return needed, request.id


def _reachable(ctx: UseCase, subject_id: UUID | str, action: StaffAction) -> Subject:
    register, actor = ctx.register, ctx.actor
    subject = ctx.uow.subjects.get(subject_id)
    if subject is None or not within_reach(register, actor, subject.tenant_id):
        raise NoSuchSubject
    require(register, actor, action, tenant_id=subject.tenant_id)
    if subject.erased:
        raise SubjectRefused("the subject was erased: no service is provided to it")
    return subject


def _missing(ctx: UseCase, subject: Subject, purpose_key: str) -> RequiredData:
    register = ctx.register
    purpose = register.purpose(purpose_key)
    if subject.kind not in purpose.subject_kinds:
        raise SubjectRefused(f"purpose {purpose.key!r} does not cover a {subject.kind}")
    held = {stored.type for stored in ctx.uow.subjects.identifiers_of(subject.id)}
    return required_data(register, purpose, missing_fields(purpose, held))


def _open_request(ctx: UseCase, subject: Subject, wanted: UUID | str | None) -> RightsRequest:
    open_ = [r for r in ctx.uow.requests.for_subject(subject.id) if not r.closed]
    if wanted is not None:
        found = next((r for r in open_ if str(r.id) == str(wanted)), None)
        if found is None:
            raise RequestRefused("the request named is not an open request about the subject")
        return found
    if not open_:
        raise RequestRefused(
            "no rights request about the subject is open: tell the person another way"
        )
    if len(open_) > 1:
        raise RequestRefused(f"{len(open_)} requests about the subject are open: name one")
    return open_[0]
