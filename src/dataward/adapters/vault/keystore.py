"""The key vault on its own database: per-subject data keys wrapped by the master key.

The vault never sees the main database; the main database never sees a key. Shredding a subject
deletes its data key here (SQLite with `secure_delete`, so the page is overwritten), after which
no copy of its ciphertext, live or in a backup, can be opened.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, delete, insert, select

from dataward.adapters.sql.engine import READ_ONLY, checkpoint
from dataward.adapters.vault import crypto
from dataward.adapters.vault.keystore_tables import data_keys, index_keys
from dataward.domain.clock import Clock
from dataward.domain.errors import ConfigurationError, KeyUnavailable

INDEX_KEY_ID = 1


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

    @property
    def writing_key(self) -> bytes:
        """New keys are wrapped by the newest master key."""
        return self.next if self.next is not None else self.current


class SqlVault:
    """Implements the `Vault` port: keys per subject, sealing, opening, blind indexes."""

    def __init__(
        self, engine: Engine, masters: MasterKeys, clock: Clock, cache: int = 4096
    ) -> None:
        self._engine = engine
        self._masters = masters
        self._by_fp = masters.by_fingerprint()
        self._clock = clock
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._cache_size = cache
        self._index_key: bytes | None = None

    # -- keys ------------------------------------------------------------------------------
    def ensure_index_key(self) -> None:
        """Create the blind-index key on first use of a fresh key store."""
        with self._engine.begin() as connection:
            row = connection.execute(
                select(index_keys.c.id).where(index_keys.c.id == INDEX_KEY_ID)
            ).first()
            if row is None:
                master = self._masters.writing_key
                fp = crypto.fingerprint(master)
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

    def _master_for(self, fingerprint: str) -> bytes:
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

    def create_keys(self, subject_ids: Iterable[str]) -> None:
        """A fresh data key for each subject, wrapped and stored in one transaction."""
        self.enrol(dict.fromkeys(subject_ids, ()))

    def enrol(self, plaintexts: Mapping[str, Sequence[str]]) -> dict[str, list[bytes]]:
        """New subjects: a key each, stored in one transaction, and their identifiers sealed."""
        master = self._masters.writing_key
        fp = crypto.fingerprint(master)
        now = self._clock.now()
        rows = []
        sealed: dict[str, list[bytes]] = {}
        for subject_id, values in plaintexts.items():
            key = crypto.new_key()
            context = crypto.identifier_context(subject_id)
            sealed[subject_id] = [crypto.seal(key, v.encode("utf-8"), context) for v in values]
            rows.append(
                {
                    "subject_id": subject_id,
                    "wrapped_key": crypto.seal(
                        master, key, crypto.data_key_context(subject_id, fp)
                    ),
                    "master_fingerprint": fp,
                    "created_at": now,
                }
            )
            self._remember(subject_id, key)
        if rows:
            with self._engine.begin() as connection:
                connection.execute(insert(data_keys), rows)
        return sealed

    def data_key(self, subject_id: str) -> bytes:
        cached = self._cache.get(subject_id)
        if cached is not None:
            self._cache.move_to_end(subject_id)
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
        """Delete the subject's data key; True if there was one. Idempotent."""
        self._cache.pop(subject_id, None)
        with self._engine.begin() as connection:
            result = connection.execute(
                delete(data_keys).where(data_keys.c.subject_id == subject_id)
            )
        return result.rowcount > 0

    def purge_freed_pages(self) -> None:
        """Leave no copy of destroyed keys in the key store's write-ahead log."""
        checkpoint(self._engine)

    def has_key(self, subject_id: str) -> bool:
        with self._engine.connect().execution_options(**{READ_ONLY: True}) as connection:
            return (
                connection.execute(
                    select(data_keys.c.subject_id).where(data_keys.c.subject_id == subject_id)
                ).first()
                is not None
            )

    def forget_cached_keys(self) -> None:
        self._cache.clear()
        self._index_key = None

    def _remember(self, subject_id: str, key: bytes) -> None:
        self._cache[subject_id] = key
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
