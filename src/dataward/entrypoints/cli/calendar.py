"""`dataward calendar ...`: the DCO's everyday question of when something is due."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

app = typer.Typer(help="UK rights-request deadlines.", no_args_is_help=True)


@app.command("due")
def due(
    received: Annotated[str, typer.Argument(help="The day it was received (YYYY-MM-DD).")],
    months: Annotated[
        int, typer.Option(min=1, max=3, help="1, or 3 for an extended deadline.")
    ] = 1,
    division: Annotated[
        str,
        typer.Option(help="Bank holidays of england-and-wales, scotland or northern-ireland."),
    ] = "england-and-wales",
) -> None:
    """When a request received on RECEIVED is due: one calendar month (the same date, or the
    month's last day), moved past weekends and bank holidays."""
    from dataward.domain.calendar import Division, bank_holidays, deadline_for

    try:
        day = date.fromisoformat(received)
        chosen = Division(division)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    holidays = bank_holidays(chosen)
    deadline = deadline_for(day, months=months, division=chosen, holidays=holidays)
    typer.echo(f"{deadline.due.isoformat()} ({deadline.due:%A})")
    if deadline.rolled_from is not None:
        rolled = deadline.rolled_from
        why = holidays.name(rolled) or f"a {rolled:%A}"
        typer.echo(f"  moved from {rolled.isoformat()}: {why}, not a working day", err=True)
    typer.echo(f"  regime: {deadline.regime.value}; division: {chosen.value}", err=True)
