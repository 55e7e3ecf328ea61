"""The join of a call's records (`domain.calls.correlation`): the same call whatever the order
of arrival, nothing new from a record read again, and the ACD log's word on the queue."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import permutations

from dataward.domain.calls.correlation import (
    ACD_LOG,
    DETAIL,
    contribution,
    join,
    joinable,
    same_call,
)
from dataward.domain.calls.records import StoredCall
from dataward.domain.calls.telephony import Direction, Disposition

START = datetime(2026, 3, 29, 0, 59, 30, tzinfo=UTC)  # the night the UK clocks go forward


def _call(**changes: object) -> StoredCall:
    base = StoredCall(
        tenant_id="t",
        source_key=b"k" * 16,
        started_at=START,
        answered_at=None,
        ended_at=START + timedelta(seconds=60),
        direction=Direction.INBOUND,
        disposition=Disposition.NO_ANSWER,
        queue="sales",
        wait_s=60.0,
        ring_s=None,
        talk_s=0.0,
        caller_ref="caller",
        callee_ref=None,
        agent_ref=None,
        caller_withheld=False,
        callee_withheld=False,
        legs=2,
        format="asterisk-cdr-csv",
        ingest_id=1,
        queued_at=START,
        sources=DETAIL,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


CDR = _call(callee_ref="dialled", direction=Direction.UNKNOWN)
LOG = _call(
    source_key=b"q" * 16,
    started_at=START + timedelta(seconds=20),
    queued_at=START + timedelta(seconds=20),
    ended_at=START + timedelta(seconds=75),
    direction=Direction.INBOUND,
    disposition=Disposition.OVERFLOW,
    wait_s=55.0,
    ring_s=4.0,
    talk_s=None,
    legs=1,
    format="asterisk-queue-log",
    ingest_id=2,
    sources=ACD_LOG,
)


def _facts(call: StoredCall) -> StoredCall:
    """What a call says, apart from the row's identity and the ingest that wrote it last."""
    return replace(call, source_key=b"", started_at=START, ingest_id=0)


def test_the_acd_log_says_how_a_queue_call_ended_and_the_cdr_adds_its_details() -> None:
    for first, second in ((CDR, LOG), (LOG, CDR)):
        call = join(first, second)
        assert call.disposition is Disposition.OVERFLOW
        assert call.queued_at == LOG.queued_at
        assert (call.wait_s, call.ring_s) == (55.0, 4.0)
        assert (call.callee_ref, call.legs, call.format) == ("dialled", 2, "asterisk-cdr-csv")
        assert call.direction is Direction.INBOUND
        assert call.ended_at == LOG.ended_at
        assert call.sources == DETAIL | ACD_LOG
        assert (call.source_key, call.started_at) == (first.source_key, first.started_at)


def test_the_join_does_not_depend_on_the_order_and_a_record_read_again_changes_nothing() -> None:
    centre = _call(format="broadworks-csv", agent_ref=None, legs=1, wait_s=90.0)
    agent = _call(
        format="broadworks-csv",
        source_key=b"a" * 16,
        started_at=START + timedelta(seconds=20),
        queued_at=START + timedelta(seconds=20),
        answered_at=START + timedelta(seconds=30),
        disposition=Disposition.ANSWERED,
        agent_ref="agent",
        talk_s=60.0,
        wait_s=10.0,
        legs=1,
    )
    results = set()
    for order in permutations([centre, agent, CDR]):
        call = order[0]
        for record in order[1:]:
            call = join(call, record)
        again = call
        for record in order:
            again = join(again, record)
        assert same_call(again, call)
        results.add(_facts(call))
    assert len(results) == 1
    (call,) = results
    assert call.disposition is Disposition.ANSWERED
    assert call.wait_s == 30.0  # from the earliest entry to the answer
    assert call.agent_ref == "agent"


def test_a_party_withheld_by_any_source_is_withheld() -> None:
    withheld = replace(LOG, caller_ref=None, caller_withheld=True)
    for first, second in ((CDR, withheld), (withheld, CDR)):
        call = join(first, second)
        assert call.caller_withheld
        assert call.caller_ref is None


def test_two_visits_of_a_queue_log_call_are_not_joined_and_far_records_neither() -> None:
    other_visit = replace(LOG, queue="support", queued_at=LOG.queued_at + timedelta(seconds=61))
    assert not joinable(LOG, other_visit)
    assert joinable(LOG, LOG)
    assert joinable(CDR, LOG)
    far = replace(LOG, queued_at=START + timedelta(days=3, seconds=1))
    assert not joinable(CDR, far)


def test_a_call_counts_in_the_rollups_at_its_queue_entry_with_its_outcome() -> None:
    part = contribution(join(CDR, LOG))
    assert part is not None
    assert (part.queue, part.at, part.disposition) == ("sales", LOG.queued_at, Disposition.OVERFLOW)
    assert contribution(replace(CDR, queue=None)) is None
