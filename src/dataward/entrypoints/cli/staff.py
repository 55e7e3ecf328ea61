"""`dataward staff ...`: API credentials for staff and tenant administrators."""

from __future__ import annotations

from typing import Annotated

import typer

from dataward.entrypoints.cli.common import (
    container,
    fail_on_dataward_error,
    use_case,
)

app = typer.Typer(help="API credentials of staff and tenant administrators.", no_args_is_help=True)


@app.command()
def add(
    actor_id: Annotated[str, typer.Argument(help="Who the token is for, e.g. a login name.")],
    role: Annotated[str, typer.Option(help="Register staff role, e.g. dco or tenant_admin.")],
    tenant: Annotated[str | None, typer.Option(help="Tenant, for a tenant_admin.")] = None,
) -> None:
    """Issue an API token; it is printed once and only its hash is kept (needs manage_staff)."""
    from dataward.services.organisation.staff import IssueToken, issue_token

    with fail_on_dataward_error(), container() as wired:
        issued = issue_token(use_case(wired), IssueToken(actor_id, role, tenant))
    typer.echo(issued.token)
    typer.echo(
        f"token issued as {role}{f' of {tenant}' if tenant else ''}: shown once, "
        "send it as 'Authorization: Bearer <token>'",
        err=True,
    )


@app.command()
def revoke(actor_id: Annotated[str, typer.Argument(help="Whose tokens to revoke.")]) -> None:
    """Revoke every live token of an actor (needs manage_staff)."""
    from dataward.services.organisation.staff import revoke as revoke_tokens

    with fail_on_dataward_error(), container() as wired:
        count = revoke_tokens(use_case(wired), actor_id)
    typer.echo(f"revoked {count} token(s)")  # whose was typed, and may be an e-mail address


@app.command("list")
def list_tokens() -> None:
    """Every token issued: who, role, tenant, when, and whether revoked (never the token)."""
    from dataward.services.organisation.staff import list_tokens as listed

    with fail_on_dataward_error(), container() as wired:
        rows = listed(use_case(wired))
    for row in rows:
        state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "live"
        typer.echo(
            f"{row.actor_id}\t{row.role}\t{row.tenant_id or '-'}\t"
            f"{row.created_at:%Y-%m-%d %H:%M}Z\t{state}"
        )
