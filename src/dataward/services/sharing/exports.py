"""Disclosing subjects' data to a register recipient, recorded: `export_to_recipient`.

An export goes to one recipient for one purpose, and carries only what the register lets it
receive: the fields of the recipient's scopes for the purpose that the purpose's categories
hold, and of those only what the store holds (the subjects' identifiers,
`domain.sharing.exports`), with each subject's random id. It is refused whole, before anyone's
data is read, when the actor's role may not disclose or could never be allowed the purpose's
categories (`Gate.before_any_subject`), or when any destination the register lists for the
recipient lacks a valid Chapter V mechanism today or rests on a suspended one
(`domain.register.transfers.transfer_refusal`); each refusal is recorded for the DCO and
audited. Otherwise every subject of the purpose's kinds (our own subjects, never a tenant's) is
put to the gate, one decision per category, each recorded; a subject goes only with the
categories the gate allowed (for a consent-based purpose: a consent to that purpose, which for a
recipient's own marketing names the recipient). The batch, one log entry per subject disclosed
and the audit entry land in one transaction, with the gate's decisions, before anything is
decrypted; then the identifiers allowed are opened for the export.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from dataward.domain.audit import AuditAction
from dataward.domain.errors import AccessDenied, InvalidValue
from dataward.domain.identifiers import IdentifierType
from dataward.domain.permissions import require
from dataward.domain.processing.gate import Gate, Question
from dataward.domain.register.model import Purpose, Recipient, StaffAction
from dataward.domain.register.transfers import covering_keys, transfer_refusal
from dataward.domain.requests.workflow import uk_date
from dataward.domain.sharing.exports import allowed_fields, category_of, exported_types
from dataward.domain.sharing.records import (
    Disclosure,
    DisclosureBatch,
    RefusedExport,
    ShareRefused,
)
from dataward.domain.subjects import Subject
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.ports import UnitOfWork
from dataward.services.processing.gate import decide_many

MAX_SUBJECTS = 100_000
"""The most subjects one export reads: more is refused, not cut short silently."""


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


@dataclass(frozen=True, slots=True)
class ShareExport:
    recipient: str
    purpose: str
    format: ExportFormat | str = ExportFormat.CSV


@dataclass(frozen=True, slots=True)
class ExportRow:
    subject_id: str
    values: dict[str, str]
    """Identifier type -> value, only those the gate allowed."""

    def __repr__(self) -> str:  # never print the values by accident
        return f"ExportRow(subject_id={self.subject_id!r}, columns={sorted(self.values)})"


@dataclass(frozen=True, slots=True)
class SharedExport:
    batch: DisclosureBatch
    columns: tuple[str, ...]
    """The identifier types the export may carry, in order (after the subject id)."""
    rows: tuple[ExportRow, ...]
    withheld: dict[str, int]
    """The gate's reasons for subjects left out, with how many (never who)."""


def export_to_recipient(ctx: UseCase, command: ShareExport) -> SharedExport:
    """Disclose to the recipient what the register and the gate allow, logged per subject."""
    uow, register, actor, gate = ctx.uow, ctx.register, ctx.actor, Gate(ctx.register)
    require(register, actor, StaffAction.DISCLOSE_TO_RECIPIENTS)
    try:
        form = ExportFormat(command.format)
    except ValueError:
        raise InvalidValue("format", "csv or json") from None
    recipient = register.recipient(command.recipient)
    purpose = register.purpose(command.purpose)
    fields, types = _what_may_go(recipient, purpose)
    categories = sorted({category_of(t) for t in types})
    now = ctx.clock.now()
    with uow:
        for category in categories:
            reason = gate.before_any_subject(
                actor, Question(category, purpose.key, now, decrypt=True)
            )
            if reason is not None:
                _refuse(ctx, command, f"the gate refuses the role: {reason.value}")
                raise AccessDenied(reason.value, purpose.key, category)
        suspended = {s.mechanism for s in uow.sharing.suspensions()}
        for transfer in recipient.transfers:
            why = transfer_refusal(transfer, suspended, uk_date(now))
            if why is not None:
                holding = sorted(covering_keys(transfer) & suspended)
                _refuse(ctx, command, why, holding[0] if holding else None)
                raise ShareRefused(f"export to {recipient.key!r} refused: {why}")
        ids = uow.sharing.own_subjects_of_kinds(purpose.subject_kinds, MAX_SUBJECTS + 1)
        if len(ids) > MAX_SUBJECTS:
            _refuse(ctx, command, f"more than {MAX_SUBJECTS} subjects in one export")
            raise ShareRefused(f"more than {MAX_SUBJECTS} subjects in one export: none sent")
        live = uow.subjects.get_many(ids)
        subjects = [live[i] for i in ids if i in live]
        allowed, withheld = _put_to_gate(uow, gate, ctx, (subjects, categories, purpose.key))
        held = uow.subjects.identifiers_of_many(sorted(allowed)) if allowed else {}
        sealed: list[tuple[str, list[tuple[str, bytes]]]] = []
        for subject in subjects:
            key = str(subject.id)
            kinds = [
                (s.type, s.ciphertext)
                for s in held.get(key, ())
                if s.type in {t.value for t in types}
                and category_of(IdentifierType(s.type)) in allowed.get(key, set())
            ]
            if kinds:
                sealed.append((key, kinds))
        batch = DisclosureBatch(
            uuid.uuid4(), recipient.key, purpose.key, fields, form.value, len(sealed), now, actor.id
        )
        entries = [
            Disclosure(
                batch.id,
                key,
                recipient.key,
                purpose.key,
                tuple(sorted({category_of(IdentifierType(t)) for t, _c in kinds})),
                now,
            )
            for key, kinds in sealed
        ]
        uow.sharing.record(batch, entries)
        details = {
            "batch": str(batch.id),
            "recipient": recipient.key,
            "subjects": len(sealed),
            "format": form.value,
        }
        record(
            uow,
            ctx.clock,
            actor,
            Audited(AuditAction.DATA_SHARED, purpose=purpose.key, details=details),
        )
        uow.commit()
    rows = tuple(
        ExportRow(key, {kind: ctx.vault.open(key, c) for kind, c in kinds}) for key, kinds in sealed
    )
    return SharedExport(batch, tuple(t.value for t in types), rows, dict(withheld))


def _what_may_go(
    recipient: Recipient, purpose: Purpose
) -> tuple[tuple[str, ...], tuple[IdentifierType, ...]]:
    """The fields the recipient may receive for the purpose, and the identifier types of them."""
    if recipient.key not in purpose.recipients:
        raise ShareRefused(
            f"purpose {purpose.key!r} does not list recipient {recipient.key!r} in the register"
        )
    fields = tuple(
        f for f in allowed_fields(recipient, purpose.key) if f.split(".")[0] in purpose.categories
    )
    types = exported_types(fields)
    if not types:
        raise ShareRefused(
            f"recipient {recipient.key!r} may receive for {purpose.key!r} no field the store holds"
        )
    return fields, types


def _put_to_gate(
    uow: UnitOfWork, gate: Gate, ctx: UseCase, asked: tuple[Sequence[Subject], list[str], str]
) -> tuple[dict[str, set[str]], Counter[str]]:
    """Each subject's categories the gate allows for the purpose (every decision recorded), and
    how many subjects each reason kept out entirely."""
    subjects, categories, purpose = asked
    now = ctx.clock.now()
    questions = [
        (subject, Question(category, purpose, now, decrypt=True))
        for subject in subjects
        for category in categories
    ]
    decisions = decide_many(uow, gate, ctx.actor, questions)
    allowed: dict[str, set[str]] = {}
    refused: dict[str, str] = {}
    for (subject, question), decision in zip(questions, decisions, strict=True):
        key = str(subject.id)
        if decision.allowed:
            allowed.setdefault(key, set()).add(question.category)
        else:
            refused.setdefault(key, decision.reason.value)
    withheld = Counter(why for key, why in refused.items() if key not in allowed)
    return allowed, withheld


def _refuse(ctx: UseCase, command: ShareExport, why: str, mechanism: str | None = None) -> None:
    """Record the refusal for the DCO and audit it, committed before the refusal is raised."""
    uow, now = ctx.uow, ctx.clock.now()
    recipient, purpose = (
        ctx.register.recipient(command.recipient),
        ctx.register.purpose(command.purpose),
    )
    uow.sharing.record_refusal(
        RefusedExport(uuid.uuid4(), recipient.key, purpose.key, why, now, ctx.actor.id, mechanism)
    )
    details = {"recipient": recipient.key, "reason": why[:200]}
    if mechanism is not None:
        details["mechanism"] = mechanism
    record(
        uow,
        ctx.clock,
        ctx.actor,
        Audited(AuditAction.SHARE_REFUSED, purpose=purpose.key, details=details),
    )
    uow.commit()
