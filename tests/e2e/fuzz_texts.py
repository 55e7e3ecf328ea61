"""Text bodies for the API schema fuzz test: register documents and call batches, real ones
kept or broken, and garbage.

A strategy here gives a `Planted` text: the text, and the strings written into it that came
from the generator (never from the real document or batch), which an error must not echo.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import yaml
from hypothesis import strategies as st

from dataward.adapters.register_file import shipped_register_text
from tests.strategies import LAYOUTS, hostile_file

BATCH_FORMATS = (
    "asterisk-queue-log",
    "asterisk-cdr-csv",
    "asterisk-cdr-custom",
    "freeswitch-cdr-csv",
    "broadworks-csv",
)
"""The formats a batch may name (generic-csv needs a column mapping a batch cannot carry)."""


@dataclass(frozen=True)
class Planted:
    """A text, and the generated strings written into it."""

    text: str
    strings: frozenset[str] = frozenset()


HOSTILE_WORDS = (
    "07700900123",
    "+447700900123",
    "<script>alert(1)</script>",
    "'; DROP TABLE subjects; --",
    "{{7*7}}${7*7}",
    "../../../../etc/passwd",
    "\u202egnp.exe\u202d",
    "\U0001f600\U0001f600\U0001f600\U0001f600",
)
"""Strings an echo would be worst for: a phone number, markup, SQL, a template, a path."""

garbage = st.one_of(
    st.sampled_from(HOSTILE_WORDS),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=8, max_size=24),
)
"""A string of 8 characters or more: long enough that finding it in an answer is an echo."""

SHIPPED = shipped_register_text()
_LINES = SHIPPED.splitlines()
_KEYED = [at for at, line in enumerate(_LINES) if re.match(r"^\s*(- )?[A-Za-z_][\w-]*:( |$)", line)]
"""The shipped register's lines that start with a key."""


ECHO_MIN = 8
"""A generated string this long, found in an answer, is an echo and not a coincidence."""


def _planted(text: str, *strings: str) -> Planted:
    return Planted(text, frozenset(s for s in strings if len(s.strip()) >= ECHO_MIN))


@st.composite
def register_documents(draw: st.DrawFn) -> Planted:
    """The shipped register, as it is or with one key or value replaced by a generated string
    (quoted, so the document still parses and reaches the schema), cut short; or YAML of
    generated keys and values; or generated text."""
    how = draw(st.sampled_from(["as_is", "value", "key", "cut", "mapping", "noise"]))
    if how == "as_is":
        return Planted(SHIPPED)
    if how == "cut":
        return Planted(SHIPPED[: draw(st.integers(0, len(SHIPPED)))])
    if how == "noise":
        noise = draw(garbage)
        return _planted(noise, noise)
    if how == "mapping":
        values = draw(st.dictionaries(garbage, garbage | st.integers(), min_size=1, max_size=4))
        strings = [*values, *(v for v in values.values() if isinstance(v, str))]
        return _planted(yaml.safe_dump(values, allow_unicode=True), *strings)
    at = draw(st.sampled_from(_KEYED))
    word = draw(garbage)
    keyed = re.match(r"^(\s*(?:- )?)([A-Za-z_][\w-]*):(.*)$", _LINES[at])
    assert keyed is not None
    indent, key, rest = keyed.groups()
    line = (
        f"{indent}{json.dumps(word)}:{rest}"
        if how == "key"
        else f"{indent}{key}: {json.dumps(word)}"
    )
    lines = [*_LINES[:at], line, *_LINES[at + 1 :]]
    return _planted("\n".join(lines) + "\n", word)


@st.composite
def call_batches(draw: st.DrawFn) -> Planted:
    """A batch of one format's real lines, any of them hostile (`tests.strategies`), whose
    hostile values are planted; or generated text."""
    if draw(st.integers(0, 5)) == 5:
        noise = draw(garbage)
        return _planted(noise, noise)
    hostile = draw(hostile_file(LAYOUTS[draw(st.sampled_from(BATCH_FORMATS))]))
    return _planted(hostile.text, *hostile.markers)
