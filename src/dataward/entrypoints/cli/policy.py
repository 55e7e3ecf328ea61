"""`dataward policy ...`: check, show, load and publish the register."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from dataward.adapters.register_file import load_register_file
from dataward.bootstrap import Container
from dataward.domain.processing.purpose_notice import MAX_FACTOR
from dataward.domain.register.document import LoadedRegister
from dataward.entrypoints.cli.common import (
    cli_actor,
    container,
    fail_on_dataward_error,
    reading,
    use_case,
    write_output,
)
from dataward.entrypoints.cli.params import choice, input_file

app = typer.Typer(help="The register: the privacy policy as code.", no_args_is_help=True)

RegisterOption = Annotated[
    Path | None,
    typer.Option(
        "--register",
        "-r",
        parser=input_file,
        metavar="FILE",
        help="Register YAML to use; default: the active register in the database, "
        "or the shipped register when none is stored.",
    ),
]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
]


class RopaFormat(StrEnum):
    CSV = "csv"
    JSON = "json"
    HTML = "html"


class NoticeFormat(StrEnum):
    HTML = "html"
    MD = "md"


class ExportFormat(StrEnum):
    FIDES = "fides"
    DPV = "dpv"


class DiffFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def resolve_register(path: Path | None) -> LoadedRegister:
    """The register a command works on: a file, else the active one, else the shipped one."""
    if path is not None:
        return load_register_file(path)
    with container(schema=False) as wired:
        if _database_ready(wired):
            with wired.uow(read_only=True) as uow:
                stored = uow.registers.active()
            if stored is not None:
                return wired.active_register.get(wired.uow(read_only=True))
    typer.echo("note: no register stored yet; using the shipped register", err=True)
    return load_register_file(None)


def _database_ready(wired: Container) -> bool:
    """Whether the configured database exists and is migrated (a command may run before
    `dataward init`, on a register file alone)."""
    from sqlalchemy.engine import make_url

    from dataward.adapters.sql.migrate import current_revision

    url = make_url(wired.settings.resolved_database_url())
    embedded_missing = url.get_backend_name() == "sqlite" and not (
        url.database and Path(url.database).exists()
    )
    return not embedded_missing and current_revision(wired.engine) is not None


@app.command()
def check(
    file: Annotated[
        Path | None,
        typer.Argument(
            parser=input_file,
            metavar="FILE",
            help="Register YAML to check; default: the shipped register.",
        ),
    ] = None,
) -> None:
    """Validate a register; list every problem with its path and line (exit code 2 if invalid)."""
    with fail_on_dataward_error():
        loaded = load_register_file(file)
    for warning in loaded.warnings:
        typer.echo(f"{loaded.source}: {warning}", err=True)
    if loaded.to_confirm:  # by line number only: a check never quotes the document
        typer.echo(
            f"{loaded.source}: {len(loaded.to_confirm)} placeholder(s) marked '# confirm' "
            f"for the DCO to replace, at line(s) {', '.join(map(str, loaded.to_confirm))}",
            err=True,
        )
    reg = loaded.register
    typer.echo(
        f"{loaded.source}: ok, version {reg.policy.version} ({reg.policy.last_updated}): "
        f"{len(reg.purposes)} purposes, {len(reg.categories)} categories, "
        f"{len(reg.recipients)} recipients, {len(reg.processors)} processors, "
        f"{len(reg.retention_rules)} retention rules, {len(loaded.warnings)} warning(s)"
    )


@app.command()
def load(
    file: Annotated[
        Path | None,
        typer.Argument(
            parser=input_file,
            metavar="FILE",
            help="Register YAML to load; default: the shipped register.",
        ),
    ] = None,
) -> None:
    """Check a register and make it the active one (needs manage_register; nothing is stored if
    it is invalid)."""
    from dataward.services.register.store import store_register

    with fail_on_dataward_error():
        loaded = load_register_file(file)
        with container() as wired:
            result = store_register(
                wired.uow(), wired.clock, loaded, cli_actor(wired), wired.active_register
            )
    stored = result.stored
    state = "loaded" if result.new_version else "already stored"
    typer.echo(f"register {stored.version} ({stored.last_updated}) {state}; now active")


@app.command()
def show(register: RegisterOption = None) -> None:
    """A readable summary of the register."""
    from dataward.entrypoints.cli.summary import print_summary

    with fail_on_dataward_error():
        print_summary(resolve_register(register).register)


@app.command()
def ropa(
    fmt: Annotated[
        RopaFormat, typer.Option("--format", "-f", parser=choice(RopaFormat), help="Output format.")
    ] = RopaFormat.HTML,
    register: RegisterOption = None,
    output: OutputOption = None,
) -> None:
    """The record of processing activities (UK GDPR Art. 30(1) and 30(2)); its processor part
    names every tenant as a controller, with its contact as far as your role may read it."""
    from dataward.adapters.documents.ropa import render_ropa
    from dataward.domain.processing.gate import Gate
    from dataward.services.register.controllers import Controllers, ropa_controllers

    with fail_on_dataward_error():
        loaded = resolve_register(register).register
        controllers = Controllers((), disclosed=False)
        with container(schema=False) as wired:
            if _database_ready(wired):
                ctx = wired.use_case(cli_actor(wired), loaded)
                controllers = ropa_controllers(ctx, Gate(loaded))
        text = render_ropa(loaded, fmt.value, controllers=controllers.entries)
    # a contact read in plain text is personal data: the file is then private (0600)
    write_output(text, output, public=not controllers.disclosed)


@app.command()
def notice(
    fmt: Annotated[
        NoticeFormat,
        typer.Option("--format", "-f", parser=choice(NoticeFormat), help="Output format."),
    ] = NoticeFormat.HTML,
    register: RegisterOption = None,
    output: OutputOption = None,
) -> None:
    """The public privacy notice, generated from the register."""
    from dataward.adapters.documents.notice import render_notice

    with fail_on_dataward_error():
        text = render_notice(resolve_register(register).register, fmt.value)
    write_output(text, output, public=True)


@app.command()
def diff(
    old: Annotated[
        Path, typer.Argument(parser=input_file, metavar="OLD", help="The register in force.")
    ],
    new: Annotated[
        Path, typer.Argument(parser=input_file, metavar="NEW", help="The proposed register.")
    ],
    fmt: Annotated[
        DiffFormat, typer.Option("--format", "-f", parser=choice(DiffFormat), help="Output format.")
    ] = DiffFormat.TEXT,
) -> None:
    """What changed between two registers; changes needing notice before processing come first."""
    from dataward.adapters.documents.diff import render_diff
    from dataward.domain.register.diff import diff_registers

    with fail_on_dataward_error():
        changes = diff_registers(load_register_file(old).register, load_register_file(new).register)
    typer.echo(render_diff(changes, fmt.value))


@app.command()
def export(
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", parser=choice(ExportFormat), help="Export format."),
    ],
    register: RegisterOption = None,
    output: OutputOption = None,
) -> None:
    """The register as a fideslang System document or as W3C DPV JSON-LD."""
    with fail_on_dataward_error():
        reg = resolve_register(register).register
    if fmt is ExportFormat.FIDES:
        from dataward.adapters.documents.fides import export_fides

        document = export_fides(reg)
    else:
        from dataward.adapters.documents.dpv import export_dpv

        document = export_dpv(reg)
    write_output(json.dumps(document, indent=2, ensure_ascii=False) + "\n", output, public=True)


class Compatible(StrEnum):
    YES = "yes"
    NO = "no"


def _factor(help_text: str) -> Any:
    return typer.Option(..., help=f"{help_text} (required; at most {MAX_FACTOR} characters).")


@app.command()
def assess(
    purpose: Annotated[str, typer.Argument(help="The changed purpose's register key.")],
    compatible: Annotated[
        Compatible,
        typer.Option(parser=choice(Compatible), help="Is the new use compatible (Art. 6(4))?"),
    ],
    reasons: Annotated[str, _factor("The conclusion and why")],
    link: Annotated[str, _factor("Any link between the purposes of collection and the new one")],
    context: Annotated[str, _factor("The context of collection: our relationship with people")],
    nature: Annotated[str, _factor("The nature of the data: special category or criminal data?")],
    consequences: Annotated[str, _factor("The possible consequences of the new use for people")],
    safeguards: Annotated[str, _factor("The safeguards: encryption, pseudonymisation")],
) -> None:
    """Record the DCO's compatibility assessment of a purpose awaiting notice (needs
    manage_register). "yes" lets the purpose through the gate for the people not yet told; "no"
    keeps it refused until they are sent the notice."""
    from dataward.domain.processing.purpose_notice import CompatibilityFactors
    from dataward.services.register.purpose_notices import AssessPurpose
    from dataward.services.register.purpose_notices import assess as record_assessment

    with fail_on_dataward_error(), container() as wired:
        factors = CompatibilityFactors(link, context, nature, consequences, safeguards)
        command = AssessPurpose(purpose, compatible is Compatible.YES, reasons, factors)
        done = record_assessment(use_case(wired), command)
    word = "compatible" if done.compatible else "not compatible"
    typer.echo(f"assessment recorded: {done.purpose} is {word}")


@app.command()
def notify(
    version: Annotated[
        str, typer.Option("--version", help="The register version whose notice to send.")
    ],
) -> None:
    """Queue the notice of a register version to each of our own people its changed purposes
    concern (needs manage_register); `dataward outbox send` sends them, and a person counts as
    told once theirs has gone."""
    from dataward.services.register.purpose_notices import notify as queue_notices

    with fail_on_dataward_error(), container() as wired:
        queued = queue_notices(use_case(wired), version)
    typer.echo(f"notice of version {queued.version}: {queued.queued} queued")


@app.command()
def pending() -> None:
    """Each changed purpose of the register in force: since which version, its assessment, and
    how many of the people it concerns were sent its notice (needs manage_register)."""
    from dataward.services.register.purpose_notices import pending as waiting

    with fail_on_dataward_error(), container() as wired:
        found = waiting(reading(wired))
    if not found:
        typer.echo("no purpose awaits a notice")
    for line in found:
        assessed = {None: "not assessed", True: "compatible", False: "not compatible"}
        change = "added" if line.added else "changed"
        typer.echo(
            f"{line.purpose}: {change} in {line.version}; {assessed[line.assessed]}; told "
            f"{line.told} of {line.concerned}, not yet told {line.concerned - line.told}"
        )
