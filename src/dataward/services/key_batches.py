"""Keys made for records that land in a transaction of the main database, named by a batch.

A key is committed in the key store before the records it seals commit in the main database;
a process killed in between would leave a key nobody can find. So such keys are made through
a `KeyBatch`, which registers a batch in the key store (on its first key), names every key it
makes by it, and keeps its heartbeat fresh: should the process die, `dataward keys sweep`
finds the keys by their batch once its heartbeat is older than the grace period and destroys
those whose records never landed (`services.orphan_keys`). The process closes its batch when
every key of it is settled: its records committed, or the key destroyed after a rollback.

`enrolling` wraps one transaction's keys: destroyed if the block fails before it marks them
landed, the batch closed either way.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from dataward.services.ports import Vault

INGEST = "ingest"
SUBJECTS = "subjects"
REQUEST = "request"


class KeyBatch:
    """The keys one process makes for records of its own, under one batch name."""

    def __init__(self, vault: Vault, label: str) -> None:
        self._vault = vault
        self._label = label
        self.name: str | None = None
        """The batch's name in the key store, once a key was made."""

    def _opened(self) -> str:
        if self.name is None:
            self.name = self._vault.open_batch(self._label)
        return self.name

    def enrol(self, plaintexts: Mapping[str, Sequence[str]]) -> dict[str, list[bytes]]:
        """New keys under this batch, and the values sealed under them (`Vault.enrol`)."""
        return self._vault.enrol(plaintexts, batch=self._opened())

    def create_keys(self, key_ids: Sequence[str]) -> None:
        self._vault.create_keys(key_ids, batch=self._opened())

    def heartbeat(self) -> None:
        """Still alive (`KeyBatchLost` if the sweep took the batch for dead meanwhile)."""
        if self.name is not None:
            self._vault.heartbeat(self.name)

    def close(self) -> None:
        """Every key of the batch is settled: no sweep need look at it again."""
        if self.name is not None:
            self._vault.close_batch(self.name)
            self.name = None


class Enrolment(KeyBatch):
    """A `KeyBatch` whose keys seal records of one transaction: `landed` once it commits."""

    def __init__(self, vault: Vault, label: str) -> None:
        super().__init__(vault, label)
        self.created: list[str] = []
        self.landed = False

    def enrol(self, plaintexts: Mapping[str, Sequence[str]]) -> dict[str, list[bytes]]:
        sealed = super().enrol(plaintexts)
        self.created.extend(plaintexts)
        return sealed


@contextmanager
def enrolling(vault: Vault, label: str) -> Iterator[Enrolment]:
    """Keys for one transaction's records. Set `landed` right after its commit: should the
    block fail before that, the keys are destroyed (then the batch closed); should the
    process die, the sweep destroys them."""
    enrolment = Enrolment(vault, label)
    try:
        yield enrolment
    except BaseException:
        if not enrolment.landed and enrolment.created:
            vault.destroy_keys(enrolment.created)
        enrolment.close()
        raise
    enrolment.close()
