"""Background jobs: what they are, the states they pass through, and the rules of a retry. Pure.

The database holds every job's state; a broker carries only a job's id. A job may be handed
to a worker more than once (a worker killed mid-job, a message sent again because the broker
lost it, a relay that could not tell it was sent): so a job is idempotent. Its state says
whether it is done, and what it already landed (an ingest's sources) is written in the same
transaction as the landing, so a second run repeats none of it.

A job holds no personal data: its parameters are ids, flags and counts; a file to ingest is
staged apart, sealed under a key of the job's own, and goes when the job ends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from dataward.domain.errors import DatawardError
from dataward.domain.subjects import Actor


class JobKind(StrEnum):
    INGEST = "ingest"
    """Staged call files into the call store (`dataward ingest --background`, the API)."""
    FULFIL = "fulfil"
    """Carry out a rights request whose carrying out needs no personal value."""
    OUTBOX = "outbox"
    """Send the letters and messages due."""
    RETENTION_SWEEP = "retention_sweep"
    KEY_SWEEP = "key_sweep"
    ALERTS = "alerts"
    """Tell the DCO of overdue rights requests and breaches near their 72 hours."""


class JobState(StrEnum):
    QUEUED = "queued"
    """Waiting for a worker (sent to the broker, or to be sent)."""
    RUNNING = "running"
    """A worker has it (or had it, and died: then it is run again)."""
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    """Refused for good (bad input, a refusal), or out of attempts."""


FINISHED: Final = frozenset({JobState.SUCCEEDED, JobState.FAILED})


class RunSuperseded(DatawardError):
    """Another run has taken the job over: this run's work is rolled back, and it ends
    nothing."""

    code = "run_superseded"


class Queue(StrEnum):
    """The broker queues; a worker may listen to some (`dataward worker --queues`)."""

    INGEST = "ingest"
    RIGHTS = "rights"
    OUTREACH = "outreach"
    MAINTENANCE = "maintenance"


QUEUE_OF: Final[Mapping[JobKind, Queue]] = {
    JobKind.INGEST: Queue.INGEST,
    JobKind.FULFIL: Queue.RIGHTS,
    JobKind.OUTBOX: Queue.OUTREACH,
    JobKind.ALERTS: Queue.OUTREACH,
    JobKind.RETENTION_SWEEP: Queue.MAINTENANCE,
    JobKind.KEY_SWEEP: Queue.MAINTENANCE,
}

MAX_ATTEMPTS: Final = 8
"""Runs a job is given before it fails for good: the waits between them (`retry_delay`) add up
to about an hour, so a dependency down that long is waited out; longer, it is a fault to
report, not to wait out for ever."""

FIRST_RETRY: Final = timedelta(seconds=30)
LONGEST_RETRY: Final = timedelta(minutes=30)

STALE_AFTER: Final = timedelta(days=7)
"""A job not ended this long after it was made is failed, its staged file dropped (a job of an
installation whose workers, or whose timers, were never run)."""

KEPT_FOR: Final = timedelta(days=90)
"""An ended job's row is deleted this long after it ended (the work it did keeps its own
evidence: the ingest's record, the request's timeline, the sweep's, the audit log)."""

RESEND_AFTER: Final = timedelta(minutes=2)
"""A job queued but not started this long after it was last sent is sent again (a broker that
lost it, or was down): harmless, as a job runs once however often it is sent."""

STAGED_CHUNK: Final = 1 << 20
"""Bytes of a staged file sealed together."""

MAX_STAGED_BYTES: Final = 4 << 30
"""The largest file staged for a background ingest."""


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th run failed for a passing fault: doubling from
    `FIRST_RETRY`, at most `LONGEST_RETRY`."""
    delay: timedelta = FIRST_RETRY * (2 ** max(0, min(attempts - 1, 16)))
    return min(delay, LONGEST_RETRY)


def serial_key(kind: JobKind, tenant_id: str | None) -> str | None:
    """Jobs with the same key run one at a time: a tenant's ingests, and each sweep, the
    outbox and the alerts on their own. A fulfilment takes its request's own locks."""
    if kind is JobKind.INGEST:
        return f"ingest:{tenant_id}"
    if kind is JobKind.FULFIL:
        return None
    return kind.value


@dataclass(frozen=True, slots=True)
class Job:
    id: str
    kind: JobKind
    state: JobState
    actor: Actor
    """Who asked for it: the job runs with their rights, checked again when it runs."""
    created_at: datetime
    tenant_id: str | None = None
    params: Mapping[str, object] = field(default_factory=dict)
    attempts: int = 0
    sent_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    result: Mapping[str, object] = field(default_factory=dict)
    error: str | None = None
    """Fixed words: what failed, never the input."""
    landed: tuple[int, ...] = ()
    """An ingest's sources that landed (their ingest ids, in order)."""
    run_token: str | None = None
    """The run under way: a run whose token is no longer the job's (another run took the job
    over) can neither land nor end it."""
    not_before: datetime | None = None
    """After a passing fault: not to be sent again before this."""

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def queue(self) -> Queue:
        return QUEUE_OF[self.kind]

    def age(self, now: datetime) -> timedelta:
        return now - self.created_at


@dataclass(frozen=True, slots=True)
class JobScope:
    """Which jobs a reader may see: every job, or those it asked for and the ingests of the
    tenants it may ingest for (`ingest_tenants`; None: every tenant's)."""

    everything: bool
    asker: Actor
    ingest_tenants: tuple[str, ...] | None = ()


@dataclass(frozen=True, slots=True)
class JobQuery:
    state: JobState | None = None
    kind: JobKind | None = None
    tenant_id: str | None = None
    limit: int = 100


@dataclass(frozen=True, slots=True)
class JobEnd:
    """How a run ended a job."""

    state: JobState
    at: datetime
    result: Mapping[str, object] = field(default_factory=dict)
    error: str | None = None


@dataclass(frozen=True, slots=True)
class NewJob:
    kind: JobKind
    actor: Actor
    tenant_id: str | None = None
    params: Mapping[str, object] = field(default_factory=dict)
