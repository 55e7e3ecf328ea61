"""What a check of a document finds: a problem at a path of the document, an error or a
warning, to which the loader adds the file's line. Shared by the register's checks and every
document read from YAML. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

Path = tuple[str | int, ...]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    path: Path
    message: str
    severity: Severity = Severity.ERROR
    line: int | None = None

    @property
    def location(self) -> str:
        return format_path(self.path)

    def __str__(self) -> str:
        where = f" (line {self.line})" if self.line is not None else ""
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        return f"{prefix}{self.location}: {self.message}{where}"


def format_path(path: Sequence[str | int]) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text or "(document)"
