"""`dataward audit ...`: verify the audit log's hash chain, export it, search it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer

from dataward.domain.audit import AuditEntry
from dataward.domain.audit_search import check_action, check_actor, moment
from dataward.domain.errors import InvalidValue
from dataward.entrypoints.cli.common import (
    container,
    fail_on_dataward_error,
    opened_output,
    reading,
    use_case,
)
from dataward.entrypoints.cli.params import one_of, uuid
from dataward.entrypoints.views import audit as views

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


@app.command()
def export(
    output: Annotated[
        Path | None, typer.Option(help="File to write (default: standard output).")
    ] = None,
) -> None:
    """Write every entry as JSON Lines; the export itself is recorded in the log first."""
    from dataward.services.audit import export as export_log
    from dataward.services.audit import record_export

    with fail_on_dataward_error(), container() as wired, opened_output(output) as out:
        receipt = record_export(use_case(wired))
        count = export_log(reading(wired), receipt, out)
    where = " to the --output file" if output is not None else ""
    typer.echo(f"exported {count} entries{where} (export recorded as #{receipt.seq})", err=True)


def _checked(check: Callable[[str], object]) -> Callable[[str], str]:
    """A parser that refuses what `check` refuses, by what the option takes."""

    def parse(value: str) -> str:
        try:
            check(value)
        except InvalidValue as error:
            raise typer.BadParameter(error.expected) from None
        return value

    return parse


def _moment(value: str) -> str:
    moment("when", value, end=False)
    return value


def _table(entries: Iterator[AuditEntry]) -> int:
    typer.echo("\t".join(views.COLUMNS))
    count = 0
    for count, entry in enumerate(entries, start=1):  # noqa: B007 - the count is the result
        typer.echo(views.table_line(entry))
    return count


def _json(entries: Iterator[AuditEntry]) -> int:
    """A JSON array, written an entry at a time."""
    count = 0
    typer.echo("[", nl=False)
    for count, entry in enumerate(entries, start=1):
        typer.echo(("\n" if count == 1 else ",\n") + views.json_line(entry), nl=False)
    typer.echo("\n]" if count else "]")
    return count


def _csv(entries: Iterator[AuditEntry]) -> int:
    typer.echo(views.csv_line(list(views.COLUMNS)), nl=False)
    count = 0
    for count, entry in enumerate(entries, start=1):  # noqa: B007 - the count is the result
        typer.echo(views.csv_line(views.cells(entry)), nl=False)
    return count


_FORMATS: dict[str, Callable[[Iterator[AuditEntry]], int]] = {
    "table": _table,
    "json": _json,
    "csv": _csv,
}


@app.command()
def search(
    subject: Annotated[
        UUID | None, typer.Option(parser=uuid, metavar="ID", help="One subject's entries.")
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option(parser=_checked(check_actor), help="One staff id's entries (who acted)."),
    ] = None,
    action: Annotated[
        str | None,
        typer.Option(parser=_checked(check_action), help="One action's, e.g. gate_decision."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            parser=_checked(_moment),
            metavar="WHEN",
            help="From this UK day (YYYY-MM-DD) or time with its zone.",
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            parser=_checked(_moment),
            metavar="WHEN",
            help="To the end of this UK day (YYYY-MM-DD), or this time with its zone.",
        ),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", parser=one_of(*_FORMATS), help="table, json or csv.")
    ] = "table",
) -> None:
    """The entries matching every filter given, in chain order: who did what, to which
    subject's id, under which purpose, with what decision. Needs read_audit_log; the search is
    recorded (`audit_searched`, its filters as details) before anything is read."""
    from dataward.domain.audit_search import audit_search
    from dataward.services.audit import record_search
    from dataward.services.audit import search as search_log

    with fail_on_dataward_error(), container() as wired:
        query = audit_search(subject, actor, action, since, until)
        receipt = record_search(use_case(wired), query)
        count = _FORMATS[output_format](search_log(reading(wired), receipt, query))
    typer.echo(f"{count} entries found (search recorded as #{receipt.seq})", err=True)
