"""`dataward staff ...`: people's console accounts (`create`, `password-link`, `disable`,
`accounts`) and API tokens (`add`, `revoke`, `list`) of staff and tenant administrators."""

from __future__ import annotations

from typing import Annotated

import typer

from dataward.entrypoints.cli.common import (
    container,
    fail_on_dataward_error,
    use_case,
)

app = typer.Typer(
    help="Staff and tenant administrators: console accounts (a person signs in with a "
    "password: create, password-link, disable, accounts) and API tokens (a program sends a "
    "bearer token: add, revoke, list).",
    no_args_is_help=True,
)


@app.command()
def add(
    actor_id: Annotated[str, typer.Argument(help="Who the token is for, e.g. a login name.")],
    role: Annotated[str, typer.Option(help="Register staff role, e.g. dco or tenant_admin.")],
    tenant: Annotated[str | None, typer.Option(help="Tenant, for a tenant_admin.")] = None,
) -> None:
    """Issue an API token for a program (not a console login: see `staff create`); it is
    printed once and only its hash is kept (needs manage_staff)."""
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
    """Revoke every live API token of an actor (needs manage_staff)."""
    from dataward.services.organisation.staff import revoke as revoke_tokens

    with fail_on_dataward_error(), container() as wired:
        count = revoke_tokens(use_case(wired), actor_id)
    typer.echo(f"revoked {count} token(s)")  # whose was typed, and may be an e-mail address


@app.command("list")
def list_tokens() -> None:
    """Every API token issued: who, role, tenant, when, and whether revoked (never the
    token)."""
    from dataward.services.organisation.staff import list_tokens as listed

    with fail_on_dataward_error(), container() as wired:
        rows = listed(use_case(wired))
    for row in rows:
        state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "live"
        typer.echo(
            f"{row.actor_id}\t{row.role}\t{row.tenant_id or '-'}\t"
            f"{row.created_at:%Y-%m-%d %H:%M}Z\t{state}"
        )


def link_for(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/console/password/{token}"


@app.command()
def create(
    role: Annotated[str, typer.Option(help="Register staff role, e.g. dco or tenant_admin.")],
    email: Annotated[
        str, typer.Option(help="The person's work e-mail address: they sign in with it.")
    ],
    tenant: Annotated[str | None, typer.Option(help="Tenant, for a tenant_admin.")] = None,
    actor: Annotated[
        str | None,
        typer.Option(help="What the audit log names them (a login name); default staff-<random>."),
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create a console account for a person (needs manage_staff). Without --password-stdin, a
    one-time link to set the password is printed once (valid 72 hours)."""
    import sys

    from dataward.services.organisation.accounts import NewAccount, create_account

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    with fail_on_dataward_error(), container() as wired:
        created = create_account(
            use_case(wired),
            NewAccount(email=email, role=role, tenant_id=tenant, actor_id=actor),
            wired.passwords,
            password,
        )
        public_url = wired.settings.public_url
    typer.echo(
        f"console account {created.actor.id} created as {role}{f' of {tenant}' if tenant else ''}"
    )
    if created.link_token is not None:
        typer.echo(
            f"set its password within 72 hours, once: {link_for(public_url, created.link_token)}"
        )


@app.command("password-link")
def password_link_command(
    actor: Annotated[str, typer.Argument(help="The account's actor id.")],
) -> None:
    """Print a new one-time link for an account to set its password (needs manage_staff)."""
    from dataward.services.organisation.accounts import password_link

    with fail_on_dataward_error(), container() as wired:
        token = password_link(use_case(wired), actor)
        public_url = wired.settings.public_url
    typer.echo(link_for(public_url, token))


@app.command()
def disable(actor: Annotated[str, typer.Argument(help="The account's actor id.")]) -> None:
    """Disable a console account; its sessions end now (needs manage_staff)."""
    from dataward.services.organisation.accounts import disable_account

    with fail_on_dataward_error(), container() as wired:
        disable_account(use_case(wired), actor)
    typer.echo("account disabled")


@app.command()
def accounts() -> None:
    """Every console account: actor id, role, tenant, created, state (never the password)."""
    from dataward.services.organisation.accounts import list_accounts

    with fail_on_dataward_error(), container() as wired:
        rows = list_accounts(use_case(wired))
        now = wired.clock.now()
    for row in rows:
        if row.disabled_at is not None:
            state = f"disabled {row.disabled_at:%Y-%m-%d}"
        elif row.password_hash is None:
            state = "password not set"
        elif row.failures.locked(now):
            state = "locked"
        else:
            state = "active"
        typer.echo(
            f"{row.actor_id}\t{row.email}\t{row.role}\t{row.tenant_id or '-'}\t"
            f"{row.created_at:%Y-%m-%d %H:%M}Z\t{state}"
        )
