"""What every parser is: a name, a sniffer, and a streaming reader of one text stream.

A parser reads line by line and yields `RawCall`, `QueueEvent` or `BadRecord` as it goes, so
memory stays flat whatever the file's size. It never raises on a bad line: it yields a
`BadRecord` with the line number and a reason that names the field, not the content.
"""

from __future__ import annotations

from dataward.services.ports import Parser

__all__ = ["Parser"]
