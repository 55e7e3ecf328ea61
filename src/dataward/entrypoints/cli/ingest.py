"""`dataward ingest ...`: call files into the call store, and their quarantine.

`dataward ingest FILE... --tenant T` is short for `dataward ingest files FILE... --tenant T`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from typer.core import TyperGroup

from dataward.adapters.ingest.detect import PARSERS
from dataward.domain.bounds import MAX_INGEST_ID
from dataward.entrypoints.cli.common import (
    EXIT_NOT_FOUND,
    container,
    fail_on_dataward_error,
    reading,
    unwritable,
    use_case,
)
from dataward.entrypoints.cli.params import input_file, one_of, regular_file

if TYPE_CHECKING:
    from dataward.domain.calls.records import IngestReport
    from dataward.services.context import UseCase


class _FilesByDefault(TyperGroup):
    """`dataward ingest FILE...` runs the `files` command: a file is never a command name."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["files", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_FilesByDefault,
    help="Ingest call files (`dataward ingest FILE... --tenant T`) and manage their quarantine.",
    no_args_is_help=True,
)

T = TypeVar("T")
TenantOption = Annotated[str, typer.Option("--tenant", help="The tenant the calls belong to.")]
IngestArg = Annotated[
    int, typer.Argument(min=1, max=MAX_INGEST_ID, help="The ingest's number (from its report).")
]


@contextmanager
def _progress(total: int) -> Iterator[Any]:
    """A progress bar over bytes read, on a terminal only (scripts get none)."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, Progress, TimeRemainingColumn, TransferSpeedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        transient=True,
    ) as bar:
        yield bar, bar.add_task("ingesting", total=total)


def _in_background(
    paths: list[Path], tenant: str, format_name: str | None, *, quarantine: bool, as_json: bool
) -> None:
    """Each file staged as a job of its own; the jobs' ids (and states) printed."""
    from dataward.domain.jobs import JobKind, JobState, NewJob
    from dataward.entrypoints.cli.common import cli_actor
    from dataward.services.jobs.submit import submit_job

    done = []
    with fail_on_dataward_error(), container() as wired:
        actor = cli_actor(wired)
        params: dict[str, object] = {"quarantine": quarantine}
        if format_name is not None:
            params["format"] = format_name
        for path in paths:
            try:
                staged = path.open("rb")
            except OSError:  # gone, or unreadable, since its parameter was checked
                raise typer.BadParameter("cannot be read", param_hint="FILE") from None
            with staged:
                new = NewJob(JobKind.INGEST, actor, tenant, params)
                done.append(submit_job(use_case(wired), new, wired.dispatcher(), staged))
    if as_json:
        typer.echo(json.dumps([{"job": j.id, "state": j.state.value} for j in done], indent=2))
    else:
        for path, job in zip(paths, done, strict=True):
            typer.echo(f"{path}: job {job.id} {job.state.value}")
    if any(job.state is JobState.FAILED for job in done):
        raise typer.Exit(2)


@app.command("files")
def files(
    paths: Annotated[
        list[Path],
        typer.Argument(parser=regular_file, metavar="FILE", help="Call files (CDR, queue_log)."),
    ],
    tenant: TenantOption,
    format_name: Annotated[
        str | None,
        typer.Option(
            "--format", parser=one_of(*PARSERS), help="The files' format (default: detected)."
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            parser=input_file, metavar="FILE", help="Column mapping (YAML) for generic-csv."
        ),
    ] = None,
    quarantine: Annotated[
        bool,
        typer.Option(
            "--quarantine", help="Land the good records and keep the bad lines for correction."
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    background: Annotated[
        bool,
        typer.Option(
            "--background",
            help="Stage each file as a job for a worker and print its id (`dataward jobs "
            "wait ID`); without a broker the job runs here at once.",
        ),
    ] = False,
) -> None:
    """Ingest call files; a file with bad records is rejected whole unless --quarantine."""
    from dataward.adapters.ingest.files import ByteCounter, file_source

    if background:
        if mapping is not None:
            raise typer.BadParameter(
                "a column mapping is read where the job runs: ingest generic-csv in the foreground",
                param_hint="--mapping",
            )
        _in_background(paths, tenant, format_name, quarantine=quarantine, as_json=as_json)
        return
    from dataward.services.calls.ingest import IngestCalls, IngestRejected, ingest

    counter = ByteCounter()
    with fail_on_dataward_error(), container() as wired:
        try:
            sources = [
                file_source(p, format_name=format_name, mapping=mapping, counter=counter)
                for p in paths
            ]
        except FileNotFoundError:  # gone since its parameter was checked
            raise typer.BadParameter("no such file", param_hint="FILE") from None
        total = sum(p.stat().st_size for p in paths)
        with _progress(total) as bar:

            def advance(_calls: int) -> None:
                if bar is not None:
                    bar[0].update(bar[1], completed=counter.done)

            try:
                report = ingest(
                    use_case(wired),
                    IngestCalls(tenant, sources, quarantine=quarantine),
                    progress=advance,
                )
            except IngestRejected as error:
                for bad in error.report.bad:
                    typer.echo(bad, err=True)
                typer.echo(
                    f"rejected: {len(error.report.bad)} bad record(s), nothing was stored "
                    "(fix them, or use --quarantine to land the good records)",
                    err=True,
                )
                raise typer.Exit(2) from None
    _print_report(report, tenant, as_json=as_json)


def _print_report(report: IngestReport, tenant: str, *, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
        return
    for source, ingest_id, label in zip(
        report.sources, report.ingest_ids, report.labels, strict=False
    ):
        typer.echo(f"{source}: {report.formats[source]}, ingest {ingest_id} ({label})")
    typer.echo(
        f"stored {report.stored} call(s), {report.duplicates} duplicate(s) skipped, "
        f"{report.subjects_created} new subject(s), {report.events_read} queue event(s) read"
    )
    if report.withheld_parties:
        typer.echo(f"{report.withheld_parties} withheld number(s) stored as withheld")
    if report.unreadable_numbers:
        typer.echo(f"{report.unreadable_numbers} party number(s) not valid: stored as no party")
    if report.erased_parties:
        typer.echo(
            f"{report.erased_parties} party number(s) erased after the call started: "
            "stored as erased, no subject"
        )
    if report.past_retention:
        typer.echo(
            f"{report.past_retention} call(s) older than the tenant's call retention: "
            "stored without parties"
        )
    if report.quarantined:
        typer.echo(
            f"quarantined {report.quarantined} bad line(s) "
            f"(see `dataward ingest quarantine --tenant {tenant}`):"
        )
        for bad in report.bad:
            typer.echo(f"  {bad}")


@app.command("find")
def find(
    path: Annotated[Path, typer.Argument(help="A call file (only its name is used).")],
    tenant: TenantOption,
) -> None:
    """Which ingests came from a file of this name: the name is kept only as a keyed digest."""
    from dataward.services.calls.names import find_ingests

    with fail_on_dataward_error(), container() as wired:
        found = find_ingests(reading(wired), tenant, path.name)
    if not found:
        typer.echo("no ingest of a file of that name")
        raise typer.Exit(EXIT_NOT_FOUND)
    for record in found:
        typer.echo(
            f"ingest {record.id}  {record.label}  {record.format}  "
            f"{record.started_at.isoformat(timespec='seconds')}  "
            f"stored {record.stored}, bad {record.bad}"
        )


@app.command("quarantine")
def quarantine_list(
    tenant: TenantOption,
    ingest_id: Annotated[
        int | None,
        typer.Option("--ingest", min=1, max=MAX_INGEST_ID, help="Only this ingest."),
    ] = None,
    resolved: Annotated[
        bool,
        typer.Option("--resolved", help="Include lines already replayed, discarded or erased."),
    ] = False,
    phone: Annotated[
        str | None,
        typer.Option(
            "--phone",
            metavar="NUMBER",
            help="Only the lines naming this number, in any spelling (needs a role that may "
            "see identifiers; the number is not shown or kept).",
        ),
    ] = None,
) -> None:
    """List quarantined lines: ingest, its label, line and reason (never the line's content)."""
    from dataward.services.quarantine.lines import find_quarantined, list_quarantine

    with fail_on_dataward_error(), container() as wired:
        if phone is not None:
            if ingest_id is not None:
                raise typer.BadParameter("not with --ingest", param_hint="--phone")
            entries = find_quarantined(use_case(wired), tenant, phone, include_resolved=resolved)
        else:
            entries = list_quarantine(
                reading(wired), tenant, ingest_id=ingest_id, include_resolved=resolved
            )
    if not entries:
        typer.echo("no quarantined lines")
        return
    for entry in entries:
        state = f" [{entry.resolution}]" if entry.resolution else ""
        typer.echo(f"ingest {entry.ingest_id}  {entry.source}:{entry.line}  {entry.reason}{state}")


def _on_quarantine(action: Callable[[UseCase], T]) -> T:
    """Run a quarantine use case for the command line's actor, errors turned into messages."""
    with fail_on_dataward_error(), container() as wired:
        return action(use_case(wired))


@app.command("export")
def quarantine_export(
    ingest_id: IngestArg,
    tenant: TenantOption,
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write (0600).")],
) -> None:
    """Write an ingest's quarantined lines (with the file's header) to a file for correction."""
    from dataward.adapters.private_files import write_private_text
    from dataward.services.quarantine.lines import export_quarantine

    try:  # before the lines are opened and their reading audited
        made = not output.exists()  # a name too long cannot even be looked up
        write_private_text(output, "")
    except OSError as error:
        raise unwritable(error) from None
    try:
        text = _on_quarantine(lambda ctx: export_quarantine(ctx, tenant, ingest_id))
    except BaseException:
        if made:
            output.unlink(missing_ok=True)
        raise
    try:
        write_private_text(output, text)
    except OSError as error:  # the disk filled after the empty file was made
        raise unwritable(error) from None
    typer.echo(
        f"wrote the --output file: correct the lines, then `dataward ingest replay {ingest_id}`"
    )


@app.command("replay")
def quarantine_replay(
    ingest_id: IngestArg,
    tenant: TenantOption,
    corrected: Annotated[
        Path | None,
        typer.Option(
            "--from",
            parser=regular_file,
            metavar="FILE",
            help="The corrected lines (default: the lines as stored).",
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            parser=input_file, metavar="FILE", help="Column mapping, when it was generic-csv."
        ),
    ] = None,
) -> None:
    """Ingest an ingest's quarantined lines again (corrected, or as stored after a fix)."""
    from dataward.services.quarantine.lines import ReplayQuarantine, replay_quarantine

    text = corrected.read_text(encoding="utf-8") if corrected is not None else None
    from dataward.adapters.ingest.files import text_source

    command = ReplayQuarantine(tenant, ingest_id, corrected=text, mapping=mapping)
    report = _on_quarantine(lambda ctx: replay_quarantine(ctx, command, sources=text_source))
    typer.echo(
        f"replayed ingest {ingest_id}: stored {report.stored} call(s), "
        f"{report.duplicates} duplicate(s); its quarantine is resolved and its key destroyed"
    )


@app.command("discard")
def quarantine_discard(
    ingest_id: IngestArg,
    tenant: TenantOption,
    lines: Annotated[
        list[int] | None,
        typer.Option(
            "--line",
            min=1,
            max=MAX_INGEST_ID,
            help="Only the line at this line number (repeat for more; default: every line).",
        ),
    ] = None,
) -> None:
    """Give up an ingest's quarantined lines: their keys are destroyed, so they are unreadable."""
    from dataward.services.quarantine.lines import discard_quarantine

    wanted = tuple(lines or ())
    n = _on_quarantine(lambda ctx: discard_quarantine(ctx, tenant, ingest_id, lines=wanted))
    typer.echo(f"discarded {n} line(s) of ingest {ingest_id}")
