"""Building a YAML document's data costs a few steps per character of its text at most,
however its aliases nest, repeat, share keys or refer to themselves: every bomb is refused,
having visited no more nodes than that. Work is measured in nodes visited and values
constructed, never in seconds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataward.adapters import yaml_document
from dataward.adapters.register_file import parse_register, shipped_register_text
from dataward.adapters.yaml_document import VALUES_PER_CHARACTER
from dataward.domain.errors import RegisterInvalid


@dataclass
class Work:
    nodes: int = 0
    """Nodes built: every visit, however often an alias brings the same node back."""
    values: int = 0
    """Scalars constructed (counted at PyYAML's constructor, whatever calls it)."""


@contextmanager
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[Work]:
    work = Work()
    build = yaml_document._Expansion.build
    construct = yaml.constructor.BaseConstructor.construct_object

    def counting_build(self: Any, node: yaml.Node, path: Any) -> Any:
        work.nodes += 1
        return build(self, node, path)

    def counting_construct(self: Any, node: yaml.Node, deep: bool = False) -> Any:
        work.values += 1
        return construct(self, node, deep)

    with monkeypatch.context() as patch:
        patch.setattr(yaml_document._Expansion, "build", counting_build)
        patch.setattr(yaml.constructor.BaseConstructor, "construct_object", counting_construct)
        yield work


def _checked(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Work, str | None]:
    """The work of checking `text` as a register, and the first problem if it was refused."""
    with counted(monkeypatch) as work:
        try:
            parse_register(text, source="test.yaml")
        except RegisterInvalid as refused:
            return work, str(refused.problems[0])
    return work, None


def _assert_bounded(work: Work, text: str) -> None:
    most = VALUES_PER_CHARACTER * len(text) + 1
    assert work.nodes <= most, f"{work.nodes} nodes visited for {len(text)} characters"
    assert work.values <= most, f"{work.values} values constructed for {len(text)} characters"


def _laughs(levels: int, fanout: int, *, flow: bool = True, mapping: bool = False) -> str:
    """Each anchor holds `fanout` aliases of the one before: fanout**levels values."""
    text = "l0: &l0 [" + ",".join(["lol"] * fanout) + "]\n"
    for level in range(1, levels + 1):
        aliases = [f"*l{level - 1}"] * fanout
        if mapping:
            body = ", ".join(f"k{i}: {alias}" for i, alias in enumerate(aliases))
            text += f"l{level}: &l{level} {{{body}}}\n"
        elif flow:
            text += f"l{level}: &l{level} [" + ",".join(aliases) + "]\n"
        else:
            text += f"l{level}: &l{level}\n" + "".join(f"  - {a}\n" for a in aliases)
    return text


def _duplicate_keys(repeats: int) -> str:
    """The alias cap's gap: a key repeated with the same alias built it again onto the same
    paths, which a count of distinct paths never saw (439 bytes took 9 s of CPU)."""
    head = "l0: &l0 [0,0,0,0,0,0,0,0,0,0]\n"
    for i in range(1, 4):
        head += f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 10) + "]\n"
    return head + "d: &l4 [" + ",".join(["*l3"] * 10) + "]\n" + "d: *l4\n" * repeats


BOMBS = {
    "nested lists": _laughs(9, 9),
    "nested lists, block style": _laughs(7, 8, flow=False),
    "nested mappings": _laughs(6, 10, mapping=True),
    "a key repeated with an alias": _duplicate_keys(30),
    "a key repeated with an alias, many times": _duplicate_keys(3000),
    "one wide anchor, used widely": (
        "a: &a [" + ",".join(["1"] * 2000) + "]\nb: [" + ",".join(["*a"] * 2000) + "]\n"
    ),
    "an anchored mapping of one key repeated, used widely": (
        "m: &m {" + ", ".join(["k: 0"] * 2000) + "}\nl: [" + ",".join(["*m"] * 2000) + "]\n"
    ),
    "merge keys": _laughs(4, 10) + "m: &m {<<: *l4}\n" + "n: {<<: *m}\n" * 50,
    "an alias inside its own anchor": "a: &a [*a, *a]\n",
    "a mapping inside itself": "a: &a {b: *a, c: *a}\n" + "#" * 100_000 + "\n",
}


@pytest.mark.parametrize("text", BOMBS.values(), ids=BOMBS.keys())
def test_a_bomb_is_refused_having_built_little(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    work, refused = _checked(text, monkeypatch)
    assert refused is not None
    _assert_bounded(work, text)


def test_the_refusal_says_why_without_the_document() -> None:
    with pytest.raises(RegisterInvalid) as caught:
        parse_register(_duplicate_keys(30), source="test.yaml")
    (problem,) = caught.value.problems
    assert problem.message == (
        f"more than {VALUES_PER_CHARACTER * len(_duplicate_keys(30))} values once its aliases "
        "are expanded"
    )
    with pytest.raises(RegisterInvalid) as caught:
        parse_register("a: &a [*a]\n" + "#" * 1000 + "\n", source="test.yaml")
    (problem,) = caught.value.problems
    assert problem.message == "nested more than 100 levels deep once its aliases are expanded"


def test_the_shipped_register_is_built_well_within_its_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = shipped_register_text()
    work, refused = _checked(text, monkeypatch)
    assert refused is None
    assert work.nodes < len(text) // 10  # a few thousand values in 43 KB


def test_a_duplicate_key_is_named_and_its_value_not_built(monkeypatch: pytest.MonkeyPatch) -> None:
    text = shipped_register_text()
    duplicated = text.replace("minimum_age: 13\n", "minimum_age: 13\nminimum_age: [1, 2, 3]\n")
    with counted(monkeypatch) as work, pytest.raises(RegisterInvalid) as caught:
        parse_register(duplicated, source="test.yaml")
    assert [str(p) for p in caught.value.problems] == [
        f"minimum_age: this key appears twice (line {_line_of(duplicated)})"
    ]
    with counted(monkeypatch) as plain:
        parse_register(text, source="test.yaml")
    assert work.nodes == plain.nodes  # the second value was not built


def _line_of(text: str) -> int:
    return text[: text.index("minimum_age: [")].count("\n") + 1


@st.composite
def bombs(draw: st.DrawFn) -> str:
    """Documents of aliases nested, fanned out, repeated under one key, or made recursive."""
    levels = draw(st.integers(1, 7))
    fanout = draw(st.integers(1, 12))
    text = _laughs(
        levels, fanout, flow=draw(st.booleans()), mapping=draw(st.booleans()) and levels < 6
    )
    last = f"*l{levels}"
    repeats = draw(st.integers(0, 60))
    shape = draw(st.sampled_from(["repeat key", "list", "keys", "recursive"]))
    if shape == "repeat key":
        text += f"d: {last}\n" * repeats
    elif shape == "list":
        text += "d: [" + ",".join([last] * max(repeats, 1)) + "]\n"
    elif shape == "keys":
        text += "".join(f"d{i}: {last}\n" for i in range(repeats))
    else:
        text += f"r: &r [{last}, *r]\n"
    return text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=bombs())
def test_no_arrangement_of_aliases_outgrows_its_text(text: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        work, _ = _checked(text, monkeypatch)
    _assert_bounded(work, text)
