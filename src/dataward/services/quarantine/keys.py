"""Destroying the keys of quarantined lines once they are resolved.

Each quarantined line is sealed under a key of its own in the key store. A line is resolved
(replayed, discarded, or erased with a person it names) inside a transaction of the main
database, and its key can only be destroyed once that transaction has committed: destroyed
before, a rollback would leave a line nobody can open. So a resolved line keeps naming its key
until `release_line_keys` has destroyed it and then forgotten it. Every door that resolves
lines (an erasure, a discard or replay, an ingest that met an erasure) calls it right after
its commit, and `dataward keys sweep` calls it too: a process that dies in between leaves a
key that the next sweep destroys. Once destroyed, no copy of the line, in a backup of the data
database or anywhere else, can be opened.
"""

from __future__ import annotations

from dataward.services.ports import UnitOfWork, Vault

_BATCH = 500


def release_line_keys(uow: UnitOfWork, vault: Vault) -> int:
    """Destroy the key of every resolved line still naming one; how many were destroyed."""
    destroyed = 0
    while True:
        with uow:
            keys = uow.quarantine.released_keys(_BATCH)
        if not keys:
            return destroyed
        destroyed += vault.destroy_keys(keys)
        with uow:
            uow.quarantine.forget_keys(keys)
            uow.commit()
