"""Keys whose records are gone: destroyed once that has committed, whatever dies in between.

A download link's package is sealed under a key of the link's own, a rights request's contact
details and letters under the request's, a subject's identifiers under the subject's. The rows go
in a transaction of the main database; the key lives in the key store and can only be destroyed
once that transaction has committed (destroyed before, a rollback would leave rows nobody can
open). A process that dies between the commit and the destruction used to leave a key that no
row named any more, so nothing ever found it, and every copy of what it sealed (a dead row
version, a write-ahead log, a backup) stayed readable. So every path that lets such rows go
lists their keys with `doom`, in the transaction that deletes them; after its commit it calls
`destroy_doomed`, which destroys the keys and then removes them from the list in a transaction
of its own. Whatever is still listed (a process that died at any point after the commit) is
destroyed by `destroy_all_doomed`, run by `dataward keys sweep` through `finish_erasures`.
Destroying a key twice is harmless; leaving one listed only delays its destruction to the
next sweep. Quarantined lines keep their own list on their rows (`services.quarantine.keys`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from dataward.services.ports import UnitOfWork, Vault

_BATCH = 500


def doom(uow: UnitOfWork, key_ids: Iterable[str], at: datetime) -> list[str]:
    """List these keys for destruction in the open transaction of `uow` (the one deleting
    their records); the keys, for `destroy_doomed` once it has committed."""
    keys = list(dict.fromkeys(key_ids))
    if keys:
        uow.doomed_keys.add(keys, at)
    return keys


def destroy_doomed(uow: UnitOfWork, vault: Vault, key_ids: Sequence[str]) -> int:
    """After the commit that listed them: destroy these keys, then take them off the list;
    how many were destroyed (a key destroyed already counts for nothing)."""
    if not key_ids:
        return 0
    destroyed = vault.destroy_keys(key_ids)
    with uow:
        uow.doomed_keys.forget(key_ids)
        uow.commit()
    return destroyed


def destroy_all_doomed(uow: UnitOfWork, vault: Vault) -> int:
    """Destroy every key still listed (a process died after its commit); how many."""
    destroyed = 0
    while True:
        with uow:
            keys = uow.doomed_keys.listed(_BATCH)
        if not keys:
            return destroyed
        destroyed += destroy_doomed(uow, vault, keys)
