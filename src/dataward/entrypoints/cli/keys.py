"""`dataward keys ...`: the master key, and the sweep that finishes what erasures left.

Both work on every tenant's data at once, so both need `run_maintenance`, which only a role of
every tenant may have (the DCO's in the shipped register): a tenant's administrator, whose
other actions stop at its own tenant, may not run them.
"""

from __future__ import annotations

import typer

from dataward.entrypoints.cli.common import (
    active_register,
    cli_actor,
    container,
    fail_on_dataward_error,
)

MAX_BATCH = 100_000
"""More keys than one transaction should hold; keeps the number one a query can take."""

app = typer.Typer(help="The master key that wraps every subject's data key.", no_args_is_help=True)


@app.command()
def rotate(
    batch: int = typer.Option(
        1000, min=1, max=MAX_BATCH, help="Data keys re-wrapped per transaction."
    ),
) -> None:
    """Re-wrap every data key under a new master key; run again to resume if interrupted."""
    from dataward.adapters.vault.rotation import rotate_master_key
    from dataward.domain.audit import AuditAction
    from dataward.domain.errors import ConfigurationError
    from dataward.domain.permissions import require
    from dataward.domain.register.model import StaffAction
    from dataward.services.audit import Audited, record

    with fail_on_dataward_error(), container() as wired:
        require(active_register(wired), cli_actor(wired), StaffAction.RUN_MAINTENANCE)
        if wired.settings.master_key is not None:
            raise ConfigurationError(
                "rotation writes the new key to the key file; unset DATAWARD_MASTER_KEY and "
                "use DATAWARD_MASTER_KEY_FILE"
            )
        key_file = wired.settings.resolved_master_key_file()
        result = rotate_master_key(wired.keystore_engine, key_file, wired.clock, batch=batch)
        with wired.uow() as uow:
            record(
                uow,
                wired.clock,
                cli_actor(wired),
                Audited(
                    AuditAction.KEYS_ROTATED,
                    details={
                        "from_master": result.from_fingerprint,
                        "to_master": result.to_fingerprint,
                        "rewrapped": result.rewrapped,
                        "resumed": result.resumed,
                    },
                ),
            )
            uow.commit()
    state = "resumed and finished" if result.resumed else "finished"
    typer.echo(
        f"rotation {state}: master key {result.from_fingerprint} -> {result.to_fingerprint}, "
        f"{result.rewrapped} key(s) re-wrapped; restart running services to load the new key"
    )


@app.command()
def sweep() -> None:
    """Finish interrupted erasures (destroy any key still held for an erased subject),
    erasures a legal hold delayed whose hold has now ended (but not while a litigation hold
    keeps the subject), and the key batches of processes
    that died before their records landed; delete erased-number entries past retention."""
    from dataward.domain.permissions import require
    from dataward.domain.register.model import StaffAction
    from dataward.services.keys.orphans import GRACE, destroy_orphan_keys
    from dataward.services.processing.erased_numbers import expire_erased_numbers
    from dataward.services.processing.erasure import finish_erasures
    from dataward.services.rights.erasure_holds import finish_held_erasures

    with fail_on_dataward_error(), container() as wired:
        register, actor = active_register(wired), cli_actor(wired)
        require(register, actor, StaffAction.RUN_MAINTENANCE)
        require(register, actor, StaffAction.ERASE_SUBJECTS)  # held erasures are shredded
        # each batch under its fence (`services.keys.orphans`): one whose writer is still under
        # way (on SQLite: while any writer holds the write lock) waits for a later sweep
        orphans = destroy_orphan_keys(wired.uow(read_only=True), wired.vault(), wired.clock)
        held = finish_held_erasures(wired.use_case(actor, register))
        destroyed = finish_erasures(wired.uow(), wired.vault())
        expired = expire_erased_numbers(wired.uow(), wired.clock)
        purged = wired.uow().purge_freed_pages()
    hours = int(GRACE.total_seconds() // 3600)
    typer.echo(f"{len(held.finished)} held erasure(s) finished now that their hold has ended")
    if held.kept_by_hold:
        typer.echo(
            f"{len(held.kept_by_hold)} held erasure(s) due but kept by a litigation hold: "
            "`dataward holds list`"
        )
    if held.waiting:
        typer.echo(
            f"{len(held.waiting)} erasure(s) no longer held that cannot go ahead yet (a tax "
            "hold without the relationship's dates, or a restriction that keeps the data): "
            + ", ".join(held.waiting)
        )
    typer.echo(f"{destroyed} left-over key(s) destroyed; write-ahead log purged: {purged}")
    typer.echo(
        f"{orphans.destroyed} orphan key(s) destroyed and {orphans.kept} kept, from "
        f"{orphans.batches} key batch(es) silent for over {hours} hour(s)"
    )
    if orphans.busy:
        typer.echo(
            f"{orphans.busy} key batch(es) claimed but left for the next sweep: a transaction "
            "that may own their keys is still under way"
        )
    typer.echo(f"{expired} erased-number entry(ies) past their retention deleted")
