"""Background jobs and the files staged for them: the tables and their repository.

A job's row is its whole state: a broker carries its id only. A file staged for an ingest is
kept in `job_chunks`, each chunk sealed under the job's own data key (named by the job's id),
and goes with the key when the job ends.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    delete,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Row

from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.types import UTCDateTime
from dataward.domain.bounds import ACTOR_CHARS
from dataward.domain.jobs import (
    Job,
    JobEnd,
    JobKind,
    JobQuery,
    JobScope,
    JobState,
    NewJob,
    RunSuperseded,
)
from dataward.domain.subjects import Actor

jobs = Table(
    "jobs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("state", String(16), nullable=False, index=True),
    Column("tenant_id", String(64), nullable=True, index=True),
    Column("actor_id", String(ACTOR_CHARS), nullable=False),
    Column("actor_role", String(64), nullable=False),
    Column("actor_tenant", String(64), nullable=True),
    Column("params", Text, nullable=False, comment="JSON: ids, flags and counts only"),
    Column("attempts", Integer, nullable=False, default=0),
    Column("created_at", UTCDateTime(), nullable=False, index=True),
    Column("sent_at", UTCDateTime(), nullable=True),
    Column("started_at", UTCDateTime(), nullable=True),
    Column("finished_at", UTCDateTime(), nullable=True),
    Column("result", Text, nullable=False, comment="JSON: counts and ids, never content"),
    Column("error", String(200), nullable=True, comment="fixed words, never the input"),
    Column("landed", Text, nullable=False, comment="JSON: ingest ids of the sources landed"),
    Column("run_token", String(32), nullable=True, comment="the run under way"),
    Column("not_before", UTCDateTime(), nullable=True, comment="not sent again before"),
    comment="Background jobs: the state of each; a broker carries only the id.",
)

job_chunks = Table(
    "job_chunks",
    metadata,
    Column("job_id", String(36), ForeignKey("jobs.id"), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("sealed", LargeBinary, nullable=False, comment="sealed under the job's own key"),
    comment="A file staged for a background ingest, in sealed chunks; gone when the job ends.",
)


def _json(value: Mapping[str, object] | Sequence[int]) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _job(row: Row[Any]) -> Job:
    return Job(
        id=row.id,
        kind=JobKind(row.kind),
        state=JobState(row.state),
        actor=Actor(id=row.actor_id, role=row.actor_role, tenant_id=row.actor_tenant),
        created_at=row.created_at,
        tenant_id=row.tenant_id,
        params=json.loads(row.params),
        attempts=row.attempts,
        sent_at=row.sent_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        result=json.loads(row.result),
        error=row.error,
        landed=tuple(int(i) for i in json.loads(row.landed)),
        run_token=row.run_token,
        not_before=row.not_before,
    )


def _seen_by(scope: JobScope) -> Any:
    """The jobs a reader who may not see every job may see: those it asked for, and the
    ingests of the tenants it reaches (`scope.ingest_tenants`; None: every tenant's)."""
    asker = scope.asker
    asked_by_them = (
        (jobs.c.actor_id == asker.id)
        & (jobs.c.actor_role == asker.role)
        & (
            jobs.c.actor_tenant.is_(None)
            if asker.tenant_id is None
            else jobs.c.actor_tenant == asker.tenant_id
        )
    )
    ingests = jobs.c.kind == JobKind.INGEST.value
    if scope.ingest_tenants is None:
        reach = ingests & jobs.c.tenant_id.is_not(None)
    else:
        reach = ingests & jobs.c.tenant_id.in_(list(scope.ingest_tenants))
    return or_(asked_by_them, reach)


class SqlJobRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, job_id: str, new: NewJob, at: datetime) -> None:
        self._c.execute(
            insert(jobs).values(
                id=job_id,
                kind=new.kind.value,
                state=JobState.QUEUED.value,
                tenant_id=new.tenant_id,
                actor_id=new.actor.id,
                actor_role=new.actor.role,
                actor_tenant=new.actor.tenant_id,
                params=_json(new.params),
                attempts=0,
                created_at=at,
                result="{}",
                landed="[]",
            )
        )

    def get(self, job_id: str, scope: JobScope | None = None) -> Job | None:
        """The job; with `scope`, only if its reader may see it."""
        query = select(jobs).where(jobs.c.id == job_id)
        if scope is not None and not scope.everything:
            query = query.where(_seen_by(scope))
        row = self._c.execute(query).one_or_none()
        return None if row is None else _job(row)

    def listed(self, scope: JobScope, wanted: JobQuery) -> list[Job]:
        """The newest jobs first, among those `scope` lets its reader see."""
        query = select(jobs).order_by(jobs.c.created_at.desc(), jobs.c.id).limit(wanted.limit)
        if not scope.everything:
            query = query.where(_seen_by(scope))
        if wanted.state is not None:
            query = query.where(jobs.c.state == wanted.state.value)
        if wanted.kind is not None:
            query = query.where(jobs.c.kind == wanted.kind.value)
        if wanted.tenant_id is not None:
            query = query.where(jobs.c.tenant_id == wanted.tenant_id)
        return [_job(row) for row in self._c.execute(query)]

    def mark_sent(self, job_id: str, at: datetime) -> None:
        self._c.execute(update(jobs).where(jobs.c.id == job_id).values(sent_at=at))

    def start(self, job_id: str, at: datetime, token: str) -> None:
        """One more run of the job begins, under `token`."""
        self._c.execute(
            update(jobs)
            .where(jobs.c.id == job_id)
            .values(
                state=JobState.RUNNING.value,
                attempts=jobs.c.attempts + 1,
                started_at=at,
                run_token=token,
                not_before=None,
            )
        )

    def _owned(self, job_id: str, token: str | None) -> Any:
        mine = jobs.c.run_token.is_(None) if token is None else jobs.c.run_token == token
        return update(jobs).where(jobs.c.id == job_id, mine)

    def requeue(self, job_id: str, token: str | None, error: str, not_before: datetime) -> bool:
        """A run met a passing fault: queued again, not to be sent before `not_before`."""
        done = self._c.execute(
            self._owned(job_id, token).values(
                state=JobState.QUEUED.value, error=error[:200], not_before=not_before
            )
        )
        return bool(done.rowcount)

    def finish(self, job_id: str, token: str | None, ended: JobEnd) -> bool:
        """The run `token` ended the job; False (nothing written) when another run has taken
        it over."""
        done = self._c.execute(
            self._owned(job_id, token).values(
                state=ended.state.value,
                finished_at=ended.at,
                result=_json(ended.result),
                error=None if ended.error is None else ended.error[:200],
            )
        )
        return bool(done.rowcount)

    def land(self, job_id: str, token: str | None, ingest_id: int) -> None:
        """An ingest's source landed: recorded in the transaction that landed it, which
        `RunSuperseded` rolls back when another run has taken the job over."""
        mine = jobs.c.run_token.is_(None) if token is None else jobs.c.run_token == token
        found = self._c.execute(
            select(jobs.c.landed).where(jobs.c.id == job_id, mine)
        ).scalar_one_or_none()
        if found is None:
            raise RunSuperseded()
        landed = [*json.loads(found), ingest_id]
        done = self._c.execute(self._owned(job_id, token).values(landed=_json(landed)))
        if not done.rowcount:
            raise RunSuperseded()

    def to_resend(self, now: datetime, sent_before: datetime) -> list[Job]:
        """Jobs queued and never sent, or sent before `sent_before` and not started since,
        unless a back-off holds them until later; and jobs running (a dead worker's are sent
        again: the caller checks their lease)."""
        query = select(jobs).where(
            or_(
                (jobs.c.state == JobState.QUEUED.value)
                & or_(jobs.c.sent_at.is_(None), jobs.c.sent_at < sent_before)
                & or_(jobs.c.not_before.is_(None), jobs.c.not_before <= now),
                (jobs.c.state == JobState.RUNNING.value) & (jobs.c.started_at < sent_before),
            )
        )
        return [_job(row) for row in self._c.execute(query.order_by(jobs.c.created_at))]

    def add_chunk(self, job_id: str, seq: int, sealed: bytes) -> None:
        self._c.execute(insert(job_chunks).values(job_id=job_id, seq=seq, sealed=sealed))

    def chunk(self, job_id: str, seq: int) -> bytes | None:
        found = self._c.execute(
            select(job_chunks.c.sealed).where(
                job_chunks.c.job_id == job_id, job_chunks.c.seq == seq
            )
        ).scalar_one_or_none()
        return None if found is None else bytes(found)

    def staged(self, job_ids: Sequence[str]) -> set[str]:
        """Which of these jobs still have a staged file."""
        if not job_ids:
            return set()
        query = select(job_chunks.c.job_id).where(job_chunks.c.job_id.in_(list(job_ids)))
        return {str(j) for j in self._c.execute(query.distinct()).scalars()}

    def drop_chunks(self, job_id: str) -> int:
        done = self._c.execute(delete(job_chunks).where(job_chunks.c.job_id == job_id))
        return int(done.rowcount or 0)

    def stale(self, made_before: datetime) -> list[Job]:
        """Jobs made before `made_before` and not ended."""
        query = select(jobs).where(
            jobs.c.created_at < made_before,
            jobs.c.state.in_([JobState.QUEUED.value, JobState.RUNNING.value]),
        )
        return [_job(row) for row in self._c.execute(query)]

    def forget_ended(self, ended_before: datetime) -> int:
        """Delete the rows of jobs that ended before `ended_before` (and have no staged file)."""
        done = self._c.execute(
            delete(jobs).where(
                jobs.c.finished_at < ended_before,
                jobs.c.state.in_([JobState.SUCCEEDED.value, JobState.FAILED.value]),
                ~select(job_chunks.c.job_id).where(job_chunks.c.job_id == jobs.c.id).exists(),
            )
        )
        return int(done.rowcount or 0)
