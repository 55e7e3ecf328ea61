"""`dataward requests fulfil|instruct|tell-lifting|lift`: carrying requests out.

Added to the `requests` command group; kept apart from intake and the queue because each right
has its own options.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer

from dataward.domain.identifiers import IdentifierType
from dataward.domain.processing.restrictions import ObjectionOutcome
from dataward.entrypoints.cli.common import (
    container,
    fail_on_dataward_error,
    use_case,
    write_output,
)
from dataward.entrypoints.cli.params import choice, day, uuid
from dataward.entrypoints.cli.requests import app
from dataward.services.rights.processor import Instruction


@app.command("fulfil")
def fulfil(
    request_id: Annotated[str, typer.Argument(help="The request's id.")],
    notice_version: Annotated[
        str | None,
        typer.Option(
            help="Withdrawal, objection: the notice version in force (default: the register's)."
        ),
    ] = None,
    last_transaction: Annotated[
        date | None,
        typer.Option(
            parser=day,
            metavar="DATE",
            help="Erasure: the subject's last transaction (YYYY-MM-DD), for the tax hold.",
        ),
    ] = None,
    correct: Annotated[
        list[str] | None,
        typer.Option(
            "--set", help="Rectification: KIND=VALUE (email, phone, name, ...); repeatable."
        ),
    ] = None,
    statement: Annotated[
        str | None, typer.Option(help="Rectification: a supplementary statement to add.")
    ] = None,
    decision: Annotated[
        ObjectionOutcome | None,
        typer.Option(
            parser=choice(ObjectionOutcome),
            help="Objection to legitimate interests: upheld or compelling_grounds.",
        ),
    ] = None,
    reasoning: Annotated[
        str | None, typer.Option(help="Objection: the reasons for compelling grounds.")
    ] = None,
    background: Annotated[
        bool,
        typer.Option(
            "--background",
            help="Queue it as a job for a worker and print the job's id (access, erasure, "
            "portability, restriction, withdrawal: rights that take no value given here).",
        ),
    ] = False,
) -> None:
    """Carry out a started request whose requester's identity is verified, whatever its right,
    and complete it with its letter; prints the new state and what was done."""
    from dataward.services.rights.dispatch import HowToCarryOut, carry_out

    given = (notice_version, last_transaction, correct, statement, decision, reasoning)
    if background:
        if any(value for value in given):
            raise typer.BadParameter(
                "a queued request is carried out with no value given here",
                param_hint="--background",
            )
        _fulfil_in_background(request_id)
        return
    pairs = [_correction(item) for item in correct or []]
    with fail_on_dataward_error(), container() as wired:
        how = HowToCarryOut(
            delivery=wired.delivery(),
            notice_version=notice_version,
            last_transaction=last_transaction,
            corrections=pairs,
            statement=statement,
            decision=decision,
            reasoning=reasoning,
        )
        view, outcome = carry_out(use_case(wired), request_id, how)
    typer.echo(f"{view.request.state.value}\t{view.request.type.value}\t{view.request.id}")
    typer.echo(json.dumps(outcome, indent=2, sort_keys=True))


def _fulfil_in_background(request_id: str) -> None:
    from dataward.domain.jobs import JobKind, JobState, NewJob
    from dataward.entrypoints.cli.common import cli_actor
    from dataward.services.jobs.submit import submit_job

    try:
        wanted = str(UUID(request_id))
    except ValueError:
        raise typer.BadParameter("not a request id", param_hint="REQUEST_ID") from None
    with fail_on_dataward_error(), container() as wired:
        new = NewJob(JobKind.FULFIL, cli_actor(wired), None, {"request": wanted})
        job = submit_job(use_case(wired), new, wired.dispatcher())
    typer.echo(f"job {job.id} {job.state.value}")
    if job.state is JobState.FAILED:
        raise typer.Exit(2)


def _correction(item: str) -> tuple[IdentifierType, str]:
    """`--set KIND=VALUE` as a correction; refused naming the option, never the value."""
    kinds = ", ".join(t.value for t in IdentifierType)
    kind, sep, value = item.partition("=")
    if not sep or not kind.strip() or not value:
        raise typer.BadParameter(f"KIND=VALUE, KIND one of {kinds}", param_hint="--set")
    try:
        return IdentifierType(kind.strip()), value
    except ValueError:
        raise typer.BadParameter(f"KIND=VALUE, KIND one of {kinds}", param_hint="--set") from None


@app.command("instruct")
def instruct(
    request_id: Annotated[str, typer.Argument(help="The forwarded request's id.")],
    kind: Annotated[
        Instruction, typer.Argument(parser=choice(Instruction), help="export or erase.")
    ],
    subject: Annotated[
        UUID | None,
        typer.Option(
            parser=uuid, metavar="ID", help="The caller's subject id, if the request names none."
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(help="Where an export's JSON goes, mode 0600 (default: standard output)."),
    ] = None,
) -> None:
    """As a tenant's administrator (its controller), have us export a forwarded request's
    caller's calls within the tenant (with the quarantined lines naming them), or erase the
    caller; recorded against the request."""
    from dataward.services.rights.processor import carry_out_instruction

    with fail_on_dataward_error(), container() as wired:
        done = carry_out_instruction(use_case(wired), request_id, kind, subject_id=subject)
    if kind is Instruction.EXPORT:
        from dataward.entrypoints.views.calls import CallOut

        calls = [CallOut.of(view).model_dump(mode="json") for view in done.calls]
        lines = [
            {
                "ingest": q.ingest_id,
                "source": q.source,
                "line": q.line,
                "reason": q.reason,
                "text": q.text,
                "certain": q.certain,
            }
            for q in done.quarantined
        ]
        body = json.dumps(
            {"request": request_id, "calls": calls, "quarantined_lines": lines}, indent=2
        )
        body += "\n"
        write_output(body, output)
    typer.echo(f"{kind.value} carried out: {json.dumps(done.outcome, sort_keys=True)}", err=True)


@app.command("tell-lifting")
def tell_lifting(
    restriction_id: Annotated[str, typer.Argument(help="The restriction's id.")],
) -> None:
    """Queue the letter telling the person their restriction will be lifted (Art. 18(3))."""
    from dataward.services.rights.restriction import tell_before_lifting

    with fail_on_dataward_error(), container() as wired:
        tell_before_lifting(use_case(wired), restriction_id)
    typer.echo("queued: the letter goes with the next `dataward outbox send`")


@app.command("lift")
def lift(restriction_id: Annotated[str, typer.Argument(help="The restriction's id.")]) -> None:
    """Lift a request's restriction once the letter telling the person has gone."""
    from dataward.services.rights.restriction import lift_after_telling

    with fail_on_dataward_error(), container() as wired:
        lifted = lift_after_telling(use_case(wired), restriction_id)
    told = lifted.subject_told_at.isoformat() if lifted.subject_told_at else "-"
    typer.echo(f"lifted {lifted.id} (the person was told {told})")
