"""The right to data portability (UK GDPR Art. 20): the data the subject provided (their
identifiers, their consents, and observed data such as the calls they made), where we process
it by automated means on the basis of consent or contract, in JSON and CSV.

The basis is decided per register category from the purposes that concern the subject's kind:
a category qualifies when one of those purposes relies on consent or contract (Art. 20(1)(a)).
Provided data held only on other bases is listed as refused with the reason (for instance
"legitimate interests: Art. 20 does not apply"). A tenant's caller's call data is processed for
the tenant, its controller, which sets the basis: a request routed to the tenant and worked by
its administrator is carried out on the controller's behalf.

Outcome: all provided data qualified: the request is completed. Some provided data did not, or
none did: it is completed partially (Art. 12(4): the person is told, within the month, what was
not given and why, and of the right to complain). The answer is always sent, so the reasons
reach the person: the ZIP holds the refused items and their reasons, and the completion letter
carries its link and states each item left out, why and until when we keep it
(`domain.requests.not_done`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from dataward.domain.identifiers import IdentifierType
from dataward.domain.processing.gate import Gate, Question
from dataward.domain.processing.legal_hold import held_until
from dataward.domain.register.model import LawfulBasis, Register, Role
from dataward.domain.requests.access_datasets import CALL_COLUMNS
from dataward.domain.requests.not_done import LeftOut, NotDone, not_portable
from dataward.domain.requests.package import Cell, Dataset, SubjectPackage, Withheld
from dataward.domain.requests.workflow import RequestEvent, RequestType, RightsRequest
from dataward.domain.subjects import Subject
from dataward.services.context import UseCase
from dataward.services.processing.disclosure import (
    ReadIdentifiers,
    identifier_category,
    read_identifiers,
)
from dataward.services.processing.gate import decide
from dataward.services.rights.access import CONTROLLER_PURPOSE, PROCESSOR_PURPOSE, TELEPHONY
from dataward.services.rights.access_info import purposes_for_kind
from dataward.services.rights.delivery import (
    Delivery,
    HandOver,
    deliver_package,
    require_delivery_address,
)
from dataward.services.rights.downloads import IssuedLink
from dataward.services.rights.fulfilment import working_request

PORTABLE = frozenset({LawfulBasis.CONSENT, LawfulBasis.CONTRACT})
CONSENT_CATEGORY = "marketing_communications"
"""Where the register files consent records (field `consent_records`)."""


_TENANT_BASIS = "as instructed by the customer organisation, the controller"
_PROCESSOR_ONLY = (
    "held for a customer organisation as its processor: ask that organisation, the controller"
)


@dataclass(frozen=True, slots=True)
class BasisFinding:
    category: str
    qualifies: bool
    basis: str
    """The qualifying bases, or why the right does not apply."""


@dataclass(frozen=True, slots=True)
class PortabilityDelivered:
    request_id: UUID
    link: IssuedLink
    package: SubjectPackage
    partial: bool


def portability_basis(register: Register, subject: Subject, category: str) -> BasisFinding:
    """Does Art. 20 reach this category of this subject's data? Decided from the register."""
    if register.category(category).role is Role.PROCESSOR:
        if subject.tenant_id is not None:
            return BasisFinding(category, qualifies=True, basis=_TENANT_BASIS)
        return BasisFinding(category, qualifies=False, basis=_PROCESSOR_ONLY)
    bases = {
        p.lawful_basis
        for p in purposes_for_kind(register, subject.kind)
        if category in p.categories and p.lawful_basis is not None
    }
    if not register.category(category).provided_by_subject:
        return BasisFinding(
            category, qualifies=False, basis="not provided by you: Art. 20 does not apply"
        )
    portable = sorted(b.value for b in bases & PORTABLE)
    if portable:
        return BasisFinding(
            category, qualifies=True, basis=" and ".join(b.replace("_", " ") for b in portable)
        )
    others = sorted(b.value.replace("_", " ") for b in bases) or ["no purpose of ours"]
    return BasisFinding(
        category, qualifies=False, basis=f"{' and '.join(others)}: Art. 20 does not apply"
    )


def collect_portability_package(
    ctx: UseCase, request: RightsRequest, subject_id: UUID
) -> tuple[SubjectPackage, bool]:
    """The portable data and the refusals; True as second value when something provided was
    refused (or nothing qualified). Each gate decision is committed before what it allows is
    opened, so call it outside a transaction."""
    uow, vault, clock, actor = ctx.uow, ctx.vault, ctx.clock, ctx.actor
    register, gate = ctx.register, Gate(ctx.register)
    purpose = PROCESSOR_PURPOSE if request.tenant_id is not None else CONTROLLER_PURPOSE
    with uow:
        subject = uow.subjects.get(subject_id)
        assert subject is not None  # noqa: S101 - working_request found it
    findings: dict[str, BasisFinding] = {}

    def finding(category: str) -> BasisFinding:
        if category not in findings:
            findings[category] = portability_basis(register, subject, category)
        return findings[category]

    refused: list[Withheld] = []
    identifiers: list[tuple[Cell, ...]] = []
    disclosure = read_identifiers(
        uow, vault, gate, actor, ReadIdentifiers(subject_id, purpose, clock.now())
    )
    for item in sorted(disclosure.identifiers, key=lambda i: (i.type, i.value)):
        found = finding(identifier_category(IdentifierType(item.type), subject))
        if found.qualifies:
            identifiers.append((item.type, item.value))
        else:
            refused.append(Withheld(f"identifier: {item.type}", found.basis))
    at = clock.now()
    consents: list[tuple[Cell, ...]] = []
    calls: list[tuple[Cell, ...]] = []
    with uow:
        events = list(uow.consents.events_for(subject_id))
        if events:
            found = finding(CONSENT_CATEGORY)
            if found.qualifies:
                consents = [
                    (
                        e.purpose,
                        e.channel,
                        e.state.value,
                        e.method.value,
                        e.notice_version,
                        e.at.isoformat(),
                    )
                    for e in events
                ]
            else:
                refused.append(Withheld("consents", found.basis))
        telephony = finding(TELEPHONY)
        if request.tenant_id is not None and telephony.qualifies:
            decision = decide(
                uow, gate, actor, subject_id, Question(TELEPHONY, PROCESSOR_PURPOSE, at)
            )
            if decision.allowed:
                made = [
                    c
                    for c in uow.calls.calls_of(request.tenant_id, str(subject_id))
                    if c.caller_ref == str(subject_id)
                ]
                calls = [
                    _call_row(c) for c in sorted(made, key=lambda c: (c.started_at, c.source_key))
                ]
            else:
                refused.append(Withheld("calls", f"not readable now: {decision.reason.value}"))
        elif request.tenant_id is None:
            refused.append(Withheld("calls", finding(TELEPHONY).basis))
        uow.commit()
    nothing = not (identifiers or consents or calls)
    basis = [
        {"category": f.category, "portable": f.qualifies, "basis": f.basis}
        for f in sorted(findings.values(), key=lambda f: f.category)
    ]
    package = SubjectPackage(
        kind="portability",
        request_id=str(request.id),
        subject_id=str(subject_id),
        generated_at=at,
        organisation=register.organisation.name,
        datasets=(
            Dataset(
                "identifiers", "Identifiers you gave us", ("type", "value"), tuple(identifiers)
            ),
            Dataset(
                "consents",
                "Consents you gave or withdrew",
                ("purpose", "channel", "state", "method", "notice_version", "at"),
                tuple(consents),
            ),
            Dataset(
                "calls",
                "Calls you made (the other parties are not shown)",
                CALL_COLUMNS,
                tuple(calls),
            ),
        ),
        supplementary={
            "portability_basis": basis,
            "not_covered": (
                "Records of how we handled your rights (restrictions, objections, requests) "
                "and our audit log are kept under legal obligation and are not data you "
                "provided: Art. 20 does not apply to them. You can have them through a "
                "subject access request."
            ),
        },
        withheld=tuple(refused),
    )
    return package, bool(refused) or nothing


def _call_row(call: Any) -> tuple[Cell, ...]:
    return (
        call.tenant_id,
        call.started_at.isoformat(),
        call.answered_at.isoformat() if call.answered_at else None,
        call.ended_at.isoformat() if call.ended_at else None,
        call.direction.value,
        call.disposition.value,
        call.queue,
        call.wait_s,
        call.ring_s,
        call.talk_s,
    )


def fulfil_portability(
    ctx: UseCase, request_id: UUID | str, delivery: Delivery
) -> PortabilityDelivered:
    """Export the portable data (JSON and CSV in a ZIP) behind a single-use link and complete
    the request, partially when provided data was refused; the letter carries the link.

    Not one transaction, as an access answer is not (`fulfil_access`)."""
    with ctx.uow:
        request, subject_id = working_request(ctx, request_id, RequestType.PORTABILITY)
        require_delivery_address(ctx.uow, request.id)
    package, partial = collect_portability_package(ctx, request, subject_id)
    with ctx.uow:
        subject = ctx.uow.subjects.get(subject_id)
    not_done = [item.as_dict() for item in _left_out(ctx.register, subject, package)]
    exported = ", ".join(f"{d.name} {len(d.rows)}" for d in package.datasets)
    refused = "; ".join(f"{w.item}: {w.reason}" for w in package.withheld)
    reason = f"portability: exported {exported}" + (f"; refused {refused}" if refused else "")
    handover = HandOver(
        request,
        package,
        delivery,
        RequestEvent.COMPLETE_PARTIALLY if partial else RequestEvent.COMPLETE,
        reason,
        outcome={
            "exported": {d.name: len(d.rows) for d in package.datasets},
            "refused": [{"item": w.item, "reason": w.reason} for w in package.withheld],
            "not_done": not_done,
        },
    )
    link = deliver_package(ctx, handover)
    return PortabilityDelivered(request.id, link, package, partial)


_ITEM_CATEGORY = {"consents": CONSENT_CATEGORY, "calls": TELEPHONY}
"""The category of each item `collect_portability_package` may withhold besides identifiers
(a new kind of item needs its category here, or its letter could not say what it is)."""


def _left_out(
    register: Register, subject: Subject | None, package: SubjectPackage
) -> list[NotDone]:
    """The letter's items for what the export leaves out: each item, why, and until when we
    keep it (its category's retention, on this person's dates where we know them)."""
    if subject is None:
        return []
    purposes = purposes_for_kind(register, subject.kind)
    items = []
    for withheld in package.withheld:
        label, _, kind = withheld.item.partition(": ")
        if kind in {t.value for t in IdentifierType}:
            category = identifier_category(IdentifierType(kind), subject)
            what = f"your {kind.replace('_', ' ')}"
        else:
            category = _ITEM_CATEGORY[label]
            what = f"your {label}"
        rule_key = register.category(category).retention or register.default_call_retention
        outcome = held_until(
            register,
            register.retention_rule(rule_key),
            relationship_end=subject.relationship_end,
            last_transaction=subject.last_transaction,
        )
        left_out = LeftOut(what, category, withheld.reason)
        items.append(not_portable(register, left_out, purposes, outcome))
    return items
