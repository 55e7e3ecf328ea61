"""The right of access (UK GDPR Art. 15): everything held about the subject, with the
supplementary information, delivered through a single-use download link.

What is collected (a reasonable and proportionate search, Art. 15(1A)):

- subject: the record itself (kind, status, dates);
- identifiers: opened through the gate (`services.processing.disclosure.read_identifiers`), each
  decision recorded; only the subject's own identifiers are ever decrypted;
- consents, restrictions, objections, rights requests and their timelines, and the recipients
  told of each correction, erasure or restriction they asked for (Art. 19);
- audit: every audit entry about the subject (staff are named by role, not by id);
- calls: the calls where the subject is a party, after a gate decision on their telephony
  data. The other parties are third parties (Art. 15(4)): their references are not followed
  and nothing of theirs is decrypted; a call shows only their role ("other party
  (redacted)"). Call data of one of our own subjects (an agent of a customer organisation) is
  held for that organisation as its processor: it is listed as withheld, with where to ask.

The package is rendered as a ZIP (`adapters.documents.subject_export`), sealed under the
subject's own data key (erasure destroys it) behind a signed, expiring, single-use link
(`services.rights.downloads`), and the request is completed in the same step: its completion
letter carries the link, sealed in the outbox until it is sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from dataward.domain.errors import AccessDenied
from dataward.domain.processing.gate import Gate, Question
from dataward.domain.register.model import Register
from dataward.domain.requests.access_datasets import (
    calls_dataset,
    iso,
    named_by_role,
    subject_dataset,
)
from dataward.domain.requests.package import Cell, Dataset, SubjectPackage, Withheld
from dataward.domain.requests.workflow import RequestEvent, RequestType, RightsRequest
from dataward.services.context import UseCase
from dataward.services.processing.disclosure import ReadIdentifiers, read_identifiers
from dataward.services.processing.gate import decide
from dataward.services.rights.access_disclosures import disclosures_dataset
from dataward.services.rights.access_info import supplementary_information
from dataward.services.rights.access_marketing import marketing_datasets
from dataward.services.rights.delivery import (
    Delivery,
    HandOver,
    deliver_package,
    require_delivery_address,
)
from dataward.services.rights.downloads import IssuedLink
from dataward.services.rights.fulfilment import working_request

CONTROLLER_PURPOSE = "rights_and_complaints"
"""The purpose under which our own subjects' data is read to answer their rights."""
PROCESSOR_PURPOSE = "telephony_reporting"
"""The purpose under which a tenant's caller's data is read, by the tenant's administrator."""
TELEPHONY = "telephony_activity"


@dataclass(frozen=True, slots=True)
class AccessDelivered:
    request_id: UUID
    link: IssuedLink
    package: SubjectPackage


# -- collecting --------------------------------------------------------------------------------


STATEMENTS_CATEGORY = "rights_requests"
"""Where the register files what a person asked us to record (a supplementary statement)."""


def collect_access_package(
    ctx: UseCase, request: RightsRequest, subject_id: UUID
) -> SubjectPackage:
    """Everything held about the subject of `request`, as a pure data structure. Each gate
    decision is committed before what it allows is opened, so call it outside a transaction."""
    uow, vault, actor, gate = ctx.uow, ctx.vault, ctx.actor, Gate(ctx.register)
    purpose = PROCESSOR_PURPOSE if request.tenant_id is not None else CONTROLLER_PURPOSE
    withheld: list[Withheld] = []
    identifiers = _identifiers(ctx, gate, subject_id, purpose, withheld)
    at = ctx.clock.now()
    with uow:
        subject = uow.subjects.get(subject_id)
        assert subject is not None  # noqa: S101 - working_request found it
        consents = list(uow.consents.events_for(subject_id))
        restrictions = list(uow.restrictions.for_subject(subject_id))
        objections = list(uow.objections.for_subject(subject_id))
        requests = sorted(
            uow.requests.for_subject(subject_id), key=lambda r: (r.received, str(r.id))
        )
        timelines = {r.id: list(uow.requests.timeline(r.id)) for r in requests}
        outcomes = {r.id: uow.requests.outcome_of(r.id) or {} for r in requests}
        calls: list[Any] = []
        if request.tenant_id is None:
            withheld.append(Withheld("calls", _PROCESSOR_CALLS))
        else:
            decision = decide(
                uow, gate, actor, subject_id, Question(TELEPHONY, PROCESSOR_PURPOSE, at)
            )
            if decision.allowed:
                calls = list(uow.calls.calls_of(request.tenant_id, str(subject_id)))
            else:
                withheld.append(Withheld("calls", f"not readable now: {decision.reason.value}"))
        disclosures = list(uow.sharing.log(subject_id=str(subject_id), limit=10_000))
        marketing = marketing_datasets(ctx, subject_id)
        sealed_statements = list(uow.statements.of(str(subject_id)))
        statements_readable = bool(sealed_statements) and (
            request.tenant_id is None
            and decide(
                uow,
                gate,
                actor,
                subject_id,
                Question(STATEMENTS_CATEGORY, purpose, at, decrypt=True),
            ).allowed
        )
        uow.commit()
        audit = list(uow.audit.entries_about(str(subject_id)))
    statements: tuple[tuple[Cell, ...], ...] = ()
    if statements_readable:
        statements = tuple((vault.open(str(subject_id), c),) for c in sealed_statements)
    elif sealed_statements:
        withheld.append(Withheld("statements", "not readable now for answering your request"))
    datasets = (
        subject_dataset(subject),
        identifiers,
        Dataset(
            "consents",
            "Every consent you gave or withdrew, oldest first",
            ("purpose", "channel", "state", "method", "notice_version", "at", "evidence_ref"),
            tuple(
                (
                    e.purpose,
                    e.channel,
                    e.state.value,
                    e.method.value,
                    e.notice_version,
                    e.at.isoformat(),
                    e.evidence_ref,
                )
                for e in consents
            ),
        ),
        Dataset(
            "statements",
            "Supplementary statements you asked us to add to your data (Art. 16)",
            ("statement",),
            statements,
        ),
        Dataset(
            "restrictions",
            "Restrictions of processing (Art. 18)",
            ("id", "categories", "ground", "starts_at", "ends_at", "lifted_at"),
            tuple(
                (
                    str(r.id),
                    " ".join(sorted(r.scope)) if r.scope else "all",
                    r.ground.value,
                    r.starts_at.isoformat(),
                    iso(r.ends_at),
                    iso(r.lifted_at),
                )
                for r in sorted(restrictions, key=lambda r: (r.starts_at, str(r.id)))
            ),
        ),
        Dataset(
            "objections",
            "Objections to processing (Art. 21)",
            ("id", "purpose", "kind", "outcome", "received_at", "decided_at", "reasoning"),
            tuple(
                (
                    str(o.id),
                    o.purpose,
                    o.kind.value,
                    o.outcome.value,
                    o.received_at.isoformat(),
                    iso(o.decided_at),
                    o.reasoning,
                )
                for o in sorted(objections, key=lambda o: (o.received_at, str(o.id)))
            ),
        ),
        Dataset(
            "requests",
            "Your rights requests",
            ("id", "type", "state", "received", "channel", "identity_received"),
            tuple(
                (
                    str(r.id),
                    r.type.value,
                    r.state.value,
                    r.received.isoformat(),
                    r.channel,
                    iso(r.identity_received),
                )
                for r in requests
            ),
        ),
        Dataset(
            "request_events",
            "What happened to each of your requests, and when",
            ("request_id", "at", "event", "from_state", "to_state", "reason"),
            tuple(
                (
                    str(t.request_id),
                    t.at.isoformat(),
                    t.event.value,
                    t.from_state.value,
                    t.to_state.value,
                    t.reason,
                )
                for r in requests
                for t in timelines[r.id]
            ),
        ),
        _recipients_told(gate.register, requests, outcomes),
        disclosures_dataset(gate.register, disclosures),
        *marketing,
        Dataset(
            "audit",
            "Our audit log's entries about you (who did what with your data, and why)",
            ("seq", "at", "action", "actor", "purpose", "decision", "details"),
            tuple(
                (
                    e.seq,
                    e.at.isoformat(),
                    e.action,
                    named_by_role(e.actor),
                    e.purpose,
                    e.decision,
                    json.dumps(dict(e.details), sort_keys=True),
                )
                for e in audit
            ),
        ),
        calls_dataset(calls, str(subject_id)),
    )
    return SubjectPackage(
        kind="access",
        request_id=str(request.id),
        subject_id=str(subject_id),
        generated_at=at,
        organisation=gate.register.organisation.name,
        datasets=datasets,
        supplementary=supplementary_information(gate.register, subject.kind),
        withheld=tuple(withheld),
    )


_PROCESSOR_CALLS = (
    "Call records in which you take part are held for our customer organisations, as their "
    "processor: the organisation you called or worked for is their controller and answers for "
    "them. Ask it, or ask us to pass your request on."
)


def _identifiers(
    ctx: UseCase, gate: Gate, subject_id: UUID, purpose: str, withheld: list[Withheld]
) -> Dataset:
    rows: tuple[tuple[Cell, ...], ...] = ()
    try:
        disclosure = read_identifiers(
            ctx.uow,
            ctx.vault,
            gate,
            ctx.actor,
            ReadIdentifiers(subject_id, purpose, ctx.clock.now()),
        )
    except AccessDenied as denied:
        withheld.append(Withheld("identifiers", f"not readable now: {denied.args[0]}"))
    else:
        rows = tuple(sorted((i.type, i.value) for i in disclosure.identifiers))
        withheld += [
            Withheld(f"identifiers: {k}", f"not readable now: {d.reason.value}")
            for k, d in sorted(disclosure.refused.items())
        ]
    return Dataset(
        "identifiers",
        "Your identifiers as we hold them (decrypted for this copy only)",
        ("type", "value"),
        rows,
    )


def _recipients_told(
    register: Register, requests: list[RightsRequest], outcomes: dict[Any, dict[str, Any]]
) -> Dataset:
    """Whom we told of each correction, erasure or restriction of the person's data (Art. 19:
    they are entitled to know who the recipients are)."""
    known = {r.key: r for r in register.recipients}
    rows = tuple(
        (
            str(r.id),
            r.type.value,
            known[key].name if key in known else key,
            known[key].description if key in known else "",
        )
        for r in requests
        for key in (str(k) for k in outcomes[r.id].get("recipients_told") or [])
    )
    return Dataset(
        "recipients_told",
        "Those we had disclosed your data to, and told when we corrected, erased or restricted "
        "it at your request (UK GDPR Art. 19)",
        ("request_id", "request_type", "recipient", "who they are"),
        rows,
    )


# -- delivering --------------------------------------------------------------------------------


def fulfil_access(ctx: UseCase, request_id: UUID | str, delivery: Delivery) -> AccessDelivered:
    """Collect, render and store the subject's package behind a single-use link that
    expires after `delivery.ttl`, then complete the request; its completion letter carries
    the link.

    Not one transaction: each gate decision of the collection is committed before what it
    allows is opened, and the link is stored before the request is completed, then withdrawn
    if it cannot be (`services.rights.delivery`)."""
    with ctx.uow:
        request, subject_id = working_request(ctx, request_id, RequestType.ACCESS)
        require_delivery_address(ctx.uow, request.id)
    package = collect_access_package(ctx, request, subject_id)
    why = f"access: copy of {_summary(package)}"
    handover = HandOver(request, package, delivery, RequestEvent.COMPLETE, why, _outcome(package))
    link = deliver_package(ctx, handover)
    return AccessDelivered(request.id, link, package)


def _outcome(package: SubjectPackage) -> dict[str, Any]:
    """What the package held, in counts, and what was withheld and why."""
    return {
        "datasets": {d.name: len(d.rows) for d in package.datasets},
        "withheld": [{"item": w.item, "reason": w.reason} for w in package.withheld],
    }


def _summary(package: SubjectPackage) -> str:
    counts = ", ".join(f"{d.name} {len(d.rows)}" for d in package.datasets)
    withheld = (
        f"; withheld: {', '.join(w.item for w in package.withheld)}" if package.withheld else ""
    )
    return f"{counts}{withheld}"[:440]
