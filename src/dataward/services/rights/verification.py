"""Identity by a one-time code sent to the requester's address (docs/legal-rules.md A1, Art. 12(6)).

The code is six random digits, sent in a letter through the outbox (sealed under the
request's key until sent) and kept only as an HMAC under a key of the vault's: a copy of the
database cannot be brute-forced offline. It expires after a day and allows five attempts;
the right code verifies the requester's identity for the request (the `identity_verified`
transition, by the requester, dated the day it was entered).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Final
from uuid import UUID

from dataward.domain.errors import NotFound
from dataward.domain.requests.workflow import (
    Move,
    RequestEvent,
    RequestRefused,
    RequestState,
    deadline,
    transition,
)
from dataward.domain.subjects import Actor
from dataward.services.context import UseCase
from dataward.services.ports import Vault
from dataward.services.rights.requests import audit_entry

CODE_LIFETIME: Final = timedelta(hours=24)
MAX_ATTEMPTS: Final = 5
_KEY_PURPOSE = "verification code"
_SCOPE = "requests"
REQUESTER: Final = Actor(id="requester", role="requester")
"""Who acts when the requester enters their code (no staff role: it only proves identity)."""


def _hash(vault: Vault, request_id: str, code: str) -> bytes:
    key = vault.record_key(_SCOPE, _KEY_PURPOSE)
    return hmac.new(key, f"{request_id}:{code}".encode(), hashlib.sha256).digest()


def send_code(ctx: UseCase, request_id: UUID | str) -> None:
    """A new code for the request (any earlier one stops working), queued to its address.
    Whoever sends it has seen the request already (the entry point checks)."""
    uow, vault, now = ctx.uow, ctx.vault, ctx.clock.now()
    code = f"{secrets.randbelow(1_000_000):06d}"
    key = str(request_id)
    with uow:
        found = uow.requests.get(key)
        if found is None or uow.requests.contact(key) is None:
            raise NotFound("request", key)
        if found[0].state is not RequestState.AWAITING_IDENTITY:
            raise RequestRefused("a code is sent only while the request awaits identity")
        uow.requests.set_code(key, _hash(vault, key, code), at=now, expires_at=now + CODE_LIFETIME)
        uow.requests.queue_letter(key, "verification_code", now, vault.seal(key, code))
        uow.commit()


def check_code(ctx: UseCase, request_id: UUID | str, code: str) -> bool:
    """True (and the identity verified) for the right code in time; False otherwise. Refused
    outright once the code is used, expired or out of attempts (ask for a new one). The
    requester acts (`REQUESTER`), whoever `ctx.actor` is."""
    uow, vault, holidays, now = ctx.uow, ctx.vault, ctx.holidays, ctx.clock.now()
    key = str(request_id)
    with uow:
        stored = uow.requests.code(key)
        found = uow.requests.get(key)
        if stored is None or found is None:
            raise NotFound("request", key)
        code_hash, expires_at, attempts, used_at = stored
        if used_at is not None or now >= expires_at or attempts >= MAX_ATTEMPTS:
            raise RequestRefused("this code no longer works: ask for a new one")
        right = hmac.compare_digest(code_hash, _hash(vault, key, code.strip()))
        uow.requests.code_attempted(key, used_at=now if right else None)
        if right:
            request, version, _ = found
            move = Move(
                RequestEvent.IDENTITY_VERIFIED,
                at=now,
                actor=REQUESTER.id,
                reason="one-time code sent to the requester's address",
            )
            changed, change = transition(request, move, holidays=holidays)
            due = deadline(changed, holidays)
            if not uow.requests.save(changed, version=version, due=due, change=change):
                raise RequestRefused("the request changed meanwhile: try again")
            uow.audit.append(audit_entry(changed, due, change))
        uow.commit()
    return right
