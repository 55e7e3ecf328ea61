"""Completing a complaint with its outcome (DUAA 2025 s.103): what was found, what was done.

The outcome is free text about a person's complaint, so it is kept sealed under the request's
own key, like the requester's contact details, never in the clear: it is stored with the
request, and a copy goes sealed with the letter that tells the complainant (opened only when
the letter is sent). A complaint recorded without an address has no key yet: one is made for
it here, through a key batch, in the same transaction as the completion.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from uuid import UUID

from dataward.domain.audit import AuditAction
from dataward.domain.bounds import check_printable
from dataward.domain.requests.workflow import RequestEvent, RequestRefused, RequestType
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.keys.batches import REQUEST, enrolling
from dataward.services.rights.requests import (
    RequestView,
    Step,
    apply_step,
    visible_request,
    workable_request,
)

MAX_OUTCOME = 2000
LETTER = "complaint_outcome"


@dataclass(frozen=True, slots=True)
class ComplaintOutcome:
    """What looking into a complaint found, and what was done about it."""

    found: str = field(repr=False)
    done: str = field(repr=False)

    def checked(self) -> ComplaintOutcome:
        """Itself, trimmed; `RequestRefused` naming the part that is empty or too long."""
        parts = {"found": self.found.strip(), "done": self.done.strip()}
        for name, text in parts.items():
            if not text:
                raise RequestRefused(f"{name}: say what was {name} (the outcome's letter says it)")
            if len(text) > MAX_OUTCOME:
                raise RequestRefused(f"{name}: at most {MAX_OUTCOME} characters")
            check_printable(name, text)
        return ComplaintOutcome(**parts)


def complete_complaint(
    ctx: UseCase, request_id: UUID | str, outcome: ComplaintOutcome
) -> RequestView:
    """Complete an investigated complaint, record its outcome sealed, and queue the letter
    that tells the complainant (with the right to complain to the ICO), in one transaction."""
    uow, vault, complete = ctx.uow, ctx.vault, RequestEvent.COMPLETE
    outcome = outcome.checked()
    with enrolling(vault, REQUEST) as keys, uow:
        request, version = workable_request(uow, ctx.register, ctx.actor, request_id, complete)
        if request.type is not RequestType.COMPLAINT:
            raise RequestRefused("only a complaint is completed with an outcome")
        key = str(request.id)
        document = json.dumps({"found": outcome.found, "done": outcome.done})
        if vault.has_key(key):
            sealed = vault.seal(key, document)
        else:  # recorded without an address: the request's key is made now
            keys.join(uow)
            (sealed,) = keys.enrol({key: [document]})[key]
        has_contact = uow.requests.contact(key) is not None
        step = Step(
            RequestEvent.COMPLETE,
            letter=LETTER,
            letter_payload=vault.seal(key, letter_text(outcome)) if has_contact else None,
        )
        view = apply_step(ctx, (request, version), step)
        uow.requests.set_complaint_outcome(key, sealed)
        keys.commit(uow)
    return view


def complaint_outcome(ctx: UseCase, request_id: UUID | str) -> ComplaintOutcome | None:
    """A completed complaint's outcome, opened, for those who may work the request; each
    opening is audited (who, when, which request), never what it says."""
    uow, clock, actor = ctx.uow, ctx.clock, ctx.actor
    with uow:
        request, _, _ = visible_request(uow, ctx.register, actor, request_id)
        sealed = uow.requests.complaint_outcome(request.id)
        if sealed is None:
            return None
        record(
            uow,
            clock,
            actor,
            Audited(
                AuditAction.COMPLAINT_OUTCOME_READ,
                subject_ref=request.subject_id,
                details={"request": str(request.id)},
            ),
        )
        uow.commit()
    document = json.loads(ctx.vault.open(str(request.id), sealed))
    return ComplaintOutcome(found=document["found"], done=document["done"])


def letter_text(outcome: ComplaintOutcome) -> str:
    """What the outcome's letter says was found and done (the letter's `payload`)."""
    return f"What we found:\n\n{outcome.found}\n\nWhat we have done:\n\n{outcome.done}"
