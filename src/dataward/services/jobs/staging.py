"""A file staged for a background ingest: sealed in chunks under the job's own key, in the main
database, so that a worker on any machine can read it, and gone with its key when the job ends.

While it waits, the staged file is the one copy of the calls outside the call store. It holds
no subject reference, so an erasure cannot find a person in it; what keeps the erasure true is
that the ingest applies every erasure made before it runs (a number erased in the tenant is
stored as erased on the calls before its erasure: `services.calls.parties`), and that the file
goes, with its key, in the transaction that ends the job. A job that never ends (its workers,
or its timers, never run) is failed `STALE_AFTER` on by the key-sweep job (`expire`), its file
dropped and its key destroyed with it.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import BinaryIO

from dataward.domain.errors import InvalidValue
from dataward.domain.jobs import (
    KEPT_FOR,
    MAX_STAGED_BYTES,
    STAGED_CHUNK,
    STALE_AFTER,
    Job,
    JobEnd,
    JobKind,
    JobState,
)
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


def drop(uow: UnitOfWork, job: Job, at: datetime) -> list[str]:
    """In the open transaction (the one ending the job): drop the staged file and list its key
    for destruction (an ingest's job has one, its file empty or not); the keys to destroy once
    it has committed."""
    uow.jobs.drop_chunks(job.id)
    if job.kind is not JobKind.INGEST:
        return []
    return doom(uow, [job.id], at)


def expire(uow: UnitOfWork, vault: Vault, now: datetime) -> tuple[int, int]:
    """Jobs not ended `STALE_AFTER` after they were made failed, their files dropped and
    their keys destroyed; the rows of jobs ended `KEPT_FOR` ago deleted. How many of each."""
    with uow:
        stale = uow.jobs.stale(now - STALE_AFTER)
    ended = JobEnd(JobState.FAILED, now, {}, f"not run within {STALE_AFTER.days} days")
    for job in stale:
        with uow:
            if not uow.jobs.finish(job.id, job.run_token, ended):
                continue
            keys = drop(uow, job, now)
            uow.commit()
        destroy_doomed(uow, vault, keys)
    with uow:
        forgotten = uow.jobs.forget_ended(now - KEPT_FOR)
        uow.commit()
    return len(stale), forgotten
