"""The subjects a report by agent or by caller labels its cells with, put to the gate.

The figures of such a report are pseudonymous, but a row labelled with a caller's or an
agent's subject reference joins an aggregate back to a person: that is processing of their
personal data, for a purpose, and the gate decides it like any other use. Nothing is decrypted
(`decrypt=False`: a label is a reference, not a number), so a role that works on pseudonymous
records only, an operator, may be allowed it.

- Before anything is read, the role must have need-to-know for the purpose and the category a
  label is under (checks 1-3 of the gate, `Gate.before_any_subject`): else the whole report is
  refused (`AccessDenied`), as a look-up is, saying nothing about anyone.
- Then every subject that labels a cell the report will show (one the k rule keeps; a cell
  under k is released only pooled and unlabelled, so its label is never disclosed and asks for
  no decision) is put to the gate together (`decide_many`), its decision recorded in the
  report's own transaction. The category is the one its data is under, as
  `identifier_category` gives it and as the parties of a call are read
  (`disclosure.read_parties`): a tenant's caller is its number, `telephony_activity`; one of
  our own subjects is in a call as an agent or extension, its agent id's category (also
  `telephony_activity`, `domain.identifiers.REGISTER_FIELD`), whichever column it is in (an
  extension that rings a queue is the call's caller).
- A subject the gate refuses, for any reason (erased, restricted, objected to, out of the
  role's tenant scope, a category the purpose or role does not cover), is left out of the
  report in every form, and so is a reference to no subject at all: its calls are in no row,
  not even a pooled one (a row of a lone refused subject's calls would be its figures), and
  the report counts the labels left out without naming them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from dataward.domain.calls.acd_report import ReportBy
from dataward.domain.errors import AccessDenied
from dataward.domain.identifiers import IdentifierType
from dataward.domain.processing.gate import Gate, Question
from dataward.domain.subjects import Actor, Subject
from dataward.services.ports import UnitOfWork
from dataward.services.processing.disclosure import identifier_category
from dataward.services.processing.gate import decide_many
from dataward.services.processing.lookup import lookup_category

REPORTING_PURPOSE = "telephony_reporting"
"""The purpose a report's labels serve unless another is named: the register's purpose for
producing a tenant's call reports."""


def label_kind(by: ReportBy) -> IdentifierType:
    """What a report's labels stand for: an agent is its agent id, a caller its number."""
    return IdentifierType.AGENT_ID if by is ReportBy.AGENT else IdentifierType.PHONE


def party_kind(subject: Subject) -> IdentifierType:
    """What a subject stands for in a call, whichever column names it: a tenant's caller is
    its number, one of our own subjects its agent id (as `read_parties` reads them)."""
    return IdentifierType.PHONE if subject.tenant_id is not None else IdentifierType.AGENT_ID


@dataclass(frozen=True, slots=True)
class Labels:
    """The labels of a report by `by` in `tenant_id`, for `purpose`, decided by `gate` (the
    register in force's) at `at`."""

    gate: Gate
    by: ReportBy
    tenant_id: str
    purpose: str
    at: datetime


def check_labels(actor: Actor, labels: Labels) -> None:
    """Raise `AccessDenied` unless `actor` could ever be shown a label of this report, before
    anything is read: the category of what the report is by (an agent, one of our own
    subjects; a caller, the tenant's) under the purpose."""
    owner = None if labels.by is ReportBy.AGENT else labels.tenant_id
    category = lookup_category(label_kind(labels.by), owner)
    question = Question(category, labels.purpose, labels.at)
    reason = labels.gate.before_any_subject(actor, question)
    if reason is not None:
        raise AccessDenied(reason.value, labels.purpose, category)


def refused_labels(
    uow: UnitOfWork, actor: Actor, refs: Collection[str], labels: Labels
) -> set[str]:
    """The references among `refs` that may not label a cell, every decision recorded in
    `uow` (the caller commits). A reference to no subject is refused without a decision (no
    one is left to decide about); an erased subject is decided from its tombstone."""
    wanted = sorted(refs)
    live = uow.subjects.get_many(wanted) if wanted else {}
    refused: set[str] = set()
    asked: list[tuple[Subject, Question]] = []
    asked_refs: list[str] = []  # the label as the cells have it, for each subject asked
    for ref in wanted:
        subject = live.get(ref) or uow.subjects.get(ref)
        if subject is None:
            refused.add(ref)
            continue
        category = identifier_category(party_kind(subject), subject)
        asked.append((subject, Question(category, labels.purpose, labels.at)))
        asked_refs.append(ref)
    decisions = decide_many(uow, labels.gate, actor, asked)
    refused.update(
        ref for ref, decision in zip(asked_refs, decisions, strict=True) if not decision.allowed
    )
    return refused
