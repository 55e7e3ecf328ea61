"""The key vault on its own database: per-subject data keys wrapped by the master key.

The vault never sees the main database; the main database never sees a key. Shredding a subject
deletes its data key here (SQLite with `secure_delete`, so the page is overwritten), after which
no copy of its ciphertext, live or in a backup, can be opened.

Several processes share one key store. Each caches unwrapped data keys for `KeyCache.ttl` seconds
at most, so a shred in one process takes effect in the others within that time. New keys are
wrapped under the master key the key store says is newest (the `to` key of the latest rotation),
checked in the transaction that stores them; a process started before a rotation reloads its
master keys (`reload`) rather than wrap keys nobody could open after the key files are swapped.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, delete, insert, select, text

from dataward.adapters.sql.engine import READ_ONLY, checkpoint, in_chunks
from dataward.adapters.vault import crypto
from dataward.adapters.vault.key_batches import SqlKeyBatches, beat
from dataward.adapters.vault.keystore_tables import data_keys, index_keys, key_rotations
from dataward.domain.clock import Clock
from dataward.domain.errors import ConfigurationError, KeyUnavailable

INDEX_KEY_ID = 1
CACHE_TTL_SECONDS = 30.0
"""How long an unwrapped data key stays in a process's memory: the delay before a shred done
by another process takes effect in this one."""


@dataclass(frozen=True, slots=True)
class KeyCache:
    """How many unwrapped data keys a process keeps in memory, and for at most how long."""

    size: int = 4096
    ttl: float = CACHE_TTL_SECONDS
    """Seconds; see `CACHE_TTL_SECONDS`."""


DEFAULT_CACHE = KeyCache()

_ROTATION_LOCK = int.from_bytes(b"dataward", "big")
"""PostgreSQL advisory lock between writers of keys (shared) and a rotation's last step."""


def rotation_lock(connection: Connection, *, exclusive: bool) -> None:
    """Serialise this transaction with a rotation's final check of the key store.

    Writers of new keys take it shared, the rotation's last step exclusively, so no key can be
    written under the old master key between that check and the swap of the key files. SQLite
    needs nothing: every writing transaction begins IMMEDIATE, one writer at a time.
    """
    if connection.dialect.name == "postgresql":
        function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        connection.execute(text(f"SELECT {function}(:key)"), {"key": _ROTATION_LOCK})


@dataclass(frozen=True)
class MasterKeys:
    """The master key in force, and during a rotation the one that replaces it."""

    current: bytes
    next: bytes | None = None

    def by_fingerprint(self) -> dict[str, bytes]:
        keys = {crypto.fingerprint(self.current): self.current}
        if self.next is not None:
            keys[crypto.fingerprint(self.next)] = self.next
        return keys


class SqlVault:
    """Implements the `Vault` port: keys per subject, sealing, opening, blind indexes.

    `reload` returns the master keys as configured now (the container's `master_keys`); it is
    called when the key store names a master key this vault was not given, as happens to a
    running process when a rotation starts or ends. `cache` data keys are kept unwrapped for at
    most `cache.ttl` seconds. Keys made for records that land in a transaction of the main
    database are named by a batch (`SqlKeyBatches`, whose methods it offers as its own), so
    the sweep finds them if their process dies.
    """

    def __init__(
        self,
        engine: Engine,
        masters: MasterKeys,
        clock: Clock,
        *,
        reload: Callable[[], MasterKeys] | None = None,
        cache: KeyCache = DEFAULT_CACHE,
    ) -> None:
        self._engine = engine
        self._masters = masters
        self._by_fp = masters.by_fingerprint()
        self._reload = reload
        self._clock = clock
        self._cache: OrderedDict[str, tuple[bytes, float]] = OrderedDict()
        self._cache_size = cache.size
        self._cache_ttl = cache.ttl
        self._cache_lock = threading.Lock()
        self._index_key: bytes | None = None
        self._batches = SqlKeyBatches(engine, clock)

    # -- key batches (`adapters.vault.key_batches`) -----------------------------------------
    def open_batch(self, label: str) -> str:
        return self._batches.open_batch(label)

    def heartbeat(self, batch: str) -> None:
        self._batches.heartbeat(batch)

    def close_batch(self, batch: str) -> None:
        self._batches.close_batch(batch)

    def claim_stale_batches(self, silent_since: datetime) -> list[str]:
        return self._batches.claim_stale_batches(silent_since)

    def batch_keys(self, batch: str) -> list[str]:
        return self._batches.batch_keys(batch)

    # -- keys ------------------------------------------------------------------------------
    def ensure_index_key(self) -> None:
        """Create the blind-index key on first use of a fresh key store."""
        with self._engine.begin() as connection:
            row = connection.execute(
                select(index_keys.c.id).where(index_keys.c.id == INDEX_KEY_ID)
            ).first()
            if row is None:
                master, fp = self._writing_master(connection)
                connection.execute(
                    insert(index_keys).values(
                        id=INDEX_KEY_ID,
                        wrapped_key=crypto.seal(
                            master, crypto.new_key(), crypto.index_key_context(INDEX_KEY_ID, fp)
                        ),
                        master_fingerprint=fp,
                        created_at=self._clock.now(),
                    )
                )

    def _reload_masters(self) -> None:
        if self._reload is not None:
            masters = self._reload()
            self._by_fp = masters.by_fingerprint()
            self._masters = masters

    def _writing_master(self, connection: Connection) -> tuple[bytes, str]:
        """The master key new keys must be wrapped under, and its fingerprint.

        It is the one the key store names: the `to` key of the latest rotation, finished or
        not, or before any rotation the current key. Asked inside the transaction that stores
        the new keys, under `rotation_lock`, so a rotation cannot finish in between.
        """
        rotation_lock(connection, exclusive=False)
        newest = connection.execute(
            select(key_rotations.c.to_fingerprint).order_by(key_rotations.c.id.desc()).limit(1)
        ).scalar()
        if newest is None:
            current = self._masters.current
            return current, crypto.fingerprint(current)
        if newest not in self._by_fp:
            self._reload_masters()
        master = self._by_fp.get(newest)
        if master is None:
            known = ", ".join(sorted(self._by_fp))
            raise ConfigurationError(
                f"the key store has been rotated to master key {newest}, and this process has "
                f"only {known}; restart it so it reads the current key files (no key was written)"
            )
        return master, newest

    def _master_for(self, fingerprint: str) -> bytes:
        master = self._by_fp.get(fingerprint)
        if master is None:
            # A rotation may have re-wrapped the key since the master keys were loaded.
            self._reload_masters()
            master = self._by_fp.get(fingerprint)
        if master is None:
            known = ", ".join(sorted(self._by_fp))
            raise ConfigurationError(
                f"the master key does not match the key store: it was wrapped under master key "
                f"{fingerprint}, and the configured key is {known}; check DATAWARD_MASTER_KEY_FILE"
            )
        return master

    def index_key(self) -> bytes:
        if self._index_key is None:
            with self._engine.connect().execution_options(**{READ_ONLY: True}) as connection:
                row = connection.execute(
                    select(index_keys).where(index_keys.c.id == INDEX_KEY_ID)
                ).first()
            if row is None:
                raise ConfigurationError("the key store has no index key; run `dataward init`")
            fp = row.master_fingerprint
            self._index_key = crypto.open_sealed(
                self._master_for(fp),
                row.wrapped_key,
                crypto.index_key_context(INDEX_KEY_ID, fp),
                what="the blind-index key",
            )
        return self._index_key

    def create_keys(self, subject_ids: Iterable[str], *, batch: str | None = None) -> None:
        """A fresh data key for each subject, wrapped and stored in one transaction."""
        self.enrol(dict.fromkeys(subject_ids, ()), batch=batch)

    def enrol(
        self, plaintexts: Mapping[str, Sequence[str]], *, batch: str | None = None
    ) -> dict[str, list[bytes]]:
        """New subjects: a key each, stored in one transaction, and their identifiers sealed.

        With `batch` (from `open_batch`) the keys carry its name and its heartbeat is
        refreshed in the same transaction; a batch the sweep has claimed takes no more keys
        (`KeyBatchLost`).
        """
        keys = {subject_id: crypto.new_key() for subject_id in plaintexts}
        sealed: dict[str, list[bytes]] = {}
        for subject_id, values in plaintexts.items():
            context = crypto.identifier_context(subject_id)
            sealed[subject_id] = [
                crypto.seal(keys[subject_id], v.encode("utf-8"), context) for v in values
            ]
        if keys:
            now = self._clock.now()
            with self._engine.begin() as connection:
                if batch is not None:
                    beat(connection, batch, now)
                master, fp = self._writing_master(connection)
                connection.execute(
                    insert(data_keys),
                    [
                        {
                            "subject_id": subject_id,
                            "wrapped_key": crypto.seal(
                                master, key, crypto.data_key_context(subject_id, fp)
                            ),
                            "master_fingerprint": fp,
                            "created_at": now,
                            "batch": batch,
                        }
                        for subject_id, key in keys.items()
                    ],
                )
            for subject_id, key in keys.items():
                self._remember(subject_id, key)
        return sealed

    def data_key(self, subject_id: str) -> bytes:
        cached = self._cached(subject_id)
        if cached is not None:
            return cached
        with self._engine.connect().execution_options(**{READ_ONLY: True}) as connection:
            row = connection.execute(
                select(data_keys.c.wrapped_key, data_keys.c.master_fingerprint).where(
                    data_keys.c.subject_id == subject_id
                )
            ).first()
        if row is None:
            raise KeyUnavailable(f"subject {subject_id} has no data key (erased)")
        fp = row.master_fingerprint
        key = crypto.open_sealed(
            self._master_for(fp),
            row.wrapped_key,
            crypto.data_key_context(subject_id, fp),
            what=f"the data key of subject {subject_id}",
        )
        self._remember(subject_id, key)
        return key

    def destroy_key(self, subject_id: str) -> bool:
        """Delete the subject's data key; True if there was one. Idempotent.

        Other processes holding the key unwrapped forget it within their cache's time to live.
        """
        with self._cache_lock:
            self._cache.pop(subject_id, None)
        with self._engine.begin() as connection:
            result = connection.execute(
                delete(data_keys).where(data_keys.c.subject_id == subject_id)
            )
        return result.rowcount > 0

    def destroy_keys(self, subject_ids: Sequence[str]) -> int:
        """`destroy_key` for many at once (keys of subjects whose creation was rolled back)."""
        ids = list(dict.fromkeys(subject_ids))
        with self._cache_lock:
            for subject_id in ids:
                self._cache.pop(subject_id, None)
        removed = 0
        with self._engine.begin() as connection:
            for chunk in in_chunks(ids):
                result = connection.execute(
                    delete(data_keys).where(data_keys.c.subject_id.in_(chunk))
                )
                removed += result.rowcount
        return removed

    def record_key(self, scope: str, purpose: str) -> bytes:
        """A key for keyed digests of records (not identifiers) in one scope, derived from the
        index key: e.g. a call's source identity, digested with keyed BLAKE2b."""
        return crypto.derived_key(self.index_key(), scope, purpose)

    def purge_freed_pages(self) -> bool:
        """Clear destroyed keys out of the key store's files as far as the database allows.

        SQLite: `secure_delete` has already overwritten the deleted row in the database file;
        this folds the write-ahead log into it and truncates the log. False when readers kept
        the log from being truncated: copies may remain in it until the next purge succeeds.

        PostgreSQL: a DELETE only marks the row dead. This runs `VACUUM data_keys`, which
        removes dead rows that no open transaction can still see and marks their space
        reusable. It does not overwrite that space: the old bytes stay in the table file until
        new rows reuse it, and in the write-ahead log, WAL archives and base backups until
        those are recycled. `VACUUM FULL` would rewrite the table into a new file, but the
        filesystem does not wipe the old one either. A wrapped key left over like this opens
        only with the master key that wrapped it: after a rotation, once no copy of the old
        master key is left, it opens with nothing. True once VACUUM has run.
        """
        if self._engine.dialect.name == "postgresql":
            with self._engine.connect().execution_options(
                isolation_level="AUTOCOMMIT"
            ) as connection:
                connection.exec_driver_sql("VACUUM data_keys")
            return True
        return checkpoint(self._engine)

    def has_key(self, subject_id: str) -> bool:
        with self._engine.connect().execution_options(**{READ_ONLY: True}) as connection:
            return (
                connection.execute(
                    select(data_keys.c.subject_id).where(data_keys.c.subject_id == subject_id)
                ).first()
                is not None
            )

    def forget_cached_keys(self) -> None:
        with self._cache_lock:
            self._cache.clear()
        self._index_key = None

    def _cached(self, subject_id: str) -> bytes | None:
        """A data key unwrapped less than `cache.ttl` seconds ago, if kept."""
        with self._cache_lock:
            entry = self._cache.get(subject_id)
            if entry is None:
                return None
            key, expires = entry
            if time.monotonic() >= expires:
                del self._cache[subject_id]
                return None
            self._cache.move_to_end(subject_id)
            return key

    def _remember(self, subject_id: str, key: bytes) -> None:
        if self._cache_size <= 0 or self._cache_ttl <= 0:
            return
        with self._cache_lock:
            self._cache[subject_id] = (key, time.monotonic() + self._cache_ttl)
            self._cache.move_to_end(subject_id)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    # -- sealing ---------------------------------------------------------------------------
    def seal(self, subject_id: str, plaintext: str) -> bytes:
        return crypto.seal(
            self.data_key(subject_id),
            plaintext.encode("utf-8"),
            crypto.identifier_context(subject_id),
        )

    def open(self, subject_id: str, ciphertext: bytes) -> str:
        return crypto.open_sealed(
            self.data_key(subject_id),
            ciphertext,
            crypto.identifier_context(subject_id),
            what=f"an identifier of subject {subject_id}",
        ).decode("utf-8")

    def blind_index(self, scope: str, kind: str, normalised: str) -> bytes:
        return crypto.blind_index(self.index_key(), scope, kind, normalised)
