"""Carrying out a rectification request (Art. 16) end to end.

Each correction names an identifier kind and its right value: every identifier of that kind the
subject has is replaced by the new one, normalised, indexed and sealed under the subject's own
key, so the old value can no longer be found by its blind index. A value that already belongs
to another subject is refused (which subject is not said). Instead of, or as well as,
corrections the person may add a supplementary statement; it is sealed under their key too.

Recipients that may have received the corrected data are each sent a notice (Art. 19,
`services.rights.recipient_notices`), queued in the transaction of the correction. The request
completes with a summary naming kinds and recipients, never an old or new value.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

from dataward.domain.audit import AuditAction
from dataward.domain.errors import NotFound
from dataward.domain.identifiers import (
    REGISTER_FIELD,
    UNIQUE_TYPES,
    IdentifierType,
    identifier_type,
    normalise,
)
from dataward.domain.permissions import require
from dataward.domain.register.model import StaffAction
from dataward.domain.requests.workflow import (
    RequestEvent,
    RequestRefused,
    RequestType,
    RightsRequest,
)
from dataward.domain.subjects import Subject
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.ports import UnitOfWork, Vault
from dataward.services.processing.disclosure import identifier_category
from dataward.services.register.recipients import recipients_to_tell
from dataward.services.rights.fulfilment import as_outcome, working_request
from dataward.services.rights.recipient_notices import Change, NoticeOf, prepare_notices
from dataward.services.rights.requests import Step, advance
from dataward.services.subjects.registry import DuplicateIdentifier, scope_of

MAX_STATEMENT = 4000


@dataclass(frozen=True, slots=True)
class RectificationResult:
    request_id: UUID
    subject_id: UUID
    corrected: list[str]
    """Identifier kinds corrected."""
    replaced: int
    """How many stored identifiers the corrections replaced."""
    statement_added: bool
    recipients: list[str] = field(default_factory=list)
    recipients_told: list[str] = field(default_factory=list)
    """Recipients sent a notice of the correction (Art. 19), queued with it."""
    recipients_not_told: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"corrected: {', '.join(self.corrected) or 'nothing'}"]
        if self.statement_added:
            parts.append("supplementary statement added")
        parts.append(f"recipients to tell: {', '.join(self.recipients) or 'none'}")
        return "; ".join(parts)[:500]


@dataclass(frozen=True, slots=True)
class Rectify:
    """What a rectification request is carried out with: (identifier kind, corrected value)
    pairs, a supplementary statement, or both."""

    corrections: Sequence[tuple[IdentifierType | str, str]] = field(default=(), repr=False)
    statement: str | None = field(default=None, repr=False)


def fulfil_rectification(
    ctx: UseCase, request_id: UUID | str, asked: Rectify
) -> RectificationResult:
    """Correct the request's subject's identifiers and/or add a supplementary statement, then
    complete the request. Nothing is changed if any correction is refused.

    The notices to the recipients read the subject through the gate first, each decision
    committed before anything is opened; then the corrections, the statement, the notices
    queued and the request completed land in one transaction, or none does."""
    uow, vault, clock, register, actor = ctx.uow, ctx.vault, ctx.clock, ctx.register, ctx.actor
    corrections, statement = asked.corrections, asked.statement
    if not corrections and not (statement and statement.strip()):
        raise RequestRefused("give the corrections, or a supplementary statement, or both")
    if statement is not None and len(statement) > MAX_STATEMENT:
        raise RequestRefused(f"the supplementary statement is longer than {MAX_STATEMENT}")
    kinds = [identifier_type(kind, "corrections.kind") for kind, _ in corrections]
    if len(set(kinds)) != len(kinds):
        raise RequestRefused("one correction per identifier kind")
    with uow:  # who is told, and by what, read before anything changes
        request, subject = _subject_of(ctx, request_id)
        region = _region(uow, subject)
        stored = list(uow.subjects.identifiers_of(subject.id))
        fields: dict[str, list[str]] = {}
        for kind in kinds:
            category = identifier_category(kind, subject)
            fields.setdefault(category, []).append(
                REGISTER_FIELD[kind][1] if subject.tenant_id is None else "calling_number"
            )
        categories = (
            sorted(fields)
            if fields
            else sorted({identifier_category(s.type, subject) for s in stored})
        )
        recipients = recipients_to_tell(
            uow, register, subject.id, categories=categories, fields=fields or None
        )
    text = (statement or "").strip()
    notices = prepare_notices(
        ctx,
        request.id,
        subject,
        recipients,
        NoticeOf(Change.RECTIFICATION, _corrected(corrections, region), bool(text)),
    )
    now = clock.now()
    with uow:
        request, subject = _subject_of(ctx, request_id)
        region = _region(uow, subject)
        scope = scope_of(subject.tenant_id)
        rows: list[dict[str, object]] = []
        for given, raw in corrections:
            ident = normalise(given, raw, region=region)
            index = vault.blind_index(scope, ident.type.value, ident.index_form)
            owner = uow.subjects.find_by_index(scope, ident.type.value, index)
            if owner is not None and owner != str(subject.id) and ident.type in UNIQUE_TYPES:
                raise DuplicateIdentifier(ident.type.value, owner)
            rows.append(
                {
                    "subject_id": str(subject.id),
                    "scope": scope,
                    "type": ident.type.value,
                    "blind_index": index,
                    "ciphertext": vault.seal(str(subject.id), ident.value),
                    "created_at": now,
                }
            )
        corrected = sorted(k.value for k in kinds)
        replaced = uow.holds.delete_identifiers(str(subject.id), corrected)
        uow.subjects.add_identifiers(rows)
        added = bool(text)
        if added:
            uow.statements.add(
                statement_id=str(uuid.uuid4()),
                subject_id=str(subject.id),
                request_id=str(request.id),
                ciphertext=vault.seal(str(subject.id), text),
                at=now,
            )
        notices.queue(uow, request.id, now)  # each recipient told, with the change
        record(
            uow,
            clock,
            actor,
            Audited(
                AuditAction.IDENTIFIER_RECTIFIED,
                subject_ref=subject.id,
                decision="rectified",
                details={
                    "request": str(request.id),
                    "kinds": corrected,
                    "replaced": replaced,
                    "statement": added,
                    "recipients": recipients,
                },
            ),
        )
        result = RectificationResult(
            request.id,
            subject.id,
            corrected,
            replaced,
            added,
            recipients,
            recipients_told=list(notices.told),
            recipients_not_told=list(notices.untold),
        )
        advance(
            ctx,
            request.id,
            Step(RequestEvent.COMPLETE, reason=result.summary(), outcome=as_outcome(result)),
        )
        uow.commit()
    return result


def _subject_of(ctx: UseCase, request_id: UUID | str) -> tuple[RightsRequest, Subject]:
    """The request, if it may be carried out now, and its live subject, which the actor may
    correct (call inside the unit of work)."""
    request, subject_id = working_request(ctx, request_id, RequestType.RECTIFICATION)
    subject = ctx.uow.subjects.get(subject_id)
    if subject is None or subject.erased:
        raise NotFound("subject", str(subject_id))
    require(ctx.register, ctx.actor, StaffAction.REGISTER_SUBJECTS, tenant_id=subject.tenant_id)
    return request, subject


def _region(uow: UnitOfWork, subject: Subject) -> str | None:
    """The dialling region a caller's national numbers are read in (its tenant's)."""
    if subject.tenant_id is None:
        return None
    tenant = uow.tenants.get(subject.tenant_id)
    return tenant.region if tenant is not None else None


def _corrected(
    corrections: Sequence[tuple[IdentifierType | str, str]], region: str | None
) -> dict[IdentifierType, str]:
    """The corrected values by kind, normalised as they will be stored (for the notices)."""
    values = (normalise(kind, raw, region=region) for kind, raw in corrections)
    return {ident.type: ident.value for ident in values}


def supplementary_statements(uow: UnitOfWork, vault: Vault, subject_id: UUID | str) -> list[str]:
    """The subject's supplementary statements, opened (for an access answer or the DCO)."""
    with uow:
        sealed = uow.statements.of(str(subject_id))
    return [vault.open(str(subject_id), c) for c in sealed]
