"""Reading a register from YAML, with the file's line number on every problem.

The YAML is composed into nodes first, so every value keeps the line it came from; the plain
data is then validated by the pydantic model and cross-checked. Problems are collected, never
raised one at a time: a DCO fixing a register wants the whole list.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path as FilePath
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from dataward.domain.errors import RegisterInvalid
from dataward.domain.register import Register
from dataward.domain.register_checks import Path, Problem, Severity, cross_check

SHIPPED_REGISTER = "register.yaml"
# libyaml's parser where it is installed (same nodes and marks, several times faster).
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class LoadedRegister:
    register: Register
    source: str
    sha256: str
    text: str
    warnings: tuple[Problem, ...]


def shipped_register_text() -> str:
    return resources.files("dataward.policies").joinpath(SHIPPED_REGISTER).read_text("utf-8")


def load_register_file(path: FilePath | str | None = None) -> LoadedRegister:
    """Load and check a register file (the shipped one when `path` is None)."""
    if path is None:
        return parse_register(shipped_register_text(), source=f"<shipped {SHIPPED_REGISTER}>")
    file = FilePath(path)
    try:
        text = file.read_text("utf-8")
    except FileNotFoundError:
        raise RegisterInvalid(str(file), [Problem((), "file not found")]) from None
    except UnicodeDecodeError as error:
        raise RegisterInvalid(
            str(file), [Problem((), f"not UTF-8 text ({error.reason})")]
        ) from None
    return parse_register(text, source=str(file))


def parse_register(text: str, *, source: str) -> LoadedRegister:
    """Parse, validate and cross-check; raise `RegisterInvalid` listing every error."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise RegisterInvalid(
            source, [Problem((), f"not valid YAML: {error.problem}", line=line)]
        ) from None
    if node is None:
        raise RegisterInvalid(source, [Problem((), "the file is empty")])
    lines: dict[Path, int] = {}
    problems: list[Problem] = []
    constructor = yaml.SafeLoader("")
    try:
        data = _to_python(node, (), lines, problems, constructor)
    finally:
        constructor.dispose()
    if not isinstance(data, dict):
        raise RegisterInvalid(source, [Problem((), "the register must be a mapping", line=1)])
    try:
        register = Register.model_validate(data)
    except ValidationError as error:
        problems.extend(_problem_from_pydantic(detail) for detail in error.errors())
        raise RegisterInvalid(source, _with_lines(problems, lines)) from None
    problems.extend(cross_check(register))
    problems = _with_lines(problems, lines)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise RegisterInvalid(source, problems)
    return LoadedRegister(
        register=register,
        source=source,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        text=text,
        warnings=tuple(problems),
    )


def _to_python(
    node: yaml.Node,
    path: Path,
    lines: dict[Path, int],
    problems: list[Problem],
    constructor: yaml.SafeLoader,
) -> Any:
    """Construct plain data from a node tree, recording each path's line and duplicate keys."""
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
