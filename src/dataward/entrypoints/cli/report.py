"""`dataward report ...`: call reports from the pseudonymised store."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from dataward.entrypoints.cli.common import (
    active_register,
    cli_actor,
    container,
    fail_on_dataward_error,
    write_output,
)

app = typer.Typer(help="Call reports, from the pseudonymised store.", no_args_is_help=True)


@app.command("acd")
def acd(
    tenant: Annotated[str, typer.Option("--tenant", help="The tenant reported on.")],
    by: Annotated[str, typer.Option(help="queue, agent, or caller (small cells suppressed).")] = (
        "queue"
    ),
    period: Annotated[
        str, typer.Option(help="hour, day, week, month, hour-of-day or day-of-week.")
    ] = "day",
    first: Annotated[
        str | None, typer.Option("--from", help="First local date (YYYY-MM-DD), included.")
    ] = None,
    last: Annotated[
        str | None, typer.Option("--to", help="Last local date (YYYY-MM-DD), included.")
    ] = None,
    output_format: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    output: Annotated[Path | None, typer.Option(help="Write to this file.")] = None,
) -> None:
    """ACD figures: offered, answered, abandoned, overflow, service level, ASA, waits, talk."""
    from dataward.adapters.documents.acd_report import RENDERERS
    from dataward.domain.acd import Period
    from dataward.services.reports import ReportBy, acd_report

    try:
        chosen_by = ReportBy(by)
        chosen_period = Period(period)
        render = RENDERERS[output_format]
        first_day = date.fromisoformat(first) if first else None
        last_day = date.fromisoformat(last) if last else None
    except (ValueError, KeyError) as error:
        raise typer.BadParameter(str(error)) from None
    with fail_on_dataward_error(), container() as wired:
        report = acd_report(
            wired.uow(),
            wired.clock,
            active_register(wired),
            cli_actor(wired),
            tenant,
            by=chosen_by,
            period=chosen_period,
            first=first_day,
            last=last_day,
        )
    write_output(render(report), output)
