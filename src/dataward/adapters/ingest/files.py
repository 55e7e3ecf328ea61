"""Call files as ingest sources: format chosen or detected, opened in their encoding, with a
count of bytes read for a progress bar."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from dataward.adapters.ingest.detect import detect_file, open_parser, read_head, source_encoding
from dataward.services.calls.ingest_ports import Source


class ByteCounter:
    """Bytes read so far from every file opened through it (for a progress bar)."""

    def __init__(self) -> None:
        self.done = 0


class _Counting(io.RawIOBase):
    def __init__(self, raw: io.FileIO, counter: ByteCounter) -> None:
        self._raw = raw
        self._counter = counter

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = self._raw.readinto(buffer) or 0
        self._counter.done += n
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


def file_source(
    path: Path,
    *,
    format_name: str | None = None,
    mapping: Path | None = None,
    counter: ByteCounter | None = None,
    replay_of: int | None = None,
) -> Source:
    """A `Source` for `path`: the parser named, or the one its first lines fit."""
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    name = format_name or detect_file(path).name
    parser = open_parser(name, mapping=mapping)
    encoding = source_encoding(path)
    head = read_head(path, 1)

    @contextmanager
    def opened() -> Iterator[TextIO]:
        raw: io.RawIOBase = io.FileIO(path, "r")
        if counter is not None:
            raw = _Counting(raw, counter)  # type: ignore[arg-type]
        stream = io.TextIOWrapper(
            io.BufferedReader(raw, 1 << 16), encoding=encoding, errors="replace", newline=""
        )
        try:
            yield stream
        finally:
            stream.close()

    return Source(
        name=str(path),
        parser=parser,
        open=opened,
        header=head[0] if head else None,
        replay_of=replay_of,
        file_name=path.name,
    )


def text_source(
    text: str, *, name: str, format_name: str | None = None, mapping: Path | None = None
) -> Source:
    """A `Source` over text held in memory (an API batch, a quarantine replay)."""
    from dataward.adapters.ingest.detect import detect_format

    lines = text.splitlines()[:20]
    chosen = format_name or detect_format(lines, source=name).name
    parser = open_parser(chosen, mapping=mapping)

    @contextmanager
    def opened() -> Iterator[TextIO]:
        yield io.StringIO(text, newline="")

    return Source(name=name, parser=parser, open=opened, header=lines[0] if lines else None)
