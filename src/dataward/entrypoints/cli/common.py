"""What every command shares: the container, and errors turned into messages and exit codes."""

from __future__ import annotations

import errno
import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import typer
from pydantic import ValidationError

from dataward.adapters.private_files import open_private_text, write_private_text
from dataward.adapters.sql.faults import STORE_UNAVAILABLE
from dataward.bootstrap import Container, bootstrap
from dataward.domain.errors import (
    ActionNotAllowed,
    ConfigurationError,
    DatawardError,
    DocumentInvalid,
    InvalidValue,
    NoSuchSubject,
    NotFound,
    RegisterInvalid,
)
from dataward.domain.permissions import SUBJECT_OUT_OF_SCOPE
from dataward.domain.processing.gate import Gate
from dataward.domain.register.model import Register
from dataward.domain.subjects import Actor
from dataward.services.context import UseCase

EXIT_INVALID = 2
EXIT_NOT_FOUND = 3
EXIT_CONFIG = 4
EXIT_UNAVAILABLE = 6
"""The database did not answer or could not be written (full, away): try again later."""
UNAVAILABLE = (
    "the database did not answer, or could not be written (it may be full, or away); what "
    "was under way was rolled back"
)


@contextmanager
def container(*, schema: bool = True) -> Iterator[Container]:
    """The wired application; unless `schema` is False (the commands that make or move it),
    its database must have a schema, else a `ConfigurationError` says to run `dataward init`
    (a command would otherwise fail at its first query, on a table that is not there). Settings
    that do not validate are a `ConfigurationError` naming each setting and what it takes,
    never the value given (a URL can carry a password)."""
    try:
        wired = bootstrap()
    except ValidationError as error:
        raise ConfigurationError(settings_problems(error)) from None
    try:
        if schema:
            _require_schema(wired)
        yield wired
    finally:
        wired.close()


def settings_problems(error: ValidationError) -> str:
    """What is wrong with the settings, by setting, in the validators' own words only."""
    lines = []
    for problem in error.errors(include_input=False, include_url=False):
        where = ".".join(str(part) for part in problem.get("loc", ()))
        setting = f"DATAWARD_{where.upper()}: " if where else ""
        lines.append(f"{setting}{problem.get('msg', 'not valid')}")
    return "; ".join(lines)


def _require_schema(wired: Container) -> None:
    from dataward.adapters.sql.migrate import current_revision

    if current_revision(wired.engine) is None:
        raise ConfigurationError("the database has no schema yet: run `dataward init`")


@contextmanager
def fail_on_dataward_error() -> Iterator[None]:
    """Print a DatawardError the way a person can act on it, and exit with its code; a
    database that is full or away, in fixed words."""
    with _store_unavailable(), _dataward_errors():
        yield


@contextmanager
def _dataward_errors() -> Iterator[None]:
    try:
        yield
    except RegisterInvalid as error:
        for line in error.lines():
            typer.echo(line, err=True)
        errors = sum(1 for p in error.problems if p.severity == "error")
        typer.echo(f"register rejected: {errors} error(s); nothing was loaded", err=True)
        raise typer.Exit(EXIT_INVALID) from None
    except DocumentInvalid as error:  # a column mapping: every problem, each at its line
        for line in error.lines():
            typer.echo(f"error: {line}", err=True)
        raise typer.Exit(EXIT_INVALID) from None
    except NotFound as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_NOT_FOUND) from None
    except ActionNotAllowed as error:
        if error.why == SUBJECT_OUT_OF_SCOPE:  # said as of an unknown one: existence not told
            typer.echo(f"error: {NoSuchSubject.MESSAGE}", err=True)
            raise typer.Exit(EXIT_NOT_FOUND) from None
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    except InvalidValue as error:  # a value no option check could know was wrong, e.g. a kind
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(EXIT_INVALID) from None
    except ConfigurationError as error:
        typer.echo(f"configuration error: {error}", err=True)
        raise typer.Exit(EXIT_CONFIG) from None
    except DatawardError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None


@contextmanager
def _store_unavailable() -> Iterator[None]:
    try:
        yield
    except STORE_UNAVAILABLE:  # the driver's words can name a host or a file
        typer.echo(f"error: {UNAVAILABLE}", err=True)
        raise typer.Exit(EXIT_UNAVAILABLE) from None
    except OSError as error:
        if error.errno != errno.ENOSPC:
            raise
        typer.echo("error: no space left on the disk; what was under way was rolled back", err=True)
        raise typer.Exit(EXIT_UNAVAILABLE) from None


def active_register(wired: Container) -> Register:
    """The register in force, from the database."""
    return wired.active_register.get(wired.uow(read_only=True)).register


def active_gate(wired: Container) -> Gate:
    """The gate of the register in force."""
    return wired.gate_for(wired.active_register.get(wired.uow(read_only=True)))


def cli_actor(wired: Container) -> Actor:
    """Who is acting at the command line: DATAWARD_ACTOR in the role DATAWARD_ACTOR_ROLE."""
    settings = wired.settings
    actor_id = settings.actor or f"cli:{getpass.getuser()}"
    return Actor(id=actor_id, role=settings.actor_role, tenant_id=settings.actor_tenant)


def use_case(wired: Container) -> UseCase:
    """What a use case reaches outside itself, for the command line's actor."""
    return wired.use_case(cli_actor(wired), active_register(wired))


def reading(wired: Container) -> UseCase:
    """The command line's use case in a unit of work that only reads (on SQLite it takes no
    write lock, so it does not wait behind an ingest under way)."""
    return wired.use_case(cli_actor(wired), active_register(wired), read_only=True)


def write_output(text: str, output: Path | None, *, public: bool = False) -> None:
    """`text` to standard output or to `output`, a file with mode 0600 (no symbolic link
    followed) unless the text is `public` (the register's published documents): a report or
    an export names subjects, agents or staff, so private is the default. The file's name is
    not repeated: it was typed, and a name can be anyone's."""
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
    else:
        try:
            if public:
                output.write_text(text, encoding="utf-8")
            else:
                write_private_text(output, text)
        except OSError as error:
            raise unwritable(error) from None
        typer.echo("wrote the --output file", err=True)


def unwritable(error: OSError, option: str = "--output") -> typer.BadParameter:
    """A file that cannot be written, said as a usage error naming the option (exit code 2)."""
    return typer.BadParameter(
        f"cannot write it: {error.strerror or 'not writable'}", param_hint=option
    )


@contextmanager
def opened_output(output: Path | None) -> Iterator[TextIO]:
    """Where an export goes, opened before it is recorded: a file that cannot be written is
    a usage error (exit code 2), with nothing recorded. An export names subjects or staff, so
    the file is private (mode 0600) and a symbolic link in its place is refused; a disk that
    fills while it is written is said, not a traceback."""
    if output is None:
        yield sys.stdout
        return
    try:
        out = open_private_text(output)
    except OSError as error:
        raise unwritable(error) from None
    try:
        with out:
            yield out
    except OSError as error:
        typer.echo(f"error: the export could not be written: {error.strerror}", err=True)
        raise typer.Exit(1) from None
