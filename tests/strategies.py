"""Hypothesis strategies shared by the suite: phone numbers as files spell them."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

__all__ = ["SEPARATORS", "SpeltNumber", "line_around", "spelt_numbers"]

SEPARATORS = " \t-./()[]~\u00a0\u00ad\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u3000\uff0d\uff0f"
"""What files put between a number's digit groups: spaces, dashes and hyphens of every kind,
dots, slashes, brackets, tildes, the soft hyphen."""

_FULLWIDTH = {str(d): chr(0xFF10 + d) for d in range(10)}

_NUMBERS = (
    ("44", "7700900", 3),  # a UK mobile in Ofcom's drama range
    ("44", "207946", 4),  # London, drama range
    ("44", "1632960", 3),
    ("33", "1987", 5),  # Paris
    ("1", "2025550", 3),  # Washington, 555-01xx fiction range
)


@dataclass(frozen=True, slots=True)
class SpeltNumber:
    """A number as a file might write it, and its E.164 form."""

    text: str
    e164: str


def _prefixes(country: str) -> list[tuple[str, bool]]:
    """(what is written before the national number, whether it is national) in region GB."""
    international = [("+" + country, False), ("00" + country, False)]
    if country != "44":
        return international
    return [("0", True), ("44", False), ("+44(0)", False), *international]


@st.composite
def spelt_numbers(draw: st.DrawFn) -> SpeltNumber:
    """A number in Ofcom's or another fiction range, spelt with any prefix it may carry, its
    digits cut into groups anywhere (down to one digit a group) and joined by runs of
    separators, or by nothing; now and then a group bracketed or in fullwidth digits."""
    country, start, free = draw(st.sampled_from(_NUMBERS))
    national = start + "".join(str(draw(st.integers(0, 9))) for _ in range(free))
    prefix, _ = draw(st.sampled_from(_prefixes(country)))
    plus = prefix.startswith("+")
    digits = prefix.lstrip("+") + national
    cuts = sorted(draw(st.sets(st.integers(1, len(digits) - 1), max_size=len(digits) - 1)))
    groups = [digits[a:b] for a, b in zip([0, *cuts], [*cuts, len(digits)], strict=True)]
    if draw(st.integers(0, 9)) == 0:
        groups = ["".join(_FULLWIDTH.get(c, c) for c in group) for group in groups]
    if len(groups) > 1 and draw(st.booleans()):
        which = draw(st.integers(0, len(groups) - 1))
        opening, closing = draw(st.sampled_from([("(", ")"), ("[", "]")]))
        groups[which] = opening + groups[which] + closing
    joints = [
        draw(st.text(st.sampled_from(SEPARATORS), min_size=0, max_size=5))
        for _ in range(len(groups) - 1)
    ]
    text = groups[0] + "".join(j + g for j, g in zip(joints, groups[1:], strict=True))
    return SpeltNumber(("+" if plus else "") + text, f"+{country}{national}")


_FIELD = st.text(st.sampled_from("abcXYZ_-:#@0123456789"), max_size=12)
_DELIMITERS = ("|", ",", ";", '"', "\t", " ", "=", ",'", '","')


@st.composite
def line_around(draw: st.DrawFn, middle: str) -> str:
    """`middle` as one field of a line: other fields before and after, each set apart by a
    delimiter a call file uses."""
    before = draw(st.lists(_FIELD, max_size=6))
    after = draw(st.lists(_FIELD, max_size=6))
    left = draw(st.sampled_from(_DELIMITERS))
    right = draw(st.sampled_from(_DELIMITERS))
    return left.join(before) + left + middle + right + right.join(after)
