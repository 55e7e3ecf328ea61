"""Carrying out a rectification request (Art. 16) end to end.

Each correction names an identifier kind and its right value: every identifier of that kind the
subject has is replaced by the new one, normalised, indexed and sealed under the subject's own
key, so the old value can no longer be found by its blind index. A value that already belongs
to another subject is refused (which subject is not said). Instead of, or as well as,
corrections the person may add a supplementary statement; it is sealed under their key too.

Recipients that may have received the corrected data are listed for notice (Art. 19). The
request completes with a summary naming kinds and recipients, never an old or new value.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

from dataward.domain.audit import AuditAction
from dataward.domain.calendar import HolidayCalendar
from dataward.domain.clock import Clock
from dataward.domain.errors import NotFound
from dataward.domain.identifiers import (
    REGISTER_FIELD,
    UNIQUE_TYPES,
    IdentifierType,
    identifier_type,
    normalise,
)
from dataward.domain.permissions import require
from dataward.domain.register import Register, StaffAction
from dataward.domain.requests import RequestEvent, RequestRefused, RequestType
from dataward.domain.subjects import Actor
from dataward.services.audit import record
from dataward.services.disclosure import identifier_category
from dataward.services.fulfilment import as_outcome, working_request
from dataward.services.ports import UnitOfWork, Vault
from dataward.services.recipients import recipients_to_tell
from dataward.services.requests import advance
from dataward.services.subjects import DuplicateIdentifier, scope_of

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

    def summary(self) -> str:
        parts = [f"corrected: {', '.join(self.corrected) or 'nothing'}"]
        if self.statement_added:
            parts.append("supplementary statement added")
        parts.append(f"recipients to tell: {', '.join(self.recipients) or 'none'}")
        return "; ".join(parts)[:500]


def fulfil_rectification(
    uow: UnitOfWork,
    vault: Vault,
    clock: Clock,
    holidays: HolidayCalendar,
    register: Register,
    actor: Actor,
    request_id: UUID | str,
    *,
    corrections: Sequence[tuple[IdentifierType | str, str]] = (),
    statement: str | None = None,
) -> RectificationResult:
    """Correct the request's subject's identifiers and/or add a supplementary statement, then
    complete the request. Nothing is changed if any correction is refused."""
    if not corrections and not (statement and statement.strip()):
        raise RequestRefused("give the corrections, or a supplementary statement, or both")
    if statement is not None and len(statement) > MAX_STATEMENT:
        raise RequestRefused(f"the supplementary statement is longer than {MAX_STATEMENT}")
    kinds = [identifier_type(kind, "corrections.kind") for kind, _ in corrections]
    if len(set(kinds)) != len(kinds):
        raise RequestRefused("one correction per identifier kind")
    now = clock.now()
    with uow:
        request, subject_id = working_request(
            uow, register, actor, request_id, RequestType.RECTIFICATION
        )
        subject = uow.subjects.get(subject_id)
        if subject is None or subject.erased:
            raise NotFound("subject", str(subject_id))
        require(register, actor, StaffAction.REGISTER_SUBJECTS, tenant_id=subject.tenant_id)
        region = None
        if subject.tenant_id is not None:
            tenant = uow.tenants.get(subject.tenant_id)
            region = tenant.region if tenant is not None else None
        scope = scope_of(subject.tenant_id)
        stored = list(uow.subjects.identifiers_of(subject.id))
        rows: list[dict[str, object]] = []
        for kind, raw in corrections:
            ident = normalise(kind, raw, region=region)
            index = vault.blind_index(scope, ident.type.value, ident.index_form)
            owner = uow.subjects.find_by_index(scope, ident.type.value, index)
            if owner is not None and owner != str(subject.id) and ident.type in UNIQUE_TYPES:
                raise DuplicateIdentifier(ident.type.value, owner)
            rows.append(
                {
                    "subject_id": str(subject.id), "scope": scope, "type": ident.type.value,
                    "blind_index": index, "ciphertext": vault.seal(str(subject.id), ident.value),
                    "created_at": now,
                }
            )  # fmt: skip
        corrected = sorted(k.value for k in kinds)
        replaced = uow.holds.delete_identifiers(str(subject.id), corrected)
        uow.subjects.add_identifiers(rows)
        text = (statement or "").strip()
        added = bool(text)
        if added:
            uow.statements.add(
                statement_id=str(uuid.uuid4()), subject_id=str(subject.id),
                request_id=str(request.id),
                ciphertext=vault.seal(str(subject.id), text), at=now,
            )  # fmt: skip
        fields: dict[str, list[str]] = {}
        for kind in kinds:
            category = identifier_category(kind, subject)
            fields.setdefault(category, []).append(
                REGISTER_FIELD[kind][1] if subject.tenant_id is None else "calling_number"
            )
        categories = sorted(fields) if fields else sorted(
            {identifier_category(s.type, subject) for s in stored}
        )  # fmt: skip
        recipients = recipients_to_tell(
            uow, register, subject.id, categories=categories, fields=fields or None
        )
        record(
            uow, clock, actor, AuditAction.IDENTIFIER_RECTIFIED, subject_ref=subject.id,
            decision="rectified",
            details={
                "request": str(request.id), "kinds": corrected, "replaced": replaced,
                "statement": added, "recipients": recipients,
            },
        )  # fmt: skip
        uow.commit()
    result = RectificationResult(request.id, subject.id, corrected, replaced, added, recipients)
    advance(
        uow, clock, holidays, register, actor, request.id, RequestEvent.COMPLETE,
        reason=result.summary(), outcome=as_outcome(result),
    )  # fmt: skip
    return result


def supplementary_statements(uow: UnitOfWork, vault: Vault, subject_id: UUID | str) -> list[str]:
    """The subject's supplementary statements, opened (for an access answer or the DCO)."""
    with uow:
        sealed = uow.statements.of(str(subject_id))
    return [vault.open(str(subject_id), c) for c in sealed]
