"""What every parser is: a name, a sniffer, and a streaming reader of one text stream.

A parser reads line by line and yields `RawCall`, `QueueEvent` or `BadRecord` as it goes, so
memory stays flat whatever the file's size. It never raises on a bad line: it yields a
`BadRecord` with the line number and a reason that names the field, not the content.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, TextIO
from zoneinfo import ZoneInfo

from dataward.domain.telephony import ParsedItem


class Parser(Protocol):
    name: str
    """The format's name as `--format` takes it, e.g. `asterisk-cdr-csv`."""

    def sniff(self, head: list[str]) -> float:
        """Confidence from 0 to 1 that these first lines (at most 20) are this format."""
        ...

    def parse(self, stream: TextIO, *, source: str, tz: ZoneInfo) -> Iterator[ParsedItem]:
        """Stream the records; `tz` is the zone of timestamps written without one."""
        ...
