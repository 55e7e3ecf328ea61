"""The relay: jobs the broker never took, lost, or whose worker died, sent again.

Run every minute or so (`dataward scheduler` runs it itself, not through the broker, so that it
works while the broker is down). A job is sent again when it is queued and was never sent, or
was sent more than `RESEND_AFTER` ago without starting; or when it is running but no live worker
holds its lease (its worker died, or lost its database). Sending a job twice is harmless: it
runs once (`run`).
"""

from __future__ import annotations

from dataclasses import dataclass

from dataward.domain.clock import Clock
from dataward.domain.jobs import RESEND_AFTER, JobState
from dataward.services.jobs.ports import Dispatcher
from dataward.services.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class Relayed:
    sent: int
    waiting: int
    """Could not be sent (the broker is down): they wait in the database."""


def relay(uow: UnitOfWork, clock: Clock, dispatcher: Dispatcher) -> Relayed:
    now = clock.now()
    with uow:
        candidates = uow.jobs.to_resend(now, now - RESEND_AFTER)
    sent = waiting = 0
    for job in candidates:
        if job.state is JobState.RUNNING:
            with uow.lease(f"job:{job.id}") as lease:
                if not lease.had:
                    continue  # a live worker has it
        if dispatcher.send(job):
            with uow:
                uow.jobs.mark_sent(job.id, clock.now())
                uow.commit()
            sent += 1
        else:
            waiting += 1
    return Relayed(sent, waiting)
