"""What an ingest is called once stored: a neutral label, never the file's own name.

A call file is often named after a number (`07911123456-calls.log`), so its name is personal
data. The ingest record keeps a label made of what the source was and its ingest id
(`file-7.log`, `batch-8`, `replay-9`), with the file's extension when it is one of the
extensions call files have (`EXTENSIONS`; any other could be a name: `calls.jsmith`), and a
keyed digest of the file's name (without its folders), so an operator holding the file can
confirm which ingest it was (`dataward ingest find`) without the name being kept.

The rule for messages: the command line names a file by the path the operator typed, on the
operator's own terminal (their own input, echoed to them); nothing stored, logged or returned
by the API keeps a file's name. Pure: the digest's key is given.
"""

from __future__ import annotations

import hashlib
import re
from enum import StrEnum
from typing import Final

__all__ = [
    "EXTENSIONS",
    "NAME_DIGEST",
    "Origin",
    "base_name",
    "ingest_label",
    "name_digest",
    "safe_extension",
]

NAME_DIGEST: Final = "ingest file name"
"""The purpose of the vault's record key that digests file names (per tenant)."""

EXTENSIONS: Final = frozenset({"csv", "log", "txt", "cdr", "tsv", "xml", "json", "gz"})
"""The extensions a label keeps (in lower case); any other is left out."""
_DIGEST_BYTES: Final = 16


class Origin(StrEnum):
    """Where an ingest's text came from."""

    FILE = "file"
    BATCH = "batch"
    REPLAY = "replay"


def base_name(path_text: str) -> str:
    """The file's own name, without the folders a path put before it (either slash)."""
    return re.split(r"[\\/]", path_text)[-1]


def safe_extension(name: str) -> str:
    """`.log` of `07911123456-calls.log`; nothing when the extension is not one of
    `EXTENSIONS` (`calls.jsmith`, `calls.07911123456`, `log.1`), or the name has none."""
    stem, dot, extension = base_name(name).rpartition(".")
    if not dot or not stem or extension.lower() not in EXTENSIONS:
        return ""
    return "." + extension.lower()


def ingest_label(origin: Origin, ingest_id: int, file_name: str | None = None) -> str:
    """`file-7.log`, `batch-8`, `replay-9`: what the ingest record and every listing show."""
    extension = safe_extension(file_name) if file_name else ""
    return f"{origin.value}-{ingest_id}{extension}"


def name_digest(key: bytes, file_name: str) -> bytes:
    """A keyed digest of a file's own name: comparable by whoever holds the key and the file,
    and no help in guessing the name (a number) from the store."""
    name = base_name(file_name).encode("utf-8", errors="surrogateescape")
    return hashlib.blake2b(name, key=key, digest_size=_DIGEST_BYTES).digest()
