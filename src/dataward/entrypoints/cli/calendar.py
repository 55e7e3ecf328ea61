"""`dataward calendar ...`: the DCO's everyday question of when something is due."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from dataward.domain.calendar import MAX_MONTHS, Division
from dataward.entrypoints.cli.common import fail_on_dataward_error
from dataward.entrypoints.cli.params import choice, day

app = typer.Typer(help="UK rights-request deadlines.", no_args_is_help=True)


@app.command("due")
def due(
    received: Annotated[
        date,
        typer.Argument(parser=day, metavar="DATE", help="The day it was received (YYYY-MM-DD)."),
    ],
    months: Annotated[
        int, typer.Option(min=1, max=MAX_MONTHS, help="1, or 3 for an extended deadline.")
    ] = 1,
    division: Annotated[
        Division, typer.Option(parser=choice(Division), help="Whose bank holidays count.")
    ] = Division.ENGLAND_AND_WALES,
) -> None:
    """When a request received on RECEIVED is due: one calendar month (the same date, or the
    month's last day), moved past weekends and bank holidays."""
    from dataward.domain.calendar import bank_holidays, deadline_for

    holidays = bank_holidays(division)
    with fail_on_dataward_error():
        deadline = deadline_for(received, months=months, division=division, holidays=holidays)
    typer.echo(f"{deadline.due.isoformat()} ({deadline.due:%A})")
    if deadline.rolled_from is not None:
        rolled = deadline.rolled_from
        why = holidays.name(rolled) or f"a {rolled:%A}"
        typer.echo(f"  moved from {rolled.isoformat()}: {why}, not a working day", err=True)
    typer.echo(f"  regime: {deadline.regime.value}; division: {division.value}", err=True)
