"""What an ingest reads, as the adapters hand it over: a source with its parser and a way to
open it. The adapters that read files, uploads and quarantined text build these."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

from dataward.services.ports import Parser


@dataclass(frozen=True, slots=True)
class Source:
    """One input: its name for messages, its parser, and how to open it.

    `name` appears only in messages to whoever gave it (a path typed at the command line);
    the ingest record keeps a label and a keyed digest of `file_name` (`ingest_names`)."""

    name: str
    parser: Parser
    open: Callable[[], AbstractContextManager[TextIO]]
    header: str | None = None
    """The first line, kept with a quarantine so a corrected CSV line can be read again."""
    replay_of: int | None = None
    file_name: str | None = None
    """The file's own name, when the text is a file's: stored only as a keyed digest."""


class TextSources(Protocol):
    """Makes a `Source` over text held in memory (a quarantine replay, an API batch): the
    parser of `format_name` (detected from the text when None), with `mapping` if it takes
    one. The ingest adapter's `text_source`, bound by the entry point."""

    def __call__(
        self, text: str, *, name: str, format_name: str | None = None, mapping: Path | None = None
    ) -> Source: ...
