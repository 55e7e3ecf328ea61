"""YAML documents checked by a pydantic model, with the file's line on every problem.

The YAML is composed into nodes first, so every value keeps the line it came from; the plain
data is then validated by the model and, where given, cross-checked. Every problem is
collected, never raised one at a time: whoever fixes the file wants the whole list. The
register and the ingest column mappings are both read this way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path as FilePath
from typing import Any, Generic, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from dataward.domain.errors import DocumentInvalid
from dataward.domain.register.problems import Path, Problem, Severity

# libyaml's parser where it is installed (same nodes and marks, several times faster).
LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

M = TypeVar("M", bound=BaseModel)
Invalid = type[DocumentInvalid]


@dataclass(frozen=True, slots=True)
class DocumentKind(Generic[M]):
    """A kind of document: its model, what messages call it, the error that lists its
    problems, and the checks across its parts that the model cannot make."""

    model: type[M]
    what: str
    invalid: Invalid
    cross_check: Callable[[M], list[Problem]] | None = None


MAX_VALUES = 200_000
"""The most values a document may hold once its aliases are expanded (the shipped register
holds a few thousand): a few hundred bytes of nested aliases would otherwise expand to
billions, and a register is checked for anyone who posts one."""

VALUES_PER_CHARACTER = 4
"""Below `MAX_VALUES`, a document may expand to at most this many values per character of its
text: the work of building any document, however its aliases nest or repeat, is a small
multiple of its size. Without aliases a document holds fewer values than characters."""

MAX_CHARACTERS = 1024 * 1024
"""The longest document read from a file (the shipped register is about 43,000 characters):
past it the file is refused without reading on, so a pipe or a device that never ends, such
as /dev/zero, costs no more than this."""

MAX_DEPTH = 100
"""The deepest a value may sit once aliases are expanded (the shipped register nests six
deep); an alias inside its own anchor would otherwise nest without end."""


QUOTED_MIN = 4
"""A value this long found in pydantic's message is quoted there, not met by chance."""


class _TooManyValues(Exception):
    pass


class _TooDeep(Exception):
    pass


def read_document(path: FilePath | str, invalid: Invalid) -> str:
    """The file's text, or `invalid(source, [problem])` raised when it cannot be read or is
    longer than `MAX_CHARACTERS`."""
    file = FilePath(path)
    try:
        with file.open(encoding="utf-8") as handle:
            text = handle.read(MAX_CHARACTERS + 1)
    except FileNotFoundError:
        raise invalid(str(file), [Problem((), "file not found")]) from None
    except UnicodeDecodeError as error:
        raise invalid(str(file), [Problem((), f"not UTF-8 text ({error.reason})")]) from None
    except OSError as error:  # a directory, no permission, a device that fails
        reason = error.strerror or type(error).__name__
        raise invalid(str(file), [Problem((), f"cannot be read ({reason})")]) from None
    if len(text) > MAX_CHARACTERS:
        longer = f"longer than {MAX_CHARACTERS:,} characters"
        raise invalid(str(file), [Problem((), longer)])
    return text


def parse_document(text: str, source: str, kind: DocumentKind[M]) -> tuple[M, list[Problem]]:
    """Validate `text` as `kind.model`; raise `kind.invalid(...)` listing every error, else the
    warnings."""
    model, what, invalid, cross_check = kind.model, kind.what, kind.invalid, kind.cross_check
    try:
        node = yaml.compose(text, Loader=LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise invalid(
            source, [Problem((), f"not valid YAML: {error.problem}", line=line)]
        ) from None
    except yaml.reader.ReaderError as error:
        # The character itself is not quoted: it is whatever the file holds.
        line = text.count("\n", 0, max(error.position, 0)) + 1
        message = "not valid YAML: a control character YAML does not allow"
        raise invalid(source, [Problem((), message, line=line)]) from None
    except yaml.YAMLError:
        raise invalid(source, [Problem((), "not valid YAML")]) from None
    if node is None:
        raise invalid(source, [Problem((), "the file is empty")])
    expansion = _Expansion(budget=min(MAX_VALUES, VALUES_PER_CHARACTER * len(text)))
    try:
        data = expansion.build(node, ())
    except _TooManyValues:
        message = f"more than {expansion.budget} values once its aliases are expanded"
        raise invalid(source, [Problem((), message)]) from None
    except _TooDeep:
        message = f"nested more than {MAX_DEPTH} levels deep once its aliases are expanded"
        raise invalid(source, [Problem((), message)]) from None
    finally:
        expansion.close()
    lines, problems = expansion.lines, expansion.problems
    if not isinstance(data, dict):
        raise invalid(source, [Problem((), f"the {what} must be a YAML mapping", line=1)])
    try:
        document = model.model_validate(data)
    except ValidationError as error:
        problems.extend(_problem_from_pydantic(detail) for detail in error.errors())
        raise invalid(source, _with_lines(problems, lines)) from None
    if cross_check is not None:
        problems.extend(cross_check(document))
    problems = _with_lines(problems, lines)
    if any(p.severity is Severity.ERROR for p in problems):
        raise invalid(source, problems)
    return document, problems


class _Expansion:
    """Plain data constructed from a node tree, recording each path's line and duplicate keys.

    An alias is a reference to a node already composed, so building the data expands it
    wherever it is used; the work is counted as it is done, one step for every node built and
    every mapping entry read, however many times the same node is reached (a count of distinct
    paths would miss a key repeated with the same alias, which builds the alias again onto
    the same paths). Past `budget` steps, or `MAX_DEPTH` levels, the document is refused. A
    key seen before in its mapping is a problem already, and its value is not built.
    """

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.steps = 0
        self.lines: dict[Path, int] = {}
        self.problems: list[Problem] = []
        self._constructor = yaml.SafeLoader("")

    def close(self) -> None:
        self._constructor.dispose()

    def _step(self) -> None:
        self.steps += 1
        if self.steps > self.budget:
            raise _TooManyValues

    def build(self, node: yaml.Node, path: Path) -> Any:
        self._step()
        if len(path) > MAX_DEPTH:
            raise _TooDeep
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.CollectionNode) and node.tag not in _PLAIN_COLLECTIONS:
            # `!!set`, `!!omap`, `!!python/...`: nothing here is more than lists and mappings.
            self.problems.append(Problem(path, _unreadable(node), line=self.lines[path]))
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        try:
            value = self._constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError, TypeError, AttributeError):
            # An explicit tag the value does not fit (`!!int 'x'`), a date that is no day
            # (`2026-02-30`), a number too long to read: a problem at its line, the value
            # itself not quoted.
            self.problems.append(Problem(path, _unreadable(node), line=self.lines[path]))
            return None
        # YAML turns unquoted dates into dates; pydantic wants them as they are, but datetimes
        # would smuggle a naive time in, so keep them as text for the schema to judge.
        if isinstance(value, datetime):
            return value.isoformat()
        return value

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            self._step()
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(Problem(path, "keys must be plain text", line=line))
                continue
            key = str(key_node.value)
            child: Path = (*path, key)
            if key in result:
                self.problems.append(Problem(child, "this key appears twice", line=line))
                continue
            result[key] = self.build(value_node, child)
        return result


_PLAIN_COLLECTIONS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})

_TAG_NAMES = {
    "tag:yaml.org,2002:int": "a whole number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true or false",
    "tag:yaml.org,2002:timestamp": "a date",
    "tag:yaml.org,2002:binary": "base64 data",
}


def _unreadable(node: yaml.Node) -> str:
    kind = _TAG_NAMES.get(node.tag)
    if kind is not None:
        return f"not {kind} that can be read"
    return "a value of a kind YAML cannot read here (only plain values, lists and mappings)"


def _problem_from_pydantic(detail: ErrorDetails) -> Problem:
    """The problem at its path, in words that never quote the value refused or the key it
    has: the path and the line say where, and a document may be anyone's (the register is
    checked for whoever posts one)."""
    path = tuple(detail["loc"])
    kind = detail["type"]
    ctx = detail.get("ctx") or {}
    if kind == "enum":
        message = f"not one of {ctx.get('expected', '')}"
    elif kind == "missing":
        message = "required field is missing"
    elif kind == "extra_forbidden":
        message = "unknown field"
    elif kind == "string_pattern_mismatch":
        message = f"does not match the pattern {ctx.get('pattern')}"
    else:
        message = detail["msg"]
        value = detail.get("input")
        if isinstance(value, str) and len(value.strip()) >= QUOTED_MIN and value in message:
            message = "not a value this field takes"
    return Problem(path, message)


def _with_lines(problems: list[Problem], lines: dict[Path, int]) -> list[Problem]:
    located = []
    for problem in problems:
        if problem.line is not None:
            located.append(problem)
            continue
        path = problem.path
        while path and path not in lines:
            path = path[:-1]
        located.append(Problem(problem.path, problem.message, problem.severity, lines.get(path)))
    return located
