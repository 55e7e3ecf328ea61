"""YAML documents checked by a pydantic model, with the file's line on every problem.

The YAML is composed into nodes first, so every value keeps the line it came from; the plain
data is then validated by the model and, where given, cross-checked. Every problem is
collected, never raised one at a time: whoever fixes the file wants the whole list. The
register and the ingest column mappings are both read this way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path as FilePath
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from dataward.domain.errors import DocumentInvalid
from dataward.domain.register_checks import Path, Problem, Severity

# libyaml's parser where it is installed (same nodes and marks, several times faster).
LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

M = TypeVar("M", bound=BaseModel)
Invalid = type[DocumentInvalid]

MAX_VALUES = 200_000
"""The most values a document may hold once its aliases are expanded (the shipped register
holds a few thousand): a few hundred bytes of nested aliases would otherwise expand to
billions, and a register is checked for anyone who posts one."""


class _TooManyValues(Exception):
    pass


def read_document(path: FilePath | str, invalid: Invalid) -> str:
    """The file's text, or `invalid(source, [problem])` raised when it cannot be read."""
    file = FilePath(path)
    try:
        return file.read_text("utf-8")
    except FileNotFoundError:
        raise invalid(str(file), [Problem((), "file not found")]) from None
    except UnicodeDecodeError as error:
        raise invalid(str(file), [Problem((), f"not UTF-8 text ({error.reason})")]) from None


def parse_document(
    text: str,
    model: type[M],
    *,
    source: str,
    what: str,
    invalid: Invalid,
    cross_check: Callable[[M], list[Problem]] | None = None,
) -> tuple[M, list[Problem]]:
    """Validate `text` as `model`; raise `invalid(...)` listing every error, else the warnings."""
    try:
        node = yaml.compose(text, Loader=LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise invalid(
            source, [Problem((), f"not valid YAML: {error.problem}", line=line)]
        ) from None
    if node is None:
        raise invalid(source, [Problem((), "the file is empty")])
    lines: dict[Path, int] = {}
    problems: list[Problem] = []
    constructor = yaml.SafeLoader("")
    try:
        data = _to_python(node, (), lines, problems, constructor)
    except _TooManyValues:
        message = f"more than {MAX_VALUES} values once its aliases are expanded"
        raise invalid(source, [Problem((), message)]) from None
    finally:
        constructor.dispose()
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


def _to_python(
    node: yaml.Node,
    path: Path,
    lines: dict[Path, int],
    problems: list[Problem],
    constructor: yaml.SafeLoader,
) -> Any:
    """Construct plain data from a node tree, recording each path's line and duplicate keys."""
    if len(lines) >= MAX_VALUES:  # one entry per value constructed so far
        raise _TooManyValues
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(
                    Problem(path, "keys must be plain text", line=key_node.start_mark.line + 1)
                )
                continue
            key = str(key_node.value)
            child: Path = (*path, key)
            if key in result:
                problems.append(
                    Problem(child, f"key {key!r} appears twice", line=key_node.start_mark.line + 1)
                )
            result[key] = _to_python(value_node, child, lines, problems, constructor)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _to_python(item, (*path, index), lines, problems, constructor)
            for index, item in enumerate(node.value)
        ]
    value = constructor.construct_object(node)
    # YAML turns unquoted dates into dates; pydantic wants them as they are, but datetimes
    # would smuggle a naive time in, so keep them as text for the schema to judge.
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value
    return value


def _problem_from_pydantic(detail: ErrorDetails) -> Problem:
    path = tuple(detail["loc"])
    kind = detail["type"]
    value = detail.get("input")
    if kind == "enum":
        expected = (detail.get("ctx") or {}).get("expected", "")
        message = f"{value!r} is not one of {expected}"
    elif kind == "missing":
        message = "required field is missing"
    elif kind == "extra_forbidden":
        message = f"unknown field {path[-1]!r}" if path else "unknown field"
    elif kind == "string_pattern_mismatch":
        message = f"{value!r} does not match the pattern {(detail.get('ctx') or {}).get('pattern')}"
    else:
        message = detail["msg"]
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
