"""A file staged for a background ingest: sealed in chunks under the job's own key, in the main
database, so that a worker on any machine can read it, and gone with its key when the job ends.

While it waits, the staged file is the one copy of the calls outside the call store. It holds
no subject reference, so an erasure cannot find a person in it; what keeps the erasure true is
that the ingest applies every erasure made before it runs (a number erased in the tenant is
stored as erased on the calls before its erasure: `services.calls.parties`), and that the file
goes, key first in effect, in the transaction that ends the job. A file left by a process that
died in between is dropped by `dataward keys sweep` (`drop_leftovers`).
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import BinaryIO

from dataward.domain.errors import InvalidValue
from dataward.domain.jobs import MAX_STAGED_BYTES, STAGED_CHUNK
from dataward.services.keys.doomed import destroy_doomed, doom
from dataward.services.ports import UnitOfWork, Vault


def stage(uow: UnitOfWork, vault: Vault, job_id: str, stream: BinaryIO) -> int:
    """Seal `stream` in chunks under the key named `job_id` (made already, in the transaction's
    key batch) into the open transaction; the bytes staged. A file over `MAX_STAGED_BYTES` is
    refused (nothing of it kept once the transaction rolls back)."""
    seq = 0
    total = 0
    while chunk := stream.read(STAGED_CHUNK):
        total += len(chunk)
        if total > MAX_STAGED_BYTES:
            raise InvalidValue("file", f"at most {MAX_STAGED_BYTES} bytes")
        sealed = vault.seal(job_id, base64.b64encode(chunk).decode("ascii"))
        uow.jobs.add_chunk(job_id, seq, sealed)
        seq += 1
    return total


def unstage(uow: UnitOfWork, vault: Vault, job_id: str, out: BinaryIO) -> int:
    """Write the staged file of `job_id` to `out`, a chunk per short read; the bytes written."""
    seq = 0
    total = 0
    while True:
        with uow:
            sealed = uow.jobs.chunk(job_id, seq)
        if sealed is None:
            return total
        chunk = base64.b64decode(vault.open(job_id, sealed))
        out.write(chunk)
        total += len(chunk)
        seq += 1


def drop(uow: UnitOfWork, job_id: str, at: datetime) -> list[str]:
    """In the open transaction (the one ending the job): drop the staged file and list its key
    for destruction; the keys to destroy once it has committed."""
    if uow.jobs.drop_chunks(job_id) == 0:
        return []
    return doom(uow, [job_id], at)


def drop_leftovers(uow: UnitOfWork, vault: Vault, now: datetime) -> int:
    """Staged files of finished jobs (a process died between ending the job and dropping its
    file, which a later transaction does): dropped, their keys destroyed; how many."""
    with uow:
        left = uow.jobs.staged_before(now)
    for job_id in left:
        with uow:
            keys = drop(uow, job_id, now)
            uow.commit()
        destroy_doomed(uow, vault, keys)
    return len(left)
