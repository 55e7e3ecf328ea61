"""The master key file: created once with mode 0600, read with clear errors."""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path

from dataward.domain.errors import ConfigurationError

KEY_BYTES = 32


def create_master_key_file(path: Path) -> bool:
    """Write a new random master key to `path` unless one is there; True if it was created."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii") + "\n")
    return True


def decode_master_key(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ConfigurationError(f"{where}: the master key is not valid base64") from None
    if len(key) != KEY_BYTES:
        raise ConfigurationError(
            f"{where}: the master key must be {KEY_BYTES} bytes, found {len(key)}"
        )
    return key


def read_master_key_file(path: Path) -> bytes:
    try:
        text = path.read_text("ascii")
    except FileNotFoundError:
        raise ConfigurationError(
            f"{path}: no master key file; run `dataward init` or set DATAWARD_MASTER_KEY"
        ) from None
    except UnicodeDecodeError:
        raise ConfigurationError(f"{path}: the master key file is not base64 text") from None
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise ConfigurationError(
            f"{path}: the master key file is readable by others (mode {mode:o}); chmod 600 it"
        )
    return decode_master_key(text, str(path))
