"""The marketing suppression entry: what remains of a person so they are never re-added.

After an erasure or an objection to direct marketing (Art. 17, Art. 21(3)) a minimal entry is
kept so that the same e-mail address or phone number is not added again for marketing: a
digest of the identifier's blind index, itself an HMAC of the normalised value under the vault's
index key. Without that key the digest reveals nothing and cannot be reversed; it is never equal
to the blind index stored beside an identifier, so the suppression list cannot be joined to the
identifiers table. It carries no other data: no subject, no date of birth, no name.
"""

from __future__ import annotations

import hashlib
from typing import Final

from dataward.domain.identifiers import IdentifierType

SUPPRESSIBLE: Final = frozenset({IdentifierType.EMAIL, IdentifierType.PHONE})
"""The identifiers marketing reaches a person by, and so the ones kept suppressed."""

_DOMAIN: Final = b"dataward/marketing-suppression/v1\x00"


def suppressed_message(kinds: list[str]) -> str:
    """Why adding a suppressed person for marketing is refused: names the identifier types,
    never their values."""
    named = " and ".join(sorted(set(kinds)))
    return (
        f"the {named} given is on the marketing suppression list (the person objected to "
        "marketing or asked to be erased): they may not be added for marketing again"
    )


def suppression_digest(kind: IdentifierType | str, blind_index: bytes) -> bytes:
    """The suppression entry for an identifier of `kind` with this (controller-scope) index."""
    label = IdentifierType(kind).value.encode("ascii")
    return hashlib.sha256(_DOMAIN + label + b"\x00" + blind_index).digest()


def suppression_prefixes() -> dict[str, bytes]:
    """What each suppressible kind's digest is taken over before the blind index: for many
    digests at once, `sha256(prefix + index)` is `suppression_digest(kind, index)`."""
    return {kind.value: _DOMAIN + kind.value.encode("ascii") + b"\x00" for kind in SUPPRESSIBLE}


def is_suppressible(kind: IdentifierType | str) -> bool:
    try:
        return IdentifierType(kind) in SUPPRESSIBLE
    except ValueError:
        return False
