"""`dataward report ...`: call reports from the pseudonymised store."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from dataward.adapters.documents.acd_report import RENDERERS, summary
from dataward.domain.calls.acd import Period
from dataward.domain.calls.acd_report import ReportBy
from dataward.domain.calls.dp_release import LEAST_EPSILON, MOST_EPSILON
from dataward.entrypoints.cli.common import (
    container,
    fail_on_dataward_error,
    use_case,
    write_output,
)
from dataward.entrypoints.cli.params import choice, day, one_of
from dataward.services.calls.report_labels import REPORTING_PURPOSE

app = typer.Typer(help="Call reports, from the pseudonymised store.", no_args_is_help=True)


@app.command("acd")
def acd(
    tenant: Annotated[str, typer.Option("--tenant", help="The tenant reported on.")],
    by: Annotated[
        ReportBy,
        typer.Option(
            parser=choice(ReportBy),
            help="By queue, agent, or caller (cells under the register's k suppressed).",
        ),
    ] = ReportBy.QUEUE,
    period: Annotated[
        Period, typer.Option(parser=choice(Period), help="The period of each row.")
    ] = Period.DAY,
    first: Annotated[
        date | None,
        typer.Option("--from", parser=day, metavar="DATE", help="First local date, included."),
    ] = None,
    last: Annotated[
        date | None,
        typer.Option("--to", parser=day, metavar="DATE", help="Last local date, included."),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", parser=one_of(*RENDERERS), help="table, csv or json.")
    ] = "table",
    output: Annotated[Path | None, typer.Option(help="Write to this file.")] = None,
    dp_epsilon: Annotated[
        float | None,
        typer.Option(
            "--dp-epsilon",
            min=LEAST_EPSILON,
            max=MOST_EPSILON,
            metavar="E",
            help="Release the counts with differential-privacy noise spending this budget "
            "(by queue, --from and --to given; recorded in the tenant's ledger, at most 10 in "
            "365 days); averages of seconds are then left out.",
        ),
    ] = None,
    purpose: Annotated[
        str,
        typer.Option(
            help="The register purpose the agent or caller labels serve; the gate decides "
            "each (a report by queue names nobody)."
        ),
    ] = REPORTING_PURPOSE,
) -> None:
    """ACD figures: offered, answered, abandoned, overflow, service level, ASA, waits, talk.

    No cell offered fewer calls than the register's k is shown, in any report or format."""
    from dataward.services.calls.reports import ReadAcdReport, acd_report

    with fail_on_dataward_error(), container() as wired:
        command = ReadAcdReport(tenant, by, period, first, last, dp_epsilon, purpose)
        report = acd_report(use_case(wired), command)
    write_output(RENDERERS[output_format](report), output)
    if output_format == "csv":  # the rows alone: what they leave out is said beside them
        typer.echo(summary(report), err=True)
