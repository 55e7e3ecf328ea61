"""Sending the letters queued in the outbox: the job the runner calls.

A letter is queued in the same transaction as the change that causes it
(`services.rights.requests`), so a change without its letter, or a letter without its change, cannot
happen. Sending is separate and retried: each due letter is rendered from the request as it is now,
sent to the requester's address opened from its sealed contact, and marked sent; a failure is
recorded by the error's kind only (never the address or the server's text, which may quote it) and
retried later, waiting longer each time.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from dataward.domain.errors import KeyUnavailable
from dataward.domain.register.model import Register
from dataward.domain.requests.workflow import RequestEvent, RightsRequest, uk_date
from dataward.services.context import UseCase
from dataward.services.ports import Mailer, UnitOfWork, Vault
from dataward.services.rights.public_status import status_token
from dataward.services.rights.request_ports import LetterFacts

MAX_ATTEMPTS = 8
_REASONED = {
    "refusal": RequestEvent.REFUSE,
    "extension_notice": RequestEvent.EXTEND,
    "fee_request": RequestEvent.ASK_FEE,
    "completion": RequestEvent.COMPLETE_PARTIALLY,
}

Renderer = Callable[[str, LetterFacts], tuple[str, str]]
"""How a letter is rendered: its kind (`acknowledgement`, `completion`...) and its facts in,
(subject line, body) out."""
STATUS_LINKED = frozenset({"acknowledgement"})
"""Letters that carry the token of the request's status link (`public_status`), which the
renderer turns into a link to the portal where it knows the public address."""
TO_CONTROLLER = frozenset({"controller_notice"})
"""Letters that go to a tenant's controller contact (its address sealed in the payload),
not to the requester."""
TO_RECIPIENT = frozenset({"recipient_notice"})
"""Letters that go to a recipient of the person's data (Art. 19;
`services.rights.recipient_notices`): the address and all the letter says sealed in the payload,
nothing of the requester's."""


@dataclass(frozen=True, slots=True)
class Delivery:
    sent: int
    failed: int
    abandoned: int


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes, at most a day."""
    return min(timedelta(minutes=2**attempts), timedelta(days=1))


def deliver(ctx: UseCase, mailer: Mailer, render: Renderer, *, limit: int = 100) -> Delivery:
    """Send up to `limit` letters due now, each rendered and sent on its own: marked sent, or
    its failure recorded to retry later (the register is the context's)."""
    uow, vault, clock, register = ctx.uow, ctx.vault, ctx.clock, ctx.register
    now = clock.now()
    with uow:
        due = list(uow.requests.letters_due(now, limit))
    sent = failed = abandoned = 0
    for letter_id, request_id, letter, attempts, payload in due:
        if attempts >= MAX_ATTEMPTS:
            abandoned += 1
            continue
        with uow:
            found = uow.requests.get(request_id)
            sealed = uow.requests.contact(request_id)
            events = list(uow.requests.timeline(request_id))
            known = _Known(
                _tenant_name(uow, found[0].tenant_id if found is not None else None),
                uow.requests.outcome_of(request_id) or {},
            )
        if found is None:
            continue
        if letter in TO_RECIPIENT:  # the requester's address is no business of a recipient
            sealed = None
        elif sealed is None and letter not in TO_CONTROLLER:  # nobody to write to: say so
            abandoned += 1
            with uow:
                uow.requests.letter_failed(
                    letter_id, retry_at=now + timedelta(days=1), error="NoAddress"
                )
                uow.commit()
            continue
        request, _, due_on = found
        try:
            contact = json.loads(vault.open(str(request.id), sealed)) if sealed else {}
            context = _context(request, due_on, contact, events, letter)
            context["register"] = register
            context["today"] = uk_date(now)  # a date already past is not promised
            if payload is not None:  # e.g. a one-time code, sealed until it is sent
                context["payload"] = vault.open(str(request.id), payload)
            context["details"] = {
                **letter_details(letter, context, register, known),
                **_status(letter, vault, request.id),
            }
            recipient = _address(letter, context, contact)
            subject, body = render(letter, LetterFacts(**context))
            mailer.send(recipient, subject, body)
        except KeyUnavailable:
            abandoned += 1  # the request's key is gone: nobody to write to any more
            continue
        except Exception as error:  # noqa: BLE001 - any failure of the mail server is retried
            failed += 1
            with uow:
                uow.requests.letter_failed(
                    letter_id, retry_at=now + retry_delay(attempts), error=type(error).__name__
                )
                uow.commit()
            continue
        with uow:
            uow.requests.letter_sent(letter_id, clock.now())
            uow.commit()
        sent += 1
    return Delivery(sent, failed, abandoned)


def _address(letter: str, context: dict[str, Any], contact: dict[str, str]) -> str:
    """Where the letter goes (the requester, unless the letter is to someone else), with the
    context set for that addressee."""
    if letter in TO_CONTROLLER:  # the tenant's controller, about this requester
        context["requester_email"] = contact.get("email") or "no e-mail address given"
        return str(json.loads(context.pop("payload"))["to"])
    if letter in TO_RECIPIENT:  # a recipient of the person's data, greeted by its own name
        context["name"] = context["details"].get("recipient", "")
        return str(context["details"].pop("to"))
    return contact.get("email", "")


JSON_PAYLOAD = frozenset({"forwarded_to_controller", "required_data", *TO_RECIPIENT})
"""Letters whose sealed payload is a JSON object of facts for the letter (`details`), not text
to quote."""


@dataclass(frozen=True, slots=True)
class _Known:
    """What the outbox read of a request besides the request: its tenant's name, if it is
    about a tenant's call data, and the outcome stored when it was carried out."""

    tenant: str | None
    outcome: dict[str, Any]


def _status(letter: str, vault: Vault, request_id: UUID) -> dict[str, str]:
    """The requester's own way back to their request, for the letters that carry it."""
    return {"status_token": status_token(vault, request_id)} if letter in STATUS_LINKED else {}


def letter_details(
    letter: str, context: dict[str, Any], register: Register, known: _Known
) -> dict[str, Any]:
    """The facts a letter states beyond the request itself: the tenant a request about call
    data concerns; for a completion, what was not done and why, and the recipients told of the
    change (Art. 19); and what a sealed JSON payload carries (then no longer quoted as text)."""
    details: dict[str, Any] = {}
    if known.tenant is not None:
        details["tenant"] = known.tenant
    if letter == "completion":
        details["not_done"] = list(known.outcome.get("not_done") or [])
        names = {r.key: r.name for r in register.recipients}
        told = known.outcome.get("recipients_told") or []
        details["recipients_told"] = [names.get(str(key), str(key)) for key in told]
    if letter in JSON_PAYLOAD and context.get("payload"):
        details.update(json.loads(context.pop("payload")))
    return details


def _tenant_name(uow: UnitOfWork, tenant_id: str | None) -> str | None:
    if tenant_id is None:
        return None
    tenant = uow.tenants.get(tenant_id)
    return tenant.name if tenant is not None else None


def _context(
    request: RightsRequest, due: date, contact: dict[str, str], events: list[Any], letter: str
) -> dict[str, Any]:
    reason = None
    wanted = _REASONED.get(letter)
    if wanted is not None:
        reason = next((e.reason for e in reversed(events) if e.event is wanted), None)
    return {
        "request": request,
        "due": due,
        "name": contact.get("name", ""),
        "reason": reason,
        "partial": any(e.event is RequestEvent.COMPLETE_PARTIALLY for e in events),
    }
