"""A staged file as an ingest source: written to a temporary file without a name (`O_TMPFILE`
where the system has it, as `tempfile.TemporaryFile` makes it), read through `/proc/self/fd`,
and gone with its descriptor when the ingest ends, however the process ends."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from dataward.adapters.ingest.files import file_source
from dataward.services.calls.ingest_ports import Source

STAGED_NAME = "staged file"
"""How messages name the file (its own name is not kept with a job)."""


@contextmanager
def staged_source(write: Callable[[BinaryIO], object], format_name: str | None) -> Iterator[Source]:
    with tempfile.TemporaryFile(prefix="dataward-") as spool:
        write(spool)
        spool.flush()
        path = Path("/proc/self/fd") / str(spool.fileno())
        if not path.exists():  # no /proc: read it by a path of its own
            yield from _named(spool, format_name)
            return
        yield dataclasses.replace(
            file_source(path, format_name=format_name), name=STAGED_NAME, file_name=None
        )


def _named(spool: BinaryIO, format_name: str | None) -> Iterator[Source]:
    with tempfile.NamedTemporaryFile(prefix="dataward-") as named:
        spool.seek(0)
        while chunk := spool.read(1 << 20):
            named.write(chunk)
        named.flush()
        source = file_source(Path(named.name), format_name=format_name)
        yield dataclasses.replace(source, name=STAGED_NAME, file_name=None)
