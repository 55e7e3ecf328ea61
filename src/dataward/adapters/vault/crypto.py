"""The cryptography of the vault, in one small module: AES-256-GCM and HMAC-SHA256.

- Data keys (one per subject) encrypt identifiers with AES-256-GCM, a random 96-bit nonce, and
  the subject id as associated data, so a ciphertext moved to another subject fails to open.
- Data keys are wrapped (AES-256-GCM again) by the master key, with the subject id and the
  master key's fingerprint bound in as associated data.
- Blind indexes are HMAC-SHA256 of the scope (tenant, or our own), the identifier type and
  the normalised value under an index key that is itself wrapped by the master key.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from dataward.domain.errors import KeyUnavailable

KEY_BYTES = 32
NONCE_BYTES = 12


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


def seal(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    """Nonce followed by ciphertext and tag."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated)


def open_sealed(key: bytes, blob: bytes, associated: bytes, *, what: str) -> bytes:
    try:
        return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], associated)
    except InvalidTag:
        raise KeyUnavailable(
            f"cannot decrypt {what}: wrong key, or the data was altered or moved"
        ) from None


def fingerprint(master_key: bytes) -> str:
    """A short public name for a master key; reveals nothing usable about it."""
    return hmac.new(master_key, b"dataward master key fingerprint v1", hashlib.sha256).hexdigest()[
        :16
    ]


def blind_index(index_key: bytes, scope: str, kind: str, normalised: str) -> bytes:
    """Keyed by scope too: one number in two tenants gives two unrelated indexes, so the data
    database cannot join one controller's callers to another's."""
    message = scope.encode("utf-8") + b"\x00" + kind.encode("ascii") + b"\x00" + normalised.encode()
    return hmac.new(index_key, message, hashlib.sha256).digest()


def derived_key(index_key: bytes, scope: str, purpose: str) -> bytes:
    """A 32-byte key for one purpose and scope, derived from the index key by HMAC."""
    message = b"dataward derived key v1\x00" + purpose.encode("ascii") + b"\x00" + scope.encode()
    return hmac.new(index_key, message, hashlib.sha256).digest()


def data_key_context(subject_id: str, master_fingerprint: str) -> bytes:
    return f"dataward data key v1|{subject_id}|{master_fingerprint}".encode("ascii")


def index_key_context(index_key_id: int, master_fingerprint: str) -> bytes:
    return f"dataward index key v1|{index_key_id}|{master_fingerprint}".encode("ascii")


def identifier_context(subject_id: str) -> bytes:
    return f"dataward identifier v1|{subject_id}".encode("ascii")
