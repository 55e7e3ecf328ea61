"""`dataward keys ...`: the master key, and the sweep that finishes what erasures left.

Both work on every tenant's data at once, so both need `run_maintenance`, which only a role of
every tenant may have (the DCO's in the shipped register): a tenant's administrator, whose
other actions stop at its own tenant, may not run them.
"""

from __future__ import annotations

import typer

from dataward.entrypoints.cli.common import (
    container,
    fail_on_dataward_error,
    reading,
    use_case,
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
    from dataward.adapters.vault.rotation import RotationResult
    from dataward.adapters.vault.rotation import rotate_master_key as rewrap_keys
    from dataward.domain.errors import ConfigurationError
    from dataward.services.keys.rotation import rotate_master_key

    with fail_on_dataward_error(), container() as wired:

        def rewrap() -> RotationResult:  # once the actor may (the use case checks first)
            if wired.settings.master_key is not None:
                raise ConfigurationError(
                    "rotation writes the new key to the key file; unset DATAWARD_MASTER_KEY "
                    "and use DATAWARD_MASTER_KEY_FILE"
                )
            key_file = wired.settings.resolved_master_key_file()
            return rewrap_keys(wired.keystore_engine, key_file, wired.clock, batch=batch)

        result = rotate_master_key(use_case(wired), rewrap)
    state = "resumed and finished" if result.resumed else "finished"
    typer.echo(
        f"rotation {state}: master key {result.from_fingerprint} -> {result.to_fingerprint}, "
        f"{result.rewrapped} key(s) re-wrapped; restart running services to load the new key"
    )


@app.command()
def sweep() -> None:
    """Finish interrupted erasures and deletions (destroy any key still held for an erased
    subject or still listed for destruction: a deleted download link's or rights request's),
    erasures a legal hold delayed whose hold has now ended (but not while a litigation hold
    keeps the subject), and the key batches of processes
    that died before their records landed; delete erased-number entries past retention."""
    from dataward.services.keys.orphans import GRACE
    from dataward.services.keys.sweep import sweep_keys

    with fail_on_dataward_error(), container() as wired:
        swept = sweep_keys(use_case(wired), reading(wired), wired.vault())
    orphans, held = swept.orphans, swept.held
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
    typer.echo(
        f"{swept.destroyed} left-over key(s) destroyed; write-ahead log purged: {swept.purged}"
    )
    typer.echo(
        f"{orphans.destroyed} orphan key(s) destroyed and {orphans.kept} kept, from "
        f"{orphans.batches} key batch(es) silent for over {hours} hour(s)"
    )
    if orphans.busy:
        typer.echo(
            f"{orphans.busy} key batch(es) claimed but left for the next sweep: a transaction "
            "that may own their keys is still under way"
        )
    typer.echo(f"{swept.expired} erased-number entry(ies) past their retention deleted")
