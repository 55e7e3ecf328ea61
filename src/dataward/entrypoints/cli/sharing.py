"""`dataward share ...`, `dataward processors ...` and `dataward transfers ...`: disclosing to
the register's recipients, recorded, and the Chapter V controls on transfers abroad."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer

from dataward.entrypoints.cli.common import (
    container,
    fail_on_dataward_error,
    use_case,
    write_output,
)
from dataward.entrypoints.cli.params import uuid

share = typer.Typer(
    help="Disclose data to a register recipient, and read the disclosure log.", no_args_is_help=True
)
processors = typer.Typer(
    help="The processors and sub-processors, with their Art. 28 terms.", no_args_is_help=True
)
transfers = typer.Typer(
    help="Transfers outside the UK: suspend or lift a mechanism.", no_args_is_help=True
)

MechanismArg = Annotated[
    str,
    typer.Argument(
        metavar="MECHANISM",
        help="adequacy, idta, uk_addendum, bcr, code_of_conduct, certification or derogation; "
        "narrowed with :CC (adequacy:US) or, for a derogation, :GROUND.",
    ),
]


@share.command("export")
def export(
    recipient: Annotated[str, typer.Option(help="The register recipient's key, e.g. mondago.")],
    purpose: Annotated[
        str, typer.Option(help="The purpose disclosed for, e.g. mondago_marketing.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write (mode 0600).")],
    format_: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
) -> None:
    """Export to a recipient the fields the register allows it for the purpose, of the people
    the gate allows; each person is logged. Refused whole for a transfer abroad without a valid
    mechanism. Needs disclose_to_recipients."""
    from dataward.entrypoints.views.sharing import render_export
    from dataward.services.sharing.exports import ShareExport, export_to_recipient

    with fail_on_dataward_error(), container() as wired:
        shared = export_to_recipient(use_case(wired), ShareExport(recipient, purpose, format_))
    write_output(render_export(shared), output)
    left_out = ", ".join(f"{why}: {n}" for why, n in sorted(shared.withheld.items())) or "none"
    typer.echo(
        f"batch {shared.batch.id}: {shared.batch.subjects} subject(s); left out: {left_out}",
        err=True,
    )


@share.command("log")
def log(
    subject: Annotated[
        UUID | None, typer.Option(parser=uuid, metavar="ID", help="One subject's entries.")
    ] = None,
    recipient: Annotated[str | None, typer.Option(help="One recipient's entries.")] = None,
    limit: Annotated[
        int, typer.Option(min=1, max=10_000, help="At most this many, newest first.")
    ] = 1000,
) -> None:
    """The disclosure log: when, batch, recipient, purpose, subject, categories. Needs
    read_audit_log; the read is audited."""
    from dataward.services.sharing.records import LogQuery, share_log

    with fail_on_dataward_error(), container() as wired:
        entries = share_log(use_case(wired), LogQuery(subject, recipient, limit))
    for e in entries:
        typer.echo(
            f"{e.at:%Y-%m-%d %H:%M:%S}\t{e.batch_id}\t{e.recipient}\t{e.purpose}\t"
            f"{e.subject_id}\t{' '.join(e.categories)}"
        )
    typer.echo(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}", err=True)


@processors.command("list")
def list_processors_(
    everyone: Annotated[
        bool, typer.Option("--all", help="Every recipient, controllers too.")
    ] = False,
) -> None:
    """Each processor: key, role, where its data goes and on what, its Art. 28 terms, and any
    transfer that could not be made today."""
    from dataward.services.sharing.records import list_processors

    with fail_on_dataward_error(), container() as wired:
        views = list_processors(use_case(wired), everyone=everyone)
    for v in views:
        where = ", ".join(
            f"{t.country} ({t.mechanism.value if t.mechanism else 'none'})" for t in v.transfers
        )
        typer.echo(f"{v.key}\t{v.role}\t{v.listed_as}\t{v.name}\t{where}")
        if v.terms is not None:
            subs = ", ".join(v.terms.sub_processors) or "none"
            typer.echo(f"  Art. 28 terms of {v.terms.contract_date}; sub-processors: {subs}")
            typer.echo(f"  instructions: {v.terms.instructions}")
        for problem in v.transfer_problems:
            typer.echo(f"  TRANSFER REFUSED TODAY: {problem}")


@transfers.command("suspend")
def suspend(
    mechanism: MechanismArg,
    reason: Annotated[
        str, typer.Option(help="Why, e.g. the decision struck down (up to 500 characters).")
    ],
) -> None:
    """Suspend a mechanism: every export relying on it is refused, and listed, until lifted.
    Needs manage_register."""
    from dataward.services.sharing.records import suspend_mechanism

    with fail_on_dataward_error(), container() as wired:
        suspension = suspend_mechanism(use_case(wired), mechanism, reason)
    typer.echo(f"{suspension.mechanism} suspended")


@transfers.command("lift")
def lift(mechanism: MechanismArg) -> None:
    """Lift a mechanism's suspension. Needs manage_register."""
    from dataward.services.sharing.records import lift_suspension

    with fail_on_dataward_error(), container() as wired:
        key = lift_suspension(use_case(wired), mechanism)
    typer.echo(f"{key} no longer suspended")


@transfers.command("list")
def list_(
    lifted: Annotated[bool, typer.Option("--lifted", help="Lifted suspensions too.")] = False,
) -> None:
    """The suspensions, and the exports refused (newest first), for the DCO."""
    from dataward.services.sharing.records import transfers_overview

    with fail_on_dataward_error(), container() as wired:
        overview = transfers_overview(use_case(wired), include_lifted=lifted)
    for s in overview.suspensions:
        state = "in force" if s.active else f"lifted {s.lifted_at:%Y-%m-%d}"
        typer.echo(
            f"suspended\t{s.mechanism}\t{s.suspended_at:%Y-%m-%d}\t{s.suspended_by}\t{state}\t{s.reason}"
        )
    for r in overview.refused:
        typer.echo(
            f"refused\t{r.at:%Y-%m-%d %H:%M}\t{r.recipient}\t{r.purpose}\t{r.actor}\t"
            f"{r.mechanism or '-'}\t{r.reason}"
        )
