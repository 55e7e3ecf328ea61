"""The `dataward` command: thin translation of arguments into service calls."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from dataward.bootstrap import Container
from dataward.entrypoints.cli import audit as audit_commands
from dataward.entrypoints.cli import breaches as breach_commands
from dataward.entrypoints.cli import calendar as calendar_commands
from dataward.entrypoints.cli import complaints as complaints_commands
from dataward.entrypoints.cli import db as db_commands
from dataward.entrypoints.cli import holds as holds_commands
from dataward.entrypoints.cli import ingest as ingest_commands
from dataward.entrypoints.cli import jobs as jobs_commands
from dataward.entrypoints.cli import keys as keys_commands
from dataward.entrypoints.cli import marketing as marketing_commands
from dataward.entrypoints.cli import outbox as outbox_commands
from dataward.entrypoints.cli import policy as policy_commands
from dataward.entrypoints.cli import processing as processing_commands
from dataward.entrypoints.cli import report as report_commands
from dataward.entrypoints.cli import request_work  # noqa: F401 - adds to `requests`
from dataward.entrypoints.cli import requests as requests_commands
from dataward.entrypoints.cli import retention as retention_commands
from dataward.entrypoints.cli import sharing as sharing_commands
from dataward.entrypoints.cli import staff as staff_commands
from dataward.entrypoints.cli import subjects as subjects_commands
from dataward.entrypoints.cli import tenants as tenants_commands
from dataward.entrypoints.cli.common import (
    EXIT_CONFIG,
    cli_actor,
    container,
    fail_on_dataward_error,
)

app = typer.Typer(
    name="dataward",
    help="Privacy operations for a telephony call-reporting service.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def _logs() -> None:
    """Logs configured once, before any command, from DATAWARD_LOG_FORMAT and _LEVEL."""
    from pydantic import ValidationError

    from dataward.adapters.logs import configure_logging
    from dataward.config import LogSettings

    try:
        settings = LogSettings()
    except ValidationError:
        typer.echo(
            "error: DATAWARD_LOG_FORMAT is json or text, and DATAWARD_LOG_LEVEL one of DEBUG, "
            "INFO, WARNING or ERROR",
            err=True,
        )
        raise typer.Exit(EXIT_CONFIG) from None
    configure_logging(settings.log_level, settings.log_format)


app.add_typer(policy_commands.app, name="policy")
app.add_typer(db_commands.app, name="db")
app.add_typer(keys_commands.app, name="keys")
app.add_typer(subjects_commands.app, name="subjects")
app.add_typer(tenants_commands.app, name="tenants")
app.add_typer(staff_commands.app, name="staff")
app.add_typer(audit_commands.app, name="audit")
app.add_typer(breach_commands.app, name="breaches")
app.add_typer(ingest_commands.app, name="ingest")
app.add_typer(report_commands.app, name="report")
app.add_typer(calendar_commands.app, name="calendar")
app.add_typer(requests_commands.app, name="requests")
app.add_typer(complaints_commands.app, name="complaints")
app.add_typer(outbox_commands.app, name="outbox")
app.add_typer(processing_commands.consents, name="consents")
app.add_typer(processing_commands.restrictions, name="restrictions")
app.add_typer(processing_commands.objections, name="objections")
app.add_typer(holds_commands.app, name="holds")
app.add_typer(retention_commands.app, name="retention")
app.add_typer(sharing_commands.share, name="share")
app.add_typer(marketing_commands.app, name="marketing")
app.add_typer(jobs_commands.app, name="jobs")
app.command()(jobs_commands.worker)
app.command()(jobs_commands.scheduler)
processing_commands.consents.command("soft-opt-in")(marketing_commands.soft_opt_in)
app.add_typer(sharing_commands.processors, name="processors")
app.add_typer(sharing_commands.transfers, name="transfers")


@app.command()
def init(
    no_register: Annotated[
        bool, typer.Option("--no-register", help="Do not load the register.")
    ] = False,
) -> None:
    """Create the database schema and the master key file, and load the register (idempotent).

    The first register is loaded as `system:init`. Loading DATAWARD_REGISTER_FILE over a
    register in force is `policy load` by another door: it needs manage_register.
    """
    from dataward.installation import initialise

    with fail_on_dataward_error(), container(schema=False) as wired:
        if wired.settings.register_file is not None and not no_register:
            _require_may_replace(wired)
        result = initialise(wired, load_register=not no_register)
    typer.echo(
        f"database: {wired.settings.resolved_database_url()} (schema {result.schema_revision})"
    )
    if result.master_key_file is not None:
        state = "created (mode 0600)" if result.master_key_created else "kept"
        typer.echo(f"master key file: {result.master_key_file} {state}")
    else:
        typer.echo("master key: from DATAWARD_MASTER_KEY")
    if result.register is not None:
        stored = result.register.stored
        state = "loaded" if result.register.new_version else "already stored"
        typer.echo(f"register {stored.version} ({stored.last_updated}) {state} and active")
    if result.first_account is not None and result.first_account.link_token is not None:
        from dataward.entrypoints.cli.staff import link_for

        typer.echo(
            f"console: account {result.first_account.actor.id} ({result.first_account.actor.role}) "
            "created; set its password once, within 72 hours, at "
            f"{link_for(wired.settings.public_url, result.first_account.link_token)}"
        )


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Port to listen on.")] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Processes serving the API, each with its own database pool "
            "(DATAWARD_DB_POOL_SIZE connections at most).",
        ),
    ] = 1,
    certfile: Annotated[
        Path | None, typer.Option(help="TLS certificate chain (PEM): serve HTTPS.")
    ] = None,
    keyfile: Annotated[Path | None, typer.Option(help="TLS private key (PEM).")] = None,
) -> None:
    """Serve the REST API (OpenAPI docs at /docs), the console and the portal."""
    import uvicorn

    from dataward.entrypoints.api.server import APP_FACTORY, server_options

    if (certfile is None) != (keyfile is None):
        raise typer.BadParameter("give both --certfile and --keyfile, or neither")
    with fail_on_dataward_error(), container() as wired:
        host = host or wired.settings.api_host
        port = port or wired.settings.api_port
        options = server_options(wired.settings, processes=workers)  # no access log, ...
    scheme = "https" if certfile is not None else "http"
    typer.echo(f"dataward API on {scheme}://{host}:{port}/docs ({workers} process(es))")
    sys.stdout.flush()
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        ssl_certfile=str(certfile) if certfile else None,
        ssl_keyfile=str(keyfile) if keyfile else None,
        **options,
    )


def _require_may_replace(wired: Container) -> None:
    """Refuse to replace a register in force unless the command line's role may load one."""
    from dataward.adapters.register_file import load_register_file
    from dataward.adapters.sql.migrate import current_revision
    from dataward.services.register.store import require_may_replace

    wired.settings.data_dir.mkdir(parents=True, exist_ok=True)
    if current_revision(wired.engine) is None:
        return  # no schema yet: this is the first load
    require_may_replace(
        wired.uow(read_only=True),
        cli_actor(wired),
        load_register_file(wired.settings.register_file),
        wired.active_register,
    )


def run() -> None:  # pragma: no cover - console entry point
    app()
