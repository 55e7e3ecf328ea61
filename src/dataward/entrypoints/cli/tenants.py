"""`dataward tenants ...`: customer organisations and their call-data settings."""

from __future__ import annotations

from typing import Annotated

import typer

from dataward.entrypoints.cli.common import (
    container,
    fail_on_dataward_error,
    use_case,
)

app = typer.Typer(
    help="Tenants: customer organisations, controllers of their call data.", no_args_is_help=True
)


@app.command()
def create(
    name: Annotated[str, typer.Argument(help="The organisation's name.")],
    tenant_id: Annotated[
        str | None, typer.Option("--id", help="Short id (default: from the name).")
    ] = None,
    region: Annotated[str, typer.Option(help="Dialling region of national numbers.")] = "GB",
    timezone: Annotated[
        str, typer.Option(help="Zone of local times in the tenant's files.")
    ] = "Europe/London",
    retention: Annotated[
        str | None,
        typer.Option(help="Call-data retention from the contract, e.g. P13M (default: register)."),
    ] = None,
    service_level: Annotated[
        int, typer.Option(help="Service-level threshold in seconds (answered within).")
    ] = 20,
    short_abandon: Annotated[
        int, typer.Option(help="Abandons within this many seconds count as short.")
    ] = 5,
    breach_hours: Annotated[
        int,
        typer.Option(
            "--breach-notice-hours",
            min=1,
            max=72,
            help="Hours the contract gives us to tell the tenant of a breach of its data.",
        ),
    ] = 24,
    contact_name: Annotated[str | None, typer.Option(help="Controller contact's name.")] = None,
    contact_email: Annotated[
        str | None, typer.Option(help="Controller contact's e-mail (rights requests go here).")
    ] = None,
    contact_phone: Annotated[str | None, typer.Option(help="Controller contact's phone.")] = None,
) -> None:
    """Onboard a tenant; its controller contact is kept encrypted in the vault."""
    from dataward.services.organisation.tenants import ControllerContact, NewTenant, create_tenant

    if (contact_name is None) != (contact_email is None):
        hint = "--contact-name / --contact-email"
        raise typer.BadParameter("give both or neither", param_hint=hint)
    contact = (
        ControllerContact(contact_name, contact_email, contact_phone)
        if contact_name is not None and contact_email is not None
        else None
    )
    command = NewTenant(
        name=name,
        id=tenant_id,
        region=region,
        timezone=timezone,
        call_retention=retention,
        service_level_seconds=service_level,
        short_abandon_seconds=short_abandon,
        breach_notice_hours=breach_hours,
        contact=contact,
    )
    with fail_on_dataward_error(), container() as wired:
        tenant = create_tenant(use_case(wired), command)
    typer.echo(tenant.id)


@app.command("list")
def list_tenants() -> None:
    """The tenants you may see, with their settings."""
    from dataward.services.organisation.tenants import list_tenants as listed

    with fail_on_dataward_error(), container() as wired:
        found = listed(use_case(wired))
    for t in found:
        contact = "contact on file" if t.controller_contact else "no contact"
        typer.echo(
            f"{t.id}\t{t.name}\t{t.region}\t{t.timezone}\tretention {t.call_retention}\t"
            f"SL {t.service_level_seconds}s\tshort abandon {t.short_abandon_seconds}s\t{contact}"
        )
