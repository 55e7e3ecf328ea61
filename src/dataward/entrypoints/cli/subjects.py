"""`dataward subjects ...`: the subject registry, for staff."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from dataward.entrypoints.cli.common import (
    active_register,
    cli_actor,
    container,
    fail_on_dataward_error,
)

app = typer.Typer(help="Data subjects and their encrypted identifiers.", no_args_is_help=True)

Phone = Annotated[str | None, typer.Option(help="Phone number (national or international).")]
Email = Annotated[str | None, typer.Option(help="E-mail address.")]
Tenant = Annotated[str | None, typer.Option(help="Tenant id, for callers (processor data).")]
Region = Annotated[
    str | None, typer.Option(help="Region to read a national phone number in (default GB).")
]


def _given(**values: str | None) -> list[tuple[str, str]]:
    return [(kind, value) for kind, value in values.items() if value is not None]


@app.command()
def create(
    kind: Annotated[str, typer.Option(help="Subject kind from the register, e.g. end_user.")],
    phone: Phone = None,
    email: Email = None,
    name: Annotated[str | None, typer.Option(help="Full name.")] = None,
    postal_address: Annotated[str | None, typer.Option(help="Postal address.")] = None,
    account_id: Annotated[str | None, typer.Option(help="Account id.")] = None,
    username: Annotated[str | None, typer.Option(help="Username.")] = None,
    tenant: Tenant = None,
    region: Region = None,
    birth_date: Annotated[str | None, typer.Option(help="Birth date, YYYY-MM-DD.")] = None,
) -> None:
    """Register a subject; prints its id (identifiers are never printed back)."""
    from dataward.services.subjects import NewSubject, create_subject

    identifiers = _given(
        phone=phone,
        email=email,
        name=name,
        postal_address=postal_address,
        account_id=account_id,
        username=username,
    )
    if not identifiers:
        raise typer.BadParameter("give at least one identifier")
    with fail_on_dataward_error(), container() as wired:
        register = active_register(wired)
        subject = create_subject(
            wired.uow(),
            wired.vault(),
            wired.clock,
            register,
            cli_actor(wired),
            NewSubject(
                kind=kind,
                identifiers=identifiers,
                tenant_id=tenant,
                region=region,
                birth_date=date.fromisoformat(birth_date) if birth_date else None,
            ),
        )
    typer.echo(str(subject.id))
    if subject.dco_flag:
        typer.echo(f"flagged for the DCO: {subject.dco_flag}", err=True)


@app.command()
def find(
    phone: Phone = None,
    email: Email = None,
    account_id: Annotated[str | None, typer.Option(help="Account id.")] = None,
    username: Annotated[str | None, typer.Option(help="Username.")] = None,
    tenant: Tenant = None,
    region: Region = None,
) -> None:
    """Find a subject by one identifier (through its blind index); prints id, kind and status."""
    from dataward.services.subjects import find_subject

    given = _given(phone=phone, email=email, account_id=account_id, username=username)
    if len(given) != 1:
        raise typer.BadParameter("give exactly one identifier to look up")
    ((kind, value),) = given
    with fail_on_dataward_error(), container() as wired:
        subject = find_subject(
            wired.uow(read_only=True), wired.vault(), kind, value, tenant_id=tenant, region=region
        )
    if subject is None:
        typer.echo("no subject has that identifier", err=True)
        raise typer.Exit(3)
    typer.echo(f"{subject.id}\t{subject.kind}\t{subject.tenant_id or '-'}\t{subject.status}")


@app.command()
def shred(
    subject_id: Annotated[str, typer.Argument(help="The subject's id.")],
    reason: Annotated[str, typer.Option(help="Why, e.g. 'erasure request'.")],
    request: Annotated[str | None, typer.Option(help="The rights request it fulfils.")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Crypto-shred a subject: destroy its key and identifiers, unlink it everywhere."""
    from dataward.services.subjects import shred as shred_subject

    if not yes:
        typer.confirm(f"Shred subject {subject_id}? This cannot be undone", abort=True)
    with fail_on_dataward_error(), container() as wired:
        actor = cli_actor(wired)
        register = active_register(wired)
        report = shred_subject(
            wired.uow(),
            wired.vault(),
            wired.clock,
            register,
            actor,
            subject_id,
            reason=reason,
            request_ref=request,
        )
    removed = ", ".join(f"{name} {count}" for name, count in report.removed.items())
    typer.echo(f"shredded {report.subject_id}: key destroyed={report.key_destroyed}; {removed}")


@app.command()
def show(
    subject_id: Annotated[str, typer.Argument(help="The subject's id.")],
    purpose: Annotated[str, typer.Option(help="The register purpose this read serves.")],
) -> None:
    """Show a subject and the identifiers the gate allows for the purpose (decision audited)."""
    from dataward.services.disclosure import read_identifiers

    with fail_on_dataward_error(), container() as wired:
        loaded = wired.active_register.get(wired.uow(read_only=True))
        read = read_identifiers(
            wired.uow(),
            wired.vault(),
            wired.clock,
            wired.gate_for(loaded),
            cli_actor(wired),
            subject_id=subject_id,
            purpose=purpose,
        )
        with wired.uow(read_only=True) as uow:
            subject = uow.subjects.get(subject_id)
    if subject is not None:
        typer.echo(f"{subject.id}\t{subject.kind}\t{subject.tenant_id or '-'}\t{subject.status}")
        if subject.dco_flag:
            typer.echo(f"flag: {subject.dco_flag}")
    for identifier in read.identifiers:
        typer.echo(f"{identifier.type}\t{identifier.value}")
    for category, decision in read.refused.items():
        typer.echo(f"withheld {category}: {decision.reason.value}", err=True)
