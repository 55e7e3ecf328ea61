"""Errors the domain raises, each carrying the data a caller needs to act on it.

    DatawardError
    ├── RegisterInvalid        a register file failed validation (every problem listed)
    ├── NotFound               a named thing does not exist
    ├── InvalidIdentifier      an identifier value is not valid for its type (value not echoed)
    ├── KeyUnavailable         a subject's data key is gone (shredded) or the master key is wrong
    └── ConfigurationError     settings, key file or database are not usable as configured

Entry points map these to exit codes (CLI) and to one JSON error shape (API) in one place each.
Messages never carry personal data: they name places (file, line, field) and keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dataward.domain.register_checks import Problem


class DatawardError(Exception):
    """Base of every error dataward raises on purpose."""

    code = "dataward_error"


class RegisterInvalid(DatawardError):
    code = "register_invalid"

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        count = sum(1 for p in self.problems if p.severity == "error")
        super().__init__(f"{source}: {count} problem(s) in the register")

    def lines(self) -> list[str]:
        return [f"{self.source}: {problem}" for problem in self.problems]


class NotFound(DatawardError):
    code = "not_found"

    def __init__(self, what: str, key: str) -> None:
        self.what = what
        self.key = key
        super().__init__(f"no {what} {key!r}")


class InvalidIdentifier(DatawardError):
    code = "invalid_identifier"

    def __init__(self, kind: str, reason: str) -> None:
        self.kind = kind
        self.reason = reason
        super().__init__(f"invalid {kind}: {reason}")


class KeyUnavailable(DatawardError):
    code = "key_unavailable"


class ConfigurationError(DatawardError):
    code = "configuration_error"
