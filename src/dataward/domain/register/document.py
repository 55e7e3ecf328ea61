"""A register document as read: the register it holds, where it came from, its text and
digest, and the warnings its checks raised. Pure: the parsing is an adapter's
(`adapters.register_file`); services receive what it produced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dataward.domain.register.model import Register
from dataward.domain.register.problems import Problem

_CONFIRM = re.compile(r"#\s*confirm\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class LoadedRegister:
    register: Register
    source: str
    sha256: str
    text: str
    warnings: tuple[Problem, ...]

    @property
    def to_confirm(self) -> tuple[int, ...]:
        """The lines whose comment marks a placeholder only the company can supply
        (`# confirm: ...`), for the DCO to replace with the fact."""
        lines = self.text.splitlines()
        return tuple(n for n, line in enumerate(lines, start=1) if _CONFIRM.search(line))
