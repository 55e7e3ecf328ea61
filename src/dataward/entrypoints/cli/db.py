"""`dataward db ...`: the schema, by Alembic."""

from __future__ import annotations

from typing import Annotated

import typer

from dataward.entrypoints.cli.common import container

app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)


@app.command()
def upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Upgrade the schema (default: to the newest revision)."""
    from dataward.adapters.sql import migrate
    from dataward.services.setup import name_digest

    with container() as wired:
        migrate.upgrade(wired.engine, revision, name_digest=name_digest(wired))
        typer.echo(f"schema at {migrate.current_revision(wired.engine)}")


@app.command()
def downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. -1 or base.")],
) -> None:
    """Downgrade the schema."""
    from dataward.adapters.sql import migrate

    with container() as wired:
        migrate.downgrade(wired.engine, revision)
        typer.echo(f"schema at {migrate.current_revision(wired.engine)}")


@app.command()
def current() -> None:
    """Print the schema revision of the database."""
    from dataward.adapters.sql import migrate

    with container() as wired:
        typer.echo(migrate.current_revision(wired.engine) or "empty (run `dataward init`)")
