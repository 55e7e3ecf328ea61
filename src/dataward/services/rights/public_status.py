"""What a requester may see of their own request without a staff login: its state in plain
words, the day we received it, the day it is due (and whether it was extended), whether a code
waits to be entered, and whether a package is ready behind its link.

The credential is a status link: the request's id and an HMAC of it under a key of the vault's
(`status_token`), given to the person only: on the receipt page of the form they sent, in
the acknowledgement letter sent to the request's address, and on the page where they entered
the one-time code sent to that address. A reference alone (it is quoted in every letter and on
the receipt) opens nothing, and no one can make a link for a reference without the key: a guess
is refused in the same words as a link that was altered, so the links cannot be used to
enumerate requests.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date
from typing import Final
from uuid import UUID

from dataward.domain.errors import NotFound
from dataward.domain.requests.workflow import RequestState, RequestType, uk_date
from dataward.services.context import UseCase
from dataward.services.ports import Vault
from dataward.services.rights.verification import MAX_ATTEMPTS

_KEY_PURPOSE: Final = "status link"
_SCOPE: Final = "requests"


@dataclass(frozen=True, slots=True)
class PublicStatus:
    """A request as its requester sees it: no identifier, no staff note."""

    reference: str
    kind: RequestType
    state: RequestState
    received: date
    due: date | None
    extended: bool
    code_waiting: bool
    """A one-time code was sent and can still be entered."""
    package_until: date | None
    """A package waits behind its link (sent in the completion letter) until this day."""


def _signature(vault: Vault, request_id: UUID) -> str:
    key = vault.record_key(_SCOPE, _KEY_PURPOSE)
    digest = hmac.new(key, request_id.bytes, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def status_token(vault: Vault, request_id: UUID | str) -> str:
    """The token of a request's status link."""
    found = UUID(str(request_id))
    return f"{found.hex}.{_signature(vault, found)}"


def _request_of(vault: Vault, token: str) -> UUID:
    """The request a token is for; NotFound for one we did not make."""
    hex_id, _, signature = token.partition(".")
    try:
        found = UUID(hex=hex_id) if len(hex_id) == 32 and hex_id.isascii() else None
    except (ValueError, binascii.Error):
        found = None
    if found is None or not hmac.compare_digest(
        signature.encode("ascii", "replace"), _signature(vault, found).encode("ascii")
    ):
        raise NotFound("status link", "not valid")
    return found


def read_status(ctx: UseCase, token: str) -> PublicStatus:
    """The status of the request a status link is for; NotFound for a link we did not make
    or for a request no longer kept."""
    uow, now = ctx.uow, ctx.clock.now()
    request_id = _request_of(ctx.vault, token)
    key = str(request_id)
    with uow:
        found = uow.requests.get(key)
        if found is None:
            raise NotFound("status link", "not valid")
        code = uow.requests.code(key)
        links = list(uow.downloads.for_request(key))
    request, _, due = found
    code_waiting = (
        request.state is RequestState.AWAITING_IDENTITY
        and code is not None
        and code[3] is None
        and now < code[1]
        and code[2] < MAX_ATTEMPTS
    )
    ready = [link.expires_at for link in links if link.used_at is None and link.expires_at > now]
    return PublicStatus(
        reference=key,
        kind=request.type,
        state=request.state,
        received=request.received,
        due=due,
        extended=request.extension_notice is not None or request.state is RequestState.EXTENDED,
        code_waiting=code_waiting,
        package_until=uk_date(max(ready)) if ready else None,
    )
