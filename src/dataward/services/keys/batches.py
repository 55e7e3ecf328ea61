"""Keys made for records that land in a transaction of the main database, named by a batch.

A key is committed in the key store before the records it seals commit in the main database;
a process killed in between would leave a key nobody can find. So such keys are made through
a `KeyBatch`, which registers a batch in the key store, names every key it makes by it, and
keeps its heartbeat fresh: should the process die, `dataward keys sweep` finds the keys by
their batch and destroys those whose records never landed (`services.keys.orphans`).

What makes that safe is the batch's fence in the main database, not time. Each transaction
that will own keys of the batch `join`s it at its start (it holds the batch there until it
ends) and commits through `commit`, which first checks, while holding it, that the sweep has
not claimed the batch. The sweep claims a batch, then takes its fence, and only then reads
which keys have owners: so it either waits out every such transaction or finds it claimed
before it commits. The grace period and the heartbeat only decide when a silent batch is
claimed (a writer that was merely slow then fails cleanly with `KeyBatchLost`, and may be
retried), never whether data can be lost.

A commit that raises has an unknown outcome (the answer may be what was lost): its keys are
never destroyed for it, and the batch is left open for the sweep, which keeps every key whose
records did land. The process closes its batch when every key of it is settled.

`enrolling` wraps one transaction's keys: destroyed if the block fails before its commit was
tried, the batch closed unless that commit's outcome is unknown.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from dataward.services.ports import UnitOfWork, Vault

INGEST = "ingest"
SUBJECTS = "subjects"
REQUEST = "request"
DOWNLOAD = "download"


class KeyBatch:
    """The keys one process makes for records of its own, under one batch name."""

    def __init__(self, vault: Vault, label: str) -> None:
        self._vault = vault
        self._label = label
        self.name: str | None = None
        """The batch's name in the key store, once opened."""
        self.in_doubt = False
        """A commit of records owning its keys raised: whether they landed is not known, so
        the batch is left to the sweep (`close` keeps it open)."""

    def _opened(self) -> str:
        if self.name is None:
            self.name = self._vault.open_batch(self._label)
        return self.name

    def join(self, uow: UnitOfWork) -> None:
        """The open transaction of `uow` will own keys of this batch: it holds the batch
        (opened now if need be) until it ends, so no sweep can decide about its keys
        meanwhile. Call it at the start of the transaction, and commit with `commit`."""
        uow.key_owners.hold(self._opened())

    def enrol(self, plaintexts: Mapping[str, Sequence[str]]) -> dict[str, list[bytes]]:
        """New keys under this batch, and the values sealed under them (`Vault.enrol`)."""
        return self._vault.enrol(plaintexts, batch=self._opened())

    def create_keys(self, key_ids: Sequence[str]) -> None:
        self._vault.create_keys(key_ids, batch=self._opened())

    def destroy(self, key_ids: Sequence[str]) -> None:
        """Destroy keys of this batch whose records surely never landed."""
        self._vault.destroy_keys(key_ids)

    def heartbeat(self) -> None:
        """Still alive (`KeyBatchLost` if the sweep has claimed the batch meanwhile)."""
        if self.name is not None:
            self._vault.heartbeat(self.name)

    def commit(self, uow: UnitOfWork) -> None:
        """Commit the transaction that joined this batch: `KeyBatchLost` (nothing committed)
        if the sweep has claimed the batch, checked while the transaction holds it. Should the
        commit itself raise, the batch is left to the sweep (`in_doubt`)."""
        self.heartbeat()
        try:
            uow.commit()
        except BaseException:
            self.in_doubt = True
            raise

    def close(self) -> None:
        """Every key of the batch is settled: no sweep need look at it again. Unless a commit
        was in doubt: then the sweep settles it, keeping the keys whose records landed."""
        if self.name is not None and not self.in_doubt:
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

    def create_keys(self, key_ids: Sequence[str]) -> None:
        super().create_keys(key_ids)
        self.created.extend(key_ids)

    def commit(self, uow: UnitOfWork) -> None:
        super().commit(uow)
        self.landed = True


@contextmanager
def enrolling(vault: Vault, label: str) -> Iterator[Enrolment]:
    """Keys for one transaction's records: `join` it at its start and `commit` through the
    enrolment. Should the block fail before that commit was tried, the keys are destroyed
    (the transaction surely rolled back); should the commit raise, or the process die, the
    sweep settles them."""
    enrolment = Enrolment(vault, label)
    try:
        yield enrolment
    except BaseException:
        if not enrolment.landed and not enrolment.in_doubt and enrolment.created:
            vault.destroy_keys(enrolment.created)
        enrolment.close()
        raise
    enrolment.close()
