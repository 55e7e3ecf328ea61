"""Parsers for the command line's options and arguments, refusing a bad value by what the
option takes, never by repeating it: what was typed could be anything (a number pasted in the
wrong place), and the error lands in terminals, scripts' logs and cron mail.

Each refusal is a usage error: exit code 2, the option named.
"""

from __future__ import annotations

import stat
from collections.abc import Callable
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TypeVar
from uuid import UUID

import typer

from dataward.domain.bounds import DAYS, FIRST_DAY, LAST_DAY

E = TypeVar("E", bound=Enum)


def day(value: str | date) -> date:
    """A date (YYYY-MM-DD) from `FIRST_DAY` to `LAST_DAY`."""
    if isinstance(value, date):
        return value
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(DAYS) from None
    if not FIRST_DAY <= parsed <= LAST_DAY:
        raise typer.BadParameter(DAYS)
    return parsed


def choice(kind: type[E]) -> Callable[[str | E], E]:
    """A parser for one of `kind`'s values; refused, it lists them."""
    allowed = ", ".join(str(member.value) for member in kind)

    def parse(value: str | E) -> E:
        if isinstance(value, kind):
            return value
        try:
            return kind(value)
        except ValueError:
            raise typer.BadParameter(f"one of {allowed}") from None

    parse.__name__ = kind.__name__
    return parse


def one_of(*names: str) -> Callable[[str], str]:
    """A parser for one of a few fixed words."""

    def parse(value: str) -> str:
        if value not in names:
            raise typer.BadParameter(f"one of {', '.join(names)}")
        return value

    return parse


def uuid(value: str | UUID) -> UUID:
    """An id such as 2f1c8a4e-0b7d-4d0e-9a51-6f3c2b1d9e07."""
    if isinstance(value, UUID):
        return value
    try:
        return UUID(value)
    except ValueError:
        raise typer.BadParameter("an id such as 2f1c8a4e-0b7d-4d0e-9a51-6f3c2b1d9e07") from None


def input_file(value: str | Path) -> Path:
    """A file to read: a regular file, or a pipe (`<(git show main:register.yaml)`); refused
    by what it is (missing, a folder, a device), never by its name, which can be anyone's.
    Whoever reads it bounds what it takes from a pipe."""
    return _file_to_read(value, pipes=True)


def regular_file(value: str | Path) -> Path:
    """A regular file to read, read whole or streamed to its end: a pipe or a device such as
    /dev/zero, which never ends, is refused."""
    return _file_to_read(value, pipes=False)


def _file_to_read(value: str | Path, *, pipes: bool) -> Path:
    path = Path(value)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise typer.BadParameter("no such file") from None
    except ValueError:  # a NUL in the name, which no file can have
        raise typer.BadParameter("not a file name") from None
    except OSError as error:  # a name too long, a folder on the way that may not be entered
        raise typer.BadParameter(f"cannot be read: {error.strerror or 'not readable'}") from None
    if stat.S_ISREG(mode) or (pipes and stat.S_ISFIFO(mode)):
        return path
    wanted = "a regular file or a pipe" if pipes else "a regular file"
    raise typer.BadParameter(f"{_KINDS.get(stat.S_IFMT(mode), 'something else')}, not {wanted}")


_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFIFO: "a pipe",
    stat.S_IFSOCK: "a socket",
}
