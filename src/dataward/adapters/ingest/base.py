"""What every parser is: a name, a sniffer, and a streaming reader of one text stream.

A parser reads line by line and yields `RawCall`, `QueueEvent`, `BadRecord` or `SkippedLine`
as it goes, so memory stays flat whatever the file's size, and every record of the file is one
of them (or part of a call). It never raises on a bad line: it yields a `BadRecord` with the
line number, the field at fault and a reason that never repeats the content. Only a problem
with the whole file (a header that lacks a mapped column) is raised, as a typed error. Values
are read within `domain.calls.record_limits`, times up to a day after the `now` it is given.
"""

from __future__ import annotations

from dataward.services.ports import Parser

__all__ = ["Parser"]
