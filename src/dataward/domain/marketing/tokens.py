"""The signed, per-recipient token of an unsubscribe link (RFC 8058). Pure.

A token names the person (their pseudonymous subject id) and the sender whose marketing they
stop, and carries a keyed MAC over both, so it cannot be made or altered without the key. It
holds no identifier: a link forwarded or logged reveals no address. Ids are 16 bytes and a
sender's key at most 64 characters, so a token is at most 128 characters.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Final
from uuid import UUID

_DOMAIN: Final = b"dataward/unsubscribe/v1\x00"
_MAC_BYTES: Final = 16
_SENDER: Final = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_TOKEN_CHARS: Final = 128
_TOKEN: Final = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


@dataclass(frozen=True, slots=True)
class Unsubscriber:
    subject_id: UUID
    sender: str


def _mac(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, _DOMAIN + payload, hashlib.sha256).digest()[:_MAC_BYTES]


def make_token(key: bytes, who: Unsubscriber) -> str:
    if not _SENDER.match(who.sender):
        raise ValueError("a sender's key")
    payload = who.subject_id.bytes + who.sender.encode("ascii")
    raw = payload + _mac(key, payload)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def read_token(key: bytes, token: str) -> Unsubscriber | None:
    """Who the token names, or None for anything not made with `key` (altered, truncated,
    written otherwise, not a token at all)."""
    raw = _decoded(token)
    if raw is None or len(raw) < 16 + 1 + _MAC_BYTES:
        return None
    payload, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
    sender = payload[16:].decode("ascii", errors="replace")
    if not hmac.compare_digest(mac, _mac(key, payload)) or not _SENDER.match(sender):
        return None
    return Unsubscriber(UUID(bytes=payload[:16]), sender)


def _decoded(token: str) -> bytes | None:
    """The token's bytes, if it is base64url written the one way `make_token` writes it (the
    last character's spare bits would let the same bytes be written otherwise)."""
    if not _TOKEN.match(token):
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    return raw if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") == token else None
