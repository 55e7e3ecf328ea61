"""Who an unreadable line might name: every phone number and agent id it could hold.

A quarantined line could not be parsed, so its fields are unknown; it is kept sealed, and an
erasure must still find it by the person it names. So the whole line is searched for anything
that party resolution could read as a number or an agent id, generously: a false candidate
costs one blind-index row that matches nobody, a missed one leaves a person readable.

Phone numbers: runs of digit groups joined by the separators numbers are written with (space,
`-`, `.`, brackets), with a leading `+` kept; every window of consecutive groups is a candidate
(so `07911 123456` is found inside `... 07911 123456 1 ...`), and a candidate of digits only
that does not start with 0 is also tried as international without its `+` (`447911123456`).
Each candidate is then normalised in the tenant's region, as party resolution does, and the
ones that are possible numbers are indexed.

Agent ids: every token of letters, digits and `._-` (and each part of it between `-`) that
could be an extension (`domain.parties.looks_like_extension`), so `SIP/200`,
`Local/2004@from-internal/n` and `SIP/301-00000004` give `200`, `2004` and `301`.

Pure: no I/O, no keys.
"""

from __future__ import annotations

import re
from typing import Final

from dataward.domain.parties import looks_like_extension

__all__ = ["agent_candidates", "phone_candidates"]

_GROUP: Final = re.compile(r"(\+?)(\d+)")
_SEPARATORS: Final = frozenset(" \t\u00a0-.()")
_LONGEST_SEPARATOR: Final = 3  # `) (` or ` - `: anything longer ends the run
_MOST_GROUPS: Final = 8  # `00 44 79 11 12 34 56` is seven
_FEWEST_DIGITS: Final = 5
_MOST_DIGITS: Final = 17  # fifteen for E.164, and an international prefix `00`
_TOKEN: Final = re.compile(r"[A-Za-z0-9._-]+")


def _runs(line: str) -> list[list[tuple[bool, str]]]:
    """The line's digit groups, as runs of groups joined only by separators; each group is
    (whether a `+` leads it, its digits)."""
    runs: list[list[tuple[bool, str]]] = []
    end = -1
    for match in _GROUP.finditer(line):
        between = line[end : match.start()] if end >= 0 else None
        joined = (
            between is not None
            and not match.group(1)
            and len(between) <= _LONGEST_SEPARATOR
            and all(c in _SEPARATORS for c in between)
        )
        group = (bool(match.group(1)), match.group(2))
        if joined:
            runs[-1].append(group)
        else:
            runs.append([group])
        end = match.end()
    return runs


def phone_candidates(line: str) -> set[str]:
    """Every text in `line` that could be a phone number, as a parser would hand it over."""
    found: set[str] = set()
    for run in _runs(line):
        for first in range(len(run)):
            plus = run[first][0]
            digits = ""
            for _, group in run[first : first + _MOST_GROUPS]:
                digits += group
                if len(digits) > _MOST_DIGITS:
                    break
                if len(digits) < _FEWEST_DIGITS:
                    continue
                if plus:
                    found.add("+" + digits)
                    continue
                found.add(digits)
                if not digits.startswith("0"):
                    found.add("+" + digits)  # a country code written without its `+`
    return found


def agent_candidates(line: str) -> set[str]:
    """Every token in `line` that could be an agent's extension or endpoint name."""
    found: set[str] = set()
    for token in _TOKEN.findall(line):
        for part in {token, *token.split("-")}:
            if looks_like_extension(part):
                found.add(part)
    return found
