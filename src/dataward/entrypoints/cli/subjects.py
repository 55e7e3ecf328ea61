"""`dataward subjects ...`: the subject registry, for staff."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

import typer

from dataward.domain.subjects import ErasureReason
from dataward.entrypoints.cli.common import (
    active_gate,
    container,
    fail_on_dataward_error,
    use_case,
)
from dataward.entrypoints.cli.params import choice, day, uuid

app = typer.Typer(help="Data subjects and their encrypted identifiers.", no_args_is_help=True)

Phone = Annotated[str | None, typer.Option(help="Phone number (national or international).")]
Email = Annotated[str | None, typer.Option(help="E-mail address.")]
Tenant = Annotated[str | None, typer.Option(help="Tenant id, for callers (processor data).")]
Region = Annotated[
    str | None, typer.Option(help="Region to read a national phone number in (default GB).")
]


EXIT_MISSING = 1
"""`subjects required`: the subject lacks data the purpose requires (the service cannot go on)."""

IDENTIFIERS = "--phone / --email / --name / --postal-address / --account-id / --username"
LOOKUPS = "--phone / --email / --account-id / --username"


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
    birth_date: Annotated[
        date | None, typer.Option(parser=day, metavar="DATE", help="Birth date, YYYY-MM-DD.")
    ] = None,
    purpose: Annotated[
        str | None,
        typer.Option(
            help="The contract purpose the subject is registered for: refused without the "
            "data it requires."
        ),
    ] = None,
) -> None:
    """Register a subject; prints its id (identifiers are never printed back). With
    --purpose, a subject without the data that purpose requires is refused, naming it."""
    from dataward.services.subjects.registry import NewSubject, create_subject

    identifiers = _given(
        phone=phone,
        email=email,
        name=name,
        postal_address=postal_address,
        account_id=account_id,
        username=username,
    )
    if not identifiers:
        raise typer.BadParameter("give at least one", param_hint=IDENTIFIERS)
    command = NewSubject(
        kind=kind,
        identifiers=identifiers,
        tenant_id=tenant,
        region=region,
        birth_date=birth_date,
        purpose=purpose,
    )
    with fail_on_dataward_error(), container() as wired:
        subject = create_subject(use_case(wired), command)
    typer.echo(str(subject.id))
    if subject.dco_flag:
        typer.echo(f"flagged for the DCO: {subject.dco_flag}", err=True)


@app.command()
def relationship(
    subject_id: Annotated[
        UUID, typer.Argument(parser=uuid, metavar="ID", help="The subject's id.")
    ],
    ended: Annotated[
        date,
        typer.Option(
            parser=day, metavar="DATE", help="The day the customer relationship ended, YYYY-MM-DD."
        ),
    ],
    last_transaction: Annotated[
        date | None,
        typer.Option(
            parser=day,
            metavar="DATE",
            help="The day of the last transaction, YYYY-MM-DD (default: the one recorded).",
        ),
    ] = None,
) -> None:
    """Record when a customer relationship ended, and the last transaction: the dates the
    customer-records and tax retention terms run from (neither after today, the last
    transaction not after the end). They decide how long records are kept from erasure, so
    this needs manage_holds (the DCO). Audited."""
    from dataward.services.subjects.relationship import RelationshipDates, record_relationship

    with fail_on_dataward_error(), container() as wired:
        dates = RelationshipDates(ended=ended, last_transaction=last_transaction)
        subject = record_relationship(use_case(wired), subject_id, dates)
    last = subject.last_transaction.isoformat() if subject.last_transaction else "-"
    typer.echo(
        f"{subject.id}\trelationship ended {subject.relationship_end}\tlast transaction {last}"
    )


@app.command()
def required(
    subject_id: Annotated[
        UUID, typer.Argument(parser=uuid, metavar="ID", help="The subject's id.")
    ],
    purpose: Annotated[str, typer.Option(help="The contract purpose the subject is served for.")],
    notify: Annotated[
        bool,
        typer.Option(
            "--notify",
            help="Queue the letter asking for it on the open rights request about the subject.",
        ),
    ] = False,
    request: Annotated[
        UUID | None,
        typer.Option(
            parser=uuid, metavar="ID", help="The open request to write on, when more are open."
        ),
    ] = None,
) -> None:
    """List the data a contract purpose requires that the subject does not hold (exit code 1
    when any is missing: the service cannot be provided without it). Field names only, never
    a value. With --notify, queue the letter telling the person (needs manage_requests)."""
    from dataward.services.subjects import contract_data

    with fail_on_dataward_error(), container() as wired:
        ctx = use_case(wired)
        if notify:
            command = contract_data.AskForData(subject_id, purpose, request_id=request)
            needed, request_id = contract_data.ask_for_missing(ctx, command)
        else:
            needed, request_id = contract_data.missing_for(ctx, subject_id, purpose), None
    if not needed.missing:
        typer.echo(f"{subject_id}\t{purpose}\tnothing missing")
        return
    for field in needed.missing:
        typer.echo(f"{subject_id}\t{purpose}\tmissing {field}")
    typer.echo(
        f"{purpose} requires {needed.words} ({needed.requirement}): without it the service "
        "cannot be provided",
        err=True,
    )
    if request_id is not None:
        typer.echo(f"letter queued on request {request_id}", err=True)
        return
    raise typer.Exit(EXIT_MISSING)


@app.command()
def find(
    purpose: Annotated[str, typer.Option(help="The register purpose this lookup serves.")],
    phone: Phone = None,
    email: Email = None,
    account_id: Annotated[str | None, typer.Option(help="Account id.")] = None,
    username: Annotated[str | None, typer.Option(help="Username.")] = None,
    tenant: Tenant = None,
    region: Region = None,
) -> None:
    """Find a subject by one identifier, for a purpose; prints id, kind and status.

    Your role must have need-to-know for the purpose and the identifier's category, may handle
    identifiers and reach the tenant; the gate decides on the subject found (recorded). Any
    miss, or a subject the gate keeps from you, is 'no such subject' (exit code 3).
    """
    from dataward.domain.identifiers import IdentifierType
    from dataward.services.processing.lookup import LookUp, look_up

    given = _given(phone=phone, email=email, account_id=account_id, username=username)
    if len(given) != 1:
        raise typer.BadParameter("give exactly one to look up", param_hint=LOOKUPS)
    ((kind, value),) = given
    command = LookUp(
        type=IdentifierType(kind), value=value, purpose=purpose, tenant_id=tenant, region=region
    )
    with fail_on_dataward_error(), container() as wired:
        subject = look_up(use_case(wired), active_gate(wired), command)
    typer.echo(f"{subject.id}\t{subject.kind}\t{subject.tenant_id or '-'}\t{subject.status}")


@app.command()
def shred(
    subject_id: Annotated[
        UUID,
        # an id, checked before the confirmation repeats it: never a number pasted in its place
        typer.Argument(parser=uuid, metavar="ID", help="The subject's id."),
    ],
    reason: Annotated[
        ErasureReason, typer.Option(parser=choice(ErasureReason), help="Why the subject is erased.")
    ],
    request: Annotated[
        str | None, typer.Option(help="Reference of the rights request it fulfils.")
    ] = None,
    override: Annotated[
        str | None,
        typer.Option(
            help="Reference of the DCO's assessment, to erase despite a restriction that "
            "keeps the data."
        ),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Crypto-shred a subject: destroy its key and identifiers, unlink it everywhere."""
    from dataward.services.processing.erasure import Shred
    from dataward.services.processing.erasure import shred as shred_subject

    if not yes:
        typer.confirm(f"Shred subject {subject_id}? This cannot be undone", abort=True)
    command = Shred(str(subject_id), reason, request_ref=request, override=override)
    with fail_on_dataward_error(), container() as wired:
        report = shred_subject(use_case(wired), command)
    removed = ", ".join(f"{name} {count}" for name, count in report.removed.items())
    typer.echo(f"shredded {report.subject_id}: key destroyed={report.key_destroyed}; {removed}")


@app.command()
def show(
    subject_id: Annotated[str, typer.Argument(help="The subject's id.")],
    purpose: Annotated[str, typer.Option(help="The register purpose this read serves.")],
) -> None:
    """Show a subject and the identifiers the gate allows for the purpose (decision audited)."""
    from dataward.services.processing.lookup import read_subject

    with fail_on_dataward_error(), container() as wired:
        read = read_subject(use_case(wired), active_gate(wired), subject_id, purpose)
    subject = read.subject
    typer.echo(f"{subject.id}\t{subject.kind}\t{subject.tenant_id or '-'}\t{subject.status}")
    if subject.dco_flag:
        typer.echo(f"flag: {subject.dco_flag}")
    for identifier in read.disclosure.identifiers:
        typer.echo(f"{identifier.type}\t{identifier.value}")
    for category, decision in read.disclosure.refused.items():
        typer.echo(f"withheld {category}: {decision.reason.value}", err=True)
