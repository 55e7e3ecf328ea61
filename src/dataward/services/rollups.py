"""Anonymous rollups of queue calls, kept as calls land so reports outlive the calls.

Each queue call adds to the tally of its tenant, queue and UTC hour (`domain.acd.Tally`, which
is additive). A tally holds counts and wait histograms and no subject reference, so erasing a
caller or deleting raw calls by retention leaves every queue report as it was. Hours are UTC,
which maps exactly onto local hours in every zone whose offset is whole hours.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from dataward.domain.acd import Tally
from dataward.domain.calls import StoredCall
from dataward.services.ports import UnitOfWork


def hour_of(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


def add_to_rollups(uow: UnitOfWork, tenant_id: str, calls: Iterable[StoredCall]) -> int:
    """Add the queue calls among `calls` to their hourly tallies; returns how many cells."""
    delta: dict[tuple[str, datetime], Tally] = {}
    for call in calls:
        if call.queue is None:
            continue
        cell = (call.queue, hour_of(call.started_at))
        tally = delta.get(cell)
        if tally is None:
            tally = delta[cell] = Tally()
        tally.add(call.disposition, call.wait_s, call.talk_s, call.ring_s)
    if not delta:
        return 0
    stored = uow.rollups.for_update(tenant_id, delta)
    merged: dict[tuple[str, datetime], Tally] = {}
    for cell, tally in delta.items():
        if cell in stored:
            stored[cell].merge(tally)
            merged[cell] = stored[cell]
        else:
            merged[cell] = tally
    uow.rollups.save(tenant_id, merged, set(stored))
    return len(delta)
