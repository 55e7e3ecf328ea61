"""`dataward retention ...`: the plan (a dry run), the sweep, and the evidence of past sweeps."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer

from dataward.entrypoints.cli.common import container, fail_on_dataward_error, reading, use_case
from dataward.entrypoints.cli.params import day, one_of

app = typer.Typer(
    help="Retention: what each rule lets go, sweeping it, and the evidence of each sweep.",
    no_args_is_help=True,
)

AsOf = Annotated[
    date | None,
    typer.Option("--as-of", parser=day, metavar="DATE", help="The day to sweep as of (today)."),
]
Format = Annotated[
    str, typer.Option("--format", parser=one_of("table", "json"), help="table or json.")
]


@app.command()
def plan(as_of: AsOf = None, output_format: Format = "table") -> None:
    """A dry run: per rule, store and tenant, what a sweep would remove, how many, the oldest
    date, what a hold keeps (with the hold), and why what waits waits. Changes nothing; the
    day may be ahead."""
    from dataward.entrypoints.views.retention import PlanOut, plan_table
    from dataward.services.retention.plan import retention_plan

    with fail_on_dataward_error(), container() as wired:
        found = retention_plan(reading(wired), as_of)
    if output_format == "json":
        typer.echo(PlanOut.of(found).model_dump_json(indent=2))
    else:
        typer.echo(plan_table(found), nl=False)


@app.command()
def sweep(
    as_of: AsOf = None,
    tenant: Annotated[str | None, typer.Option(help="Only this tenant.")] = None,
    batch: Annotated[int, typer.Option(min=1, max=10_000, help="Items a transaction.")] = 5000,
    output_format: Format = "table",
) -> None:
    """Delete what the rules let go, in batches, each its own transaction; held items stay.
    Resumes an interrupted sweep of the same day; safe to run twice. Not ahead of today."""
    from dataward.entrypoints.views.retention import SweepOut, sweeps_table
    from dataward.services.retention.sweep import SweepRetention, sweep_retention

    with fail_on_dataward_error(), container() as wired:
        done = sweep_retention(use_case(wired), SweepRetention(as_of, tenant, batch))
    if output_format == "json":
        typer.echo(json.dumps([SweepOut.of_record(r).model_dump(mode="json") for r in done]))
    else:
        typer.echo(sweeps_table(done), nl=False)


@app.command()
def history(
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="How many, newest first.")] = 100,
    output_format: Format = "table",
) -> None:
    """The evidence of past sweeps: rule, store, tenant, period, counts and digest."""
    from dataward.entrypoints.views.retention import SweepOut, sweeps_table
    from dataward.services.retention.history import retention_history

    with fail_on_dataward_error(), container() as wired:
        records = retention_history(reading(wired), limit)
    if output_format == "json":
        typer.echo(json.dumps([SweepOut.of_record(r).model_dump(mode="json") for r in records]))
    else:
        typer.echo(sweeps_table(records), nl=False)
