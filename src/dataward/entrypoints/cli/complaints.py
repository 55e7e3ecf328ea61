"""`dataward complaints ...`: the complaints register, one complaint, the ICO's involvement,
and the register's export for the regulator."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer

from dataward.domain.errors import InvalidValue
from dataward.domain.requests.complaints import IcoOutcome, check_reference
from dataward.entrypoints.cli.common import (
    container,
    fail_on_dataward_error,
    opened_output,
    reading,
    use_case,
)
from dataward.entrypoints.cli.params import choice, day, one_of, uuid

app = typer.Typer(
    help="The complaints register: complaints, their dates and outcomes, the ICO's involvement.",
    no_args_is_help=True,
)

ComplaintArg = Annotated[
    UUID, typer.Argument(parser=uuid, metavar="ID", help="The complaint's id.")
]
OpenOnly = Annotated[
    bool, typer.Option("--open/--all", help="Only the open complaints, or all (the default).")
]
Since = Annotated[
    date | None,
    typer.Option(parser=day, metavar="DATE", help="Received on or after this day (YYYY-MM-DD)."),
]
Until = Annotated[
    date | None,
    typer.Option(parser=day, metavar="DATE", help="Received on or before this day (YYYY-MM-DD)."),
]


def _reference(value: str) -> str:
    """The ICO's case reference, refused by what it takes, never repeated."""
    try:
        return check_reference(value)
    except InvalidValue as error:
        raise typer.BadParameter(error.expected) from None


@app.command("list")
def list_(
    open_only: OpenOnly = False,
    since: Since = None,
    until: Until = None,
    output_format: Annotated[
        str,
        typer.Option("--format", parser=one_of("table", "json", "csv"), help="table, json or csv."),
    ] = "table",
) -> None:
    """Every complaint, newest first: when it came and how (the public form or staff), its
    state, its acknowledgement against its days, its outcome's target, when it was completed
    and whether in time, whether an outcome is recorded (never its text), and the ICO's
    involvement; then the figures. Needs manage_requests."""
    from dataward.entrypoints.views.complaints import (
        register_csv,
        register_json,
        register_table,
    )
    from dataward.services.rights.complaint_register import RegisterQuery, complaint_register

    with fail_on_dataward_error(), container() as wired:
        register = complaint_register(
            reading(wired), RegisterQuery(open_only=open_only, since=since, until=until)
        )
    render = {"table": register_table, "json": register_json, "csv": register_csv}
    typer.echo(render[output_format](register), nl=False)


@app.command("show")
def show(
    complaint_id: ComplaintArg,
    output_format: Annotated[
        str, typer.Option("--format", parser=one_of("text", "json"), help="text or json.")
    ] = "text",
) -> None:
    """One complaint: its register row, the ICO's involvement, its outcome (what was found and
    what was done; each opening audited) and its timeline."""
    from dataward.entrypoints.views.complaints import DetailOut, detail_text
    from dataward.services.rights.complaint_register import show_complaint

    with fail_on_dataward_error(), container() as wired:
        detail = show_complaint(use_case(wired), complaint_id)
    if output_format == "json":
        typer.echo(DetailOut.of(detail).model_dump_json(indent=2))
    else:
        typer.echo(detail_text(detail), nl=False)


@app.command("ico")
def ico(
    complaint_id: ComplaintArg,
    reference: Annotated[
        str,
        typer.Option(parser=_reference, metavar="REF", help="The ICO's case reference."),
    ],
    on: Annotated[
        date,
        typer.Option(
            parser=day, metavar="DATE", help="The day the ICO told us of the case (YYYY-MM-DD)."
        ),
    ],
    outcome: Annotated[
        IcoOutcome | None,
        typer.Option(
            parser=choice(IcoOutcome),
            help="Once the ICO closed the case, how: no_further_action, informal_resolution, "
            "advice_given, upheld, not_upheld or withdrawn.",
        ),
    ] = None,
    closed: Annotated[
        date | None,
        typer.Option(
            parser=day,
            metavar="DATE",
            help="With --outcome: the day the ICO closed the case (default today).",
        ),
    ] = None,
) -> None:
    """Record that the person took a complaint to the ICO, and later how the ICO closed it;
    recording again replaces what was recorded. Audited; needs manage_requests."""
    from dataward.domain.requests.complaints import IcoCase
    from dataward.services.rights.complaint_register import record_ico

    with fail_on_dataward_error(), container() as wired:
        row = record_ico(use_case(wired), complaint_id, IcoCase(reference, on, outcome, closed))
    case = row.ico
    state = "open" if case is None or case.outcome is None else case.outcome.value
    closed_on = f" {case.closed.isoformat()}" if case is not None and case.closed else ""
    typer.echo(f"{row.id}\tICO {state}{closed_on}")


@app.command("export")
def export(
    output_format: Annotated[
        str, typer.Option("--format", parser=one_of("csv", "json"), help="csv or json.")
    ] = "csv",
    output: Annotated[
        Path | None, typer.Option(help="File to write, mode 0600 (default: standard output).")
    ] = None,
    since: Since = None,
    until: Until = None,
) -> None:
    """The register for the regulator: every complaint's row (as `list`), and with json its
    figures; never an outcome's text (`show` opens one, audited). The export is audited."""
    from dataward.entrypoints.views.complaints import register_csv, register_json
    from dataward.services.rights.complaint_register import RegisterQuery, export_register

    render = register_json if output_format == "json" else register_csv
    with fail_on_dataward_error(), container() as wired, opened_output(output) as out:
        register = export_register(use_case(wired), RegisterQuery(since=since, until=until))
        out.write(render(register))
    where = " to the --output file" if output is not None else ""
    typer.echo(f"exported {len(register.rows)} complaint(s){where}", err=True)
