"""The command line's tree, walked as its parser sees it, for tests that sweep every command:
its commands, their parameters, the Python type each declares, a command line giving them
values, and a bound on the time and memory one invocation may take."""

from __future__ import annotations

import inspect
import resource
import signal
import types
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def leaves(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every runnable command under `command` (a group, or a command), with the words that
    reach it, by name."""
    children = getattr(command, "commands", None)
    if children is None:
        yield path, command
        return
    for name, child in sorted(children.items()):
        yield from leaves(child, (*path, name))


def takes_value(param: Any) -> bool:
    """Whether `param` takes a value: an argument or an option, not a flag, nor `--help`."""
    return not getattr(param, "is_flag", False) and param.name != "help"


def annotation(command: Any, name: str) -> Any:
    """The type the command's function declares for its parameter `name`: `X | None` is `X`,
    and `list[X]` (a repeatable option, a variadic argument) is `X`."""
    kind = typing.get_type_hints(inspect.unwrap(command.callback))[name]
    if isinstance(kind, types.UnionType) or typing.get_origin(kind) is typing.Union:
        kind = next(arg for arg in typing.get_args(kind) if arg is not type(None))
    if typing.get_origin(kind) is list:
        kind = typing.get_args(kind)[0]
    return kind


def arguments(path: tuple[str, ...], command: Any, values: dict[str, str]) -> list[str]:
    """The command line giving `values` by parameter name: options as `--name=value` (a value
    starting with a dash stays a value), then `--`, then the arguments in their order."""
    options: list[str] = []
    positional: list[str] = []
    for param in command.params:
        if param.name not in values:
            continue
        if param.param_type_name == "argument":
            positional.append(values[param.name])
        else:
            name = next(opt for opt in param.opts if opt.startswith("--"))
            options.append(f"{name}={values[param.name]}")
    return [*path, *options, "--", *positional]


class Hung(Exception):
    """The invocation ran past its time."""


@contextmanager
def bounded(seconds: float, memory: int) -> Iterator[None]:
    """Raise `Hung` after `seconds`, and MemoryError past `memory` more bytes of address space
    than the process has now (Linux: reads /proc/self/statm)."""

    def alarm(_signum: int, _frame: object) -> None:
        raise Hung(f"still running after {seconds} s")

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    pages = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[0])
    used = pages * resource.getpagesize()
    limit = used + memory if hard == resource.RLIM_INFINITY else min(used + memory, hard)
    previous = signal.signal(signal.SIGALRM, alarm)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        signal.signal(signal.SIGALRM, previous)
