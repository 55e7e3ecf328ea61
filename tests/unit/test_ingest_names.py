"""What an ingest is called once stored: a label and a keyed digest, never the file's name."""

from __future__ import annotations

import pytest

from dataward.domain.calls.ingest_names import (
    Origin,
    base_name,
    ingest_label,
    name_digest,
    safe_extension,
)

KEY = b"k" * 32


@pytest.mark.parametrize(
    ("name", "extension"),
    [
        ("07700900123-calls.log", ".log"),
        ("/var/spool/07700900123/Master.CSV", ".csv"),
        ("calls.07700900123", ""),
        ("queue_log.1", ""),
        ("queue_log", ""),
        (".hidden", ""),
        ("cdr.verylongext", ""),
        ("calls.jsmith", ""),  # letters, but a name's: only call files' extensions are kept
        ("Calls.Amelia", ""),
        ("queue_log.GZ", ".gz"),
        ("export.tsv", ".tsv"),
    ],
)
def test_only_a_call_files_extension_is_kept(name: str, extension: str) -> None:
    assert safe_extension(name) == extension


def test_a_label_says_what_and_which_ingest() -> None:
    assert ingest_label(Origin.FILE, 7, "07700900123-calls.log") == "file-7.log"
    assert ingest_label(Origin.FILE, 7, "07700900123") == "file-7"
    assert ingest_label(Origin.BATCH, 8) == "batch-8"
    assert ingest_label(Origin.REPLAY, 9) == "replay-9"


def test_the_digest_is_of_the_name_only_and_keyed() -> None:
    digest = name_digest(KEY, "/srv/a/07700900123-calls.log")
    assert digest == name_digest(KEY, r"C:\b\07700900123-calls.log")  # folders do not count
    assert digest != name_digest(KEY, "07700900124-calls.log")
    assert digest != name_digest(b"x" * 32, "07700900123-calls.log")  # another tenant's key
    assert len(digest) == 16
    assert b"07700900123" not in digest
    assert base_name("a/b\\c.log") == "c.log"
