"""What the jobs' services need outside themselves."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from dataward.domain.jobs import Job, JobKind, JobState, NewJob


class JobRepository(Protocol):
    def add(self, job_id: str, new: NewJob, at: datetime) -> None: ...

    def get(self, job_id: str, *, for_update: bool = False) -> Job | None: ...

    def listed(
        self,
        *,
        state: JobState | None = None,
        kind: JobKind | None = None,
        tenant_id: str | None = None,
        limit: int = 100,
    ) -> list[Job]: ...

    def mark_sent(self, job_id: str, at: datetime) -> None: ...

    def start(self, job_id: str, at: datetime) -> None: ...

    def requeue(self, job_id: str, error: str) -> None: ...

    def finish(
        self,
        job_id: str,
        state: JobState,
        at: datetime,
        result: Mapping[str, object],
        error: str | None = None,
    ) -> None: ...

    def land(self, job_id: str, ingest_id: int) -> None: ...

    def to_resend(self, sent_before: datetime) -> list[Job]: ...

    def add_chunk(self, job_id: str, seq: int, sealed: bytes) -> None: ...

    def chunk(self, job_id: str, seq: int) -> bytes | None: ...

    def staged(self, job_ids: Sequence[str]) -> set[str]: ...

    def drop_chunks(self, job_id: str) -> int: ...

    def staged_before(self, moment: datetime) -> list[str]: ...


class Dispatcher(Protocol):
    """Hands a job's id to whatever runs jobs: a broker's queue, or this process at once."""

    def send(self, job: Job) -> bool:
        """True once handed over; False when it could not be (the broker is down): the job
        waits in the database and is sent again later."""
        ...
