"""Who an unreadable line might name: the phone numbers and agent ids it could hold.

A quarantined line could not be parsed, so its fields are not known for sure; it is kept
sealed, and an erasure must still find it by the person it names. So the line is searched for
anything party resolution could read as a number, and for agent ids where the line's format
puts agents. A false candidate costs one blind-index row that matches nobody; a missed one
leaves a person readable. Both searches are bounded, so a hostile line costs little.

Phone numbers, line-wide (a number is long enough not to be mistaken for a duration):
- what `phonenumbers.PhoneNumberMatcher` finds (leniency POSSIBLE), given as E.164: it reads
  the spellings people write (`07700 900123` with an en dash or a Unicode hyphen,
  `[07700]900123`, fullwidth digits, a number glued to letters);
- every window of digit groups joined only by the characters numbers are written with (white
  space, the dashes and hyphens, `.`, `/`, brackets, `~`, soft hyphen, zero-width space, any
  number of them), so that `07700 900123` is found inside `... 07700 900123 1 ...` and a
  number spelt one digit at a time is found too; a window of digits only that does not start
  with 0 is also tried as international without its `+` (`447700900123`).
A line longer than `MAX_LINE` characters is searched by the matcher alone, within its bound.

Agent ids: each field the line's format puts an agent in, as its parser reads it from the raw
line (`Parser.agent_fields`: queue_log's agent field, a CSV's agent column), taken as written
and as the peer of an interface; and every `TECH/peer` interface token anywhere in the line
(`SIP/200`, `Local/2004@from-internal/n`, `SIP/301-00000004`), whose peer must look like an
extension. A bare number elsewhere in the line (a wait of 200 seconds) is never an agent id.

A line of its format's shape (the right number of fields: `Parser.party_fields`) is searched,
for numbers and interface tokens alike, only in the fields that can name someone, each on its
own (`field_phone_candidates`): its times, durations and ids are digits that read as numbers
(the queue_log time `1764000100` as `+44 1764 000100`, the uniqueid `1690325531.5` as
`+44 1690 325531`), and indexed they would tie the line to whoever holds such a number. Only a
line whose shape is not its format's, or that is too long, is searched whole.

Pure: no I/O, no keys.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import Final

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from dataward.domain.calls.parties import looks_like_extension

__all__ = [
    "MAX_AGENT_FIELD",
    "MAX_LINE",
    "MAX_PARTIES",
    "MAX_TRIES",
    "TOO_LONG",
    "agent_candidates",
    "field_phone_candidates",
    "phone_candidates",
]

MAX_LINE: Final = 8192
"""Characters of a line searched whole; a longer line is quarantined as too long and searched
by the matcher alone."""
MAX_PARTIES: Final = 64
"""Blind indexes kept per line: agent ids first, then numbers in the order found."""
MAX_TRIES: Final = 1024
"""Candidate numbers normalised per line (and the matcher's own bound on the misses it tries)."""
MAX_AGENT_FIELD: Final = 64
"""The longest agent field taken as an agent id."""
TOO_LONG: Final = f"line too long (over {MAX_LINE} characters)"

_SEPARATORS: Final = frozenset(
    "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff0d\u00ad\u200b\u2060"
    "/\uff0f.\uff0e()\uff08\uff09[]\uff3b\uff3d~\u2053\u223c\uff5e"
)
"""What numbers are written with between digit groups (phonenumbers' punctuation, without the
`x` of an extension), besides any white space."""
_GROUP: Final = re.compile(r"\d+")
_MOST_DIGITS: Final = 17  # fifteen for E.164, and an international prefix `00`
_FEWEST_DIGITS: Final = 5
_INTERFACE: Final = re.compile(r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9]+)/([^\s|,;\"'/\\]+)")
_TRUNKS: Final = frozenset({"DAHDI", "ZAP", "MISDN", "DGV"})
_CHANNEL_SUFFIX: Final = re.compile(r"-[0-9a-fA-F]{8}$")
_MOST_AGENTS: Final = 16


def _separator(c: str) -> bool:
    return c in _SEPARATORS or c.isspace()


def _ascii(digits: str) -> str:
    return digits if digits.isascii() else "".join(str(unicodedata.decimal(c)) for c in digits)


def _runs(line: str) -> Iterator[list[tuple[bool, str]]]:
    """The line's digit groups, as runs of groups joined only by separators; each group is
    (whether a `+` leads it, its digits in ASCII). A `+` starts a new run."""
    run: list[tuple[bool, str]] = []
    end = 0
    for match in _GROUP.finditer(line):
        between = line[end : match.start()]
        lead = between
        while lead and _separator(lead[-1]):
            lead = lead[:-1]
        plus = lead.endswith("+")
        joined = bool(run) and not plus and len(lead) == 0
        if not joined and run:
            yield run
            run = []
        run.append((plus, _ascii(match.group())))
        end = match.end()
    if run:
        yield run


def _windows(line: str) -> Iterator[str]:
    for run in _runs(line):
        for first in range(len(run)):
            plus = run[first][0]
            digits = ""
            for _, group in run[first:]:
                digits += group
                if len(digits) > _MOST_DIGITS:
                    break
                if len(digits) < _FEWEST_DIGITS:
                    continue
                if plus:
                    yield "+" + digits
                    continue
                yield digits
                if digits[0] != "0":
                    yield "+" + digits  # a country code written without its `+`


def phone_candidates(line: str, region: str) -> Iterator[str]:
    """Texts in `line` that could be a phone number, best first, as party resolution would be
    handed them (numbers the matcher finds already in E.164). Lazy: stop when you have
    enough. The caller bounds how many it normalises (`MAX_TRIES`)."""
    matcher = PhoneNumberMatcher(line, region, leniency=Leniency.POSSIBLE, max_tries=MAX_TRIES)
    for match in matcher:
        yield phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    if len(line) <= MAX_LINE:
        yield from _windows(line)


def field_phone_candidates(fields: Sequence[str], region: str) -> Iterator[str]:
    """As `phone_candidates`, in each of `fields` on its own (never a window across two): what
    the matcher finds in any field first, then the windows of each. Lazy, like it."""
    for field in fields:
        matcher = PhoneNumberMatcher(field, region, leniency=Leniency.POSSIBLE, max_tries=MAX_TRIES)
        for match in matcher:
            yield phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    for field in fields:
        yield from _windows(field)


def _peer(interface: str) -> str | None:
    """The extension behind `TECH/peer` (`SIP/301-00000004;1`, `Local/2004@ctx/n`)."""
    tech, slash, peer = interface.partition("/")
    if not slash or tech.upper() in _TRUNKS:
        return None
    peer = _CHANNEL_SUFFIX.sub("", peer.split(";", 1)[0].split("@", 1)[0].split("/", 1)[0])
    return peer if looks_like_extension(peer) else None


def agent_candidates(fields: Iterable[str], line: str) -> Iterator[str]:
    """Agent ids the line could name: each of `fields` (where its format puts agents) as
    written and as an interface's peer, then the peer of every interface token in the line;
    at most a few, each once."""
    seen: set[str] = set()
    found: list[str | None] = []
    for field in fields:
        value = field.strip()
        if 0 < len(value) <= MAX_AGENT_FIELD and value.isprintable():
            found.append(value)
        if "/" in value:
            found.append(_peer(value))
    for candidate in found:
        if candidate and candidate not in seen and len(seen) < _MOST_AGENTS:
            seen.add(candidate)
            yield candidate
    for match in _INTERFACE.finditer(line if len(line) <= MAX_LINE else line[:MAX_LINE]):
        if len(seen) >= _MOST_AGENTS:
            return
        peer = _peer(match.group(0))
        if peer and peer not in seen:
            seen.add(peer)
            yield peer
