"""`dataward db ...`: the schema, by Alembic."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from dataward.entrypoints.cli.common import container

app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)

REVISIONS = "a revision the schema can move to: head, base, a step such as -1, or a revision id"


@contextmanager
def _revision_refused() -> Iterator[None]:
    """Alembic's refusal of a revision, said as a usage error without repeating it."""
    from alembic.script.revision import RevisionError
    from alembic.util.exc import CommandError

    try:
        yield
    except (CommandError, RevisionError, AssertionError):
        # Alembic asserts, rather than refuses, a relative step past either end ("0016+5").
        raise typer.BadParameter(REVISIONS, param_hint="REVISION") from None


@app.command()
def upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Upgrade the schema (default: to the newest revision)."""
    from dataward.adapters.sql import migrate
    from dataward.installation import name_digest, upgrade_quarantine

    with container(schema=False) as wired, _revision_refused():
        migrate.upgrade(wired.engine, revision, name_digest=name_digest(wired))
        upgraded = upgrade_quarantine(wired)
        typer.echo(f"schema at {migrate.current_revision(wired.engine)}")
    if upgraded:
        typer.echo(f"{upgraded} ingest(s)' quarantined lines re-sealed under keys of their own")


@app.command()
def downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. -1 or base.")],
) -> None:
    """Downgrade the schema."""
    from dataward.adapters.sql import migrate

    with container(schema=False) as wired, _revision_refused():
        migrate.downgrade(wired.engine, revision)
        typer.echo(f"schema at {migrate.current_revision(wired.engine)}")


@app.command()
def current() -> None:
    """Print the schema revision of the database."""
    from dataward.adapters.sql import migrate

    with container(schema=False) as wired:
        typer.echo(migrate.current_revision(wired.engine) or "empty (run `dataward init`)")
