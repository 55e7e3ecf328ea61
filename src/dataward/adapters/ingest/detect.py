"""Choosing the parser for a file: by sniffing its first lines, or by the name given.

Every parser is registered in `PARSERS` by its `--format` name and imported only when first
needed, so a parser module that is missing (or still being written) leaves the others usable.
`detect_format` asks each parser how sure it is that the first lines are its format and takes
the most confident, refusing with `FormatUnknown` when none reaches `CONFIDENT` or when two
tie. `generic-csv` never claims a file: it reads one only through a column mapping, by name.

Encodings (`source_encoding`): a file is read as UTF-8 when its first 64 KiB are valid UTF-8
(a leading byte-order mark is dropped), otherwise as Latin-1, which gives every byte a
character and so never fails (Windows-1252 exports read with their few extra symbols as
control characters). A byte further on that is invalid in the chosen encoding becomes U+FFFD
instead of stopping a long import: numbers are ASCII digits and survive; only a name can be
marred, as Asterisk's clid often already is (mojibake is kept as written).
"""

from __future__ import annotations

import codecs
import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, TextIO, cast

from dataward.adapters.ingest.base import Parser
from dataward.domain.errors import DatawardError, InvalidValue

CONFIDENT: Final = 0.5
"""The least confidence at which a sniffed format is taken without `--format`."""

HEAD_LINES: Final = 20
_SAMPLE_BYTES: Final = 64 * 1024
_MAX_LINE: Final = 64 * 1024
_PACKAGE = "dataward.adapters.ingest"


class FormatUnknown(DatawardError):
    """No parser is sure of a file, or a format name is not known: name one with --format."""

    code = "format_unknown"

    def __init__(self, source: str | None, reason: str, known: Iterable[str]) -> None:
        self.source = source
        self.reason = reason
        self.known = tuple(known)
        where = f"{source}: " if source else ""
        names = ", ".join(self.known)
        super().__init__(f"{where}{reason}; name the format with --format ({names})")


@dataclass(frozen=True, slots=True)
class ParserEntry:
    """Where a parser lives; calling the entry makes one (a factory)."""

    module: str
    attribute: str
    needs_mapping: bool = False

    def load(self) -> Any | None:
        """The parser class, or None while its module or class does not exist."""
        try:
            module = importlib.import_module(f"{_PACKAGE}.{self.module}")
        except ModuleNotFoundError as error:
            if error.name != f"{_PACKAGE}.{self.module}":
                raise  # the module exists but something it imports is missing: a real fault
            return None
        return getattr(module, self.attribute, None)

    def __call__(self, mapping: Path | None = None) -> Parser | None:
        cls = self.load()
        if cls is None:
            return None
        parser = cls.from_file(mapping) if self.needs_mapping else cls()
        return cast("Parser", parser)


PARSERS: Final[Mapping[str, ParserEntry]] = MappingProxyType(
    {
        "asterisk-cdr-csv": ParserEntry("asterisk_cdr", "AsteriskCdrCsvParser"),
        "asterisk-cdr-custom": ParserEntry("asterisk_cdr", "AsteriskCdrCustomParser"),
        "asterisk-queue-log": ParserEntry("asterisk_queue_log", "AsteriskQueueLogParser"),
        "freeswitch-cdr-csv": ParserEntry("freeswitch_cdr", "FreeswitchCdrCsvParser"),
        "broadworks-csv": ParserEntry("broadworks", "BroadworksCsvParser"),
        "generic-csv": ParserEntry("generic_csv", "GenericCsvParser", needs_mapping=True),
    }
)


@dataclass(frozen=True, slots=True)
class DetectionResult:
    """The format chosen, how sure its parser is, and the next best (for the record)."""

    name: str
    confidence: float
    runner_up: str | None
    runner_up_confidence: float


def available_formats() -> list[str]:
    """The names `--format` takes in this build (a parser still missing is left out)."""
    return [name for name, entry in PARSERS.items() if entry.load() is not None]


def detect_format(head_lines: list[str], *, source: str = "<input>") -> DetectionResult:
    """The most confident parser for these first lines; `FormatUnknown` when none is sure."""
    known = available_formats()
    if not any(line.strip() for line in head_lines):
        raise FormatUnknown(source, "the file is empty", known)
    scores: list[tuple[float, str]] = []
    for name, entry in PARSERS.items():
        if entry.needs_mapping:
            continue
        parser = entry()
        if parser is not None:
            scores.append((parser.sniff(head_lines), name))
    scores.sort(key=lambda score: (-score[0], score[1]))
    if not scores or scores[0][0] < CONFIDENT:
        guess = f" (best guess {scores[0][1]} at {scores[0][0]:.2f})" if scores else ""
        raise FormatUnknown(source, f"no known format recognised{guess}", known)
    best, name = scores[0]
    runner_up, second = scores[1] if len(scores) > 1 else (0.0, None)
    if second is not None and runner_up >= best:
        raise FormatUnknown(source, f"it fits {name} and {second} equally", known)
    return DetectionResult(name, best, second, runner_up)


def open_parser(name: str, *, mapping: Path | None = None) -> Parser:
    """The parser `--format NAME` asks for; `generic-csv` needs its column mapping file."""
    entry = PARSERS.get(name)
    known = available_formats()
    if entry is None:
        raise FormatUnknown(None, "there is no format of that name", known)
    if entry.needs_mapping and mapping is None:
        raise InvalidValue("mapping", f"the {name} format needs one: pass --mapping FILE")
    if not entry.needs_mapping and mapping is not None:
        raise InvalidValue("mapping", f"for generic-csv only; the {name} format takes none")
    parser = entry(mapping)
    if parser is None:
        raise FormatUnknown(None, f"the {name} parser is not in this build", known)
    return parser


def source_encoding(path: Path) -> str:
    """`utf-8-sig` when the file's first 64 KiB are UTF-8 (with or without a BOM), else
    `latin-1`."""
    with path.open("rb") as file:
        sample = file.read(_SAMPLE_BYTES)
    try:  # an incremental decoder forgives a character cut in two at the sample's end
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8-sig"


def open_source(path: Path) -> TextIO:
    """The file as text for a parser, in its encoding, newlines left to the csv module."""
    return path.open(encoding=source_encoding(path), errors="replace", newline="")


def read_head(path: Path, n: int = HEAD_LINES) -> list[str]:
    """The first `n` lines (line ends removed; a line longer than 64 KiB is cut) for sniffing."""
    lines: list[str] = []
    with open_source(path) as stream:
        for _ in range(n):
            line = stream.readline(_MAX_LINE)
            if not line:
                break
            lines.append(line.rstrip("\r\n"))
    return lines


def detect_file(path: Path) -> DetectionResult:
    """`detect_format` on a file's first lines, naming the file when it refuses."""
    return detect_format(read_head(path), source=str(path))
