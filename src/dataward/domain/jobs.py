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

MAX_ATTEMPTS: Final = 6
"""Runs a job is given before it fails for good: a dependency down for the length of the
back-off (about an hour in all) is a fault to report, not to wait out for ever."""

FIRST_RETRY: Final = timedelta(seconds=10)
LONGEST_RETRY: Final = timedelta(minutes=30)

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

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def queue(self) -> Queue:
        return QUEUE_OF[self.kind]

    def age(self, now: datetime) -> timedelta:
        return now - self.created_at


@dataclass(frozen=True, slots=True)
class NewJob:
    kind: JobKind
    actor: Actor
    tenant_id: str | None = None
    params: Mapping[str, object] = field(default_factory=dict)
