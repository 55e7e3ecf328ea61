"""`dataward audit ...`: verify the audit log's hash chain, export it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TextIO

import typer

from dataward.adapters.private_files import open_private_text
from dataward.entrypoints.cli.common import (
    container,
    fail_on_dataward_error,
    reading,
    unwritable,
    use_case,
)

app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)

EXIT_BROKEN = 1


@app.command()
def verify() -> None:
    """Check every entry's hash and link; exit 1 naming the first broken entry."""
    from dataward.services.audit import verify as verify_log

    with fail_on_dataward_error(), container() as wired:
        result = verify_log(reading(wired))
    if result.reason is None:
        typer.echo(f"audit log intact: {result.checked} entries checked, head {result.head[:16]}")
        return
    typer.echo(f"audit log BROKEN at entry #{result.first_broken_seq}: {result.reason.describe()}")
    if result.found_seq is not None:
        typer.echo(f"found entry #{result.found_seq} in its place")
    typer.echo(f"the {result.checked} entries before it are intact")
    raise typer.Exit(EXIT_BROKEN)


@contextmanager
def _opened(output: Path | None) -> Iterator[TextIO]:
    """Where the export goes, opened before it is recorded: a file that cannot be written is
    a usage error (exit code 2), with nothing recorded. The log names subjects and staff, so
    the file is private (mode 0600) and a symbolic link in its place is refused."""
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
    except OSError as error:  # the disk filled, the device failed: said, not a traceback
        typer.echo(f"error: the export could not be written: {error.strerror}", err=True)
        raise typer.Exit(1) from None


@app.command()
def export(
    output: Annotated[
        Path | None, typer.Option(help="File to write (default: standard output).")
    ] = None,
) -> None:
    """Write every entry as JSON Lines; the export itself is recorded in the log first."""
    from dataward.services.audit import export as export_log
    from dataward.services.audit import record_export

    with fail_on_dataward_error(), container() as wired, _opened(output) as out:
        receipt = record_export(use_case(wired))
        count = export_log(reading(wired), receipt, out)
    where = " to the --output file" if output is not None else ""
    typer.echo(f"exported {count} entries{where} (export recorded as #{receipt.seq})", err=True)
