"""Asterisk queue_log: events and the queue calls assembled from them, from the shared sample."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dataward.adapters.ingest.asterisk_queue_log import AsteriskQueueLogParser
from dataward.domain.calls.telephony import (
    BadRecord,
    Direction,
    Disposition,
    ParsedItem,
    Presentation,
    QueueEvent,
    QueueEventKind,
    RawCall,
    SourceLocation,
)
from tests.samples import SAMPLES

QUEUE_SAMPLE = SAMPLES / "asterisk_queue_log__assembled_from_public_examples.txt"
LONDON = ZoneInfo("Europe/London")
CALLER = "07700900123"  # Ofcom drama range


@pytest.fixture(scope="module")
def sample() -> list[ParsedItem]:
    if not QUEUE_SAMPLE.exists():
        pytest.skip(f"the shared queue_log sample is not at {QUEUE_SAMPLE}")
    with QUEUE_SAMPLE.open(encoding="utf-8") as stream:
        return list(AsteriskQueueLogParser().parse(stream, source="sample", tz=LONDON))


def _calls(items: list[ParsedItem]) -> dict[str, RawCall]:
    return {item.source_id: item for item in items if isinstance(item, RawCall)}


def _parse(text: str, parser: AsteriskQueueLogParser | None = None) -> list[ParsedItem]:
    parser = parser or AsteriskQueueLogParser()
    return list(parser.parse(io.StringIO(text), source="generated", tz=LONDON))


def test_every_sample_line_is_an_event(sample: list[ParsedItem]) -> None:
    events = [item for item in sample if isinstance(item, QueueEvent)]
    assert len(events) == 14
    assert not [item for item in sample if isinstance(item, BadRecord)]
    assert [event.location.line for event in events if event.location] == list(range(1, 15))


def test_non_call_events_have_no_call_queue_or_agent(sample: list[ParsedItem]) -> None:
    events = [item for item in sample if isinstance(item, QueueEvent)]
    queuestart, addmember = events[1], events[2]
    assert (queuestart.kind, queuestart.call_id, queuestart.queue, queuestart.agent) == (
        QueueEventKind.QUEUESTART,
        None,
        None,
        None,
    )
    assert (addmember.call_id, addmember.queue, addmember.agent) == (
        None,
        "sales",
        "SIP/0004f2040001",
    )
    assert queuestart.at == datetime.fromtimestamp(1596191926, UTC)


def test_the_abandoned_support_call_waited_68_seconds(sample: list[ParsedItem]) -> None:
    call = _calls(sample)["1596512941.163"]
    assert (call.queue, call.disposition, call.wait_s) == ("support", Disposition.ABANDONED, 68.0)
    assert call.answer is None
    assert call.start == datetime.fromtimestamp(1596512941, LONDON)
    assert call.end == datetime.fromtimestamp(1596513009, LONDON)
    assert call.direction is Direction.INBOUND
    assert call.format == "asterisk-queue-log"


def test_the_answered_call_in_queue_8000(sample: list[ParsedItem]) -> None:
    call = _calls(sample)["1699286234.123"]
    assert call.queue == "8000"
    assert (call.wait_s, call.ring_s, call.talk_s) == (6.0, 3.0, 25.0)
    assert call.agent_id == "7140"
    assert call.disposition is Disposition.ANSWERED
    assert call.start == datetime.fromtimestamp(1699286234, LONDON)
    assert call.answer == datetime.fromtimestamp(1699286240, LONDON)
    assert call.end == datetime.fromtimestamp(1699286265, LONDON)
    assert call.caller.number == "7145"


def test_the_call_rung_twice_then_connected_to_agent_2004(sample: list[ParsedItem]) -> None:
    call = _calls(sample)["1266833905.2"]
    assert call.agent_id == "2004"
    assert call.ring_s == 0.0  # two RINGNOANSWER of 0 ms, and no ringtime on its CONNECT
    assert (call.wait_s, call.talk_s) == (1.0, 3.0)
    assert call.disposition is Disposition.ANSWERED
    assert call.end == datetime.fromtimestamp(1266833935, LONDON)


def test_a_ring_without_enterqueue_is_an_event_and_not_a_call(sample: list[ParsedItem]) -> None:
    ring = sample[0]
    assert isinstance(ring, QueueEvent)
    assert (ring.kind, ring.call_id, ring.queue, ring.agent, ring.data) == (
        QueueEventKind.RINGNOANSWER,
        "1366720340.303267",
        "MYQUEUE",
        "SIP/8007",
        ("1000",),
    )
    assert "1366720340.303267" not in _calls(sample)
    assert not [item for item in sample if isinstance(item, BadRecord)]


def test_a_call_never_ended_is_flushed_as_unknown_past_the_horizon(
    sample: list[ParsedItem],
) -> None:
    calls = list(_calls(sample))
    assert calls == ["1596512941.163", "1596513054.164", "1699286234.123", "1266833905.2"]
    sales = _calls(sample)["1596513054.164"]
    assert (sales.queue, sales.disposition, sales.end) == ("sales", Disposition.UNKNOWN, None)
    flushed_at = next(i for i, item in enumerate(sample) if item is sales)
    flushing = sample[flushed_at - 1]
    assert isinstance(flushing, QueueEvent)
    assert flushing.location == SourceLocation("sample", 7)  # the first event 24 h later


def test_each_call_follows_the_event_that_completes_it(sample: list[ParsedItem]) -> None:
    for index, item in enumerate(sample):
        if isinstance(item, RawCall) and item.end is not None:
            before = sample[index - 1]
            assert isinstance(before, QueueEvent)
            assert before.call_id == item.source_id
            assert before.at == item.end


def test_sniff_is_confident_on_queue_log_only() -> None:
    if not SAMPLES.exists():
        pytest.skip(f"the shared samples are not at {SAMPLES}")
    parser = AsteriskQueueLogParser()
    assert parser.sniff(QUEUE_SAMPLE.read_text("utf-8").splitlines(keepends=True)) >= 0.9
    for other in SAMPLES.glob("*.csv"):
        assert parser.sniff(other.read_text("utf-8").splitlines()[:20]) == 0.0, other.name
    assert parser.sniff([]) == 0.0


def test_bad_lines_are_refused_with_line_and_reason_without_content() -> None:
    lines = [
        f"1772441000|1772441000.1|sales|NONE|ENTERQUEUE||{CALLER}|1",
        f"1772441001|{CALLER}|sales",
        f"{CALLER}x|1772441000.1|sales|NONE|ABANDON|1|1|1",
        "1772441002|1772441000.1|sales|NONE|SPYING|1",
        f"1772441003|1772441000.1|sales|SIP/2001|CONNECT|{CALLER}x|1772441000.2|1",
        "1772441004|1772441000.1|sales|SIP/2001|ATTENDEDTRANSFER|LINK|a|b|1|x|1",
        "",
        "1772441005|1772441000.1|sales|NONE|ABANDON|1|1|5",
    ]
    items = _parse("\n".join(lines) + "\n")
    bad = [item for item in items if isinstance(item, BadRecord)]
    assert [(record.location.line, record.reason) for record in bad] == [
        (2, "fields: expected at least 5, found 3"),
        (3, "time: not a time in seconds since 1970"),
        (4, "event: unknown"),
        (5, "holdtime: not a whole number of seconds"),
        (6, "calltime: not a whole number of seconds"),
    ]
    assert all(CALLER not in str(record) for record in bad)
    assert bad[0].raw == lines[1] + "\n"
    (call,) = _calls(items).values()
    assert (call.disposition, call.wait_s) == (Disposition.ABANDONED, 5.0)


@pytest.mark.parametrize(
    ("callerid", "presentation"),
    [("", Presentation.RESTRICTED), ("anonymous", Presentation.RESTRICTED)],
)
def test_a_withheld_caller_is_restricted(callerid: str, presentation: Presentation) -> None:
    text = (
        f"1772441000|1.1|sales|NONE|ENTERQUEUE||{callerid}|1\n"
        "1772441009|1.1|sales|NONE|ABANDON|1|1|9\n"
    )
    (call,) = _calls(_parse(text)).values()
    assert call.caller.presentation is presentation
    assert call.caller.number is None


def test_an_ending_without_its_enterqueue_is_reported_with_its_line() -> None:
    text = "1772441000|9.9|sales|SIP/2001|COMPLETECALLER|5|60|1\n"
    event, bad = _parse(text)
    assert isinstance(event, QueueEvent)
    assert isinstance(bad, BadRecord)
    assert bad.reason == "callid: COMPLETECALLER of a call not entered in this log"
    assert bad.location.line == 1
    assert bad.raw == text


def test_the_horizon_is_configurable() -> None:
    text = (
        "1772441000|1.1|sales|NONE|ENTERQUEUE||01134960001|1\n"
        "1772444600|2.2|sales|NONE|ENTERQUEUE||01134960002|1\n"
    )
    parser = AsteriskQueueLogParser(horizon=timedelta(minutes=30))
    items = _parse(text, parser)
    assert [type(item).__name__ for item in items] == [
        "QueueEvent",
        "QueueEvent",
        "RawCall",  # 1.1, flushed by the second event an hour later
        "RawCall",  # 2.2, flushed at the end of the stream
    ]


def test_calls_can_be_left_out() -> None:
    text = "1772441000|1.1|sales|NONE|ENTERQUEUE||01134960001|1\n"
    items = _parse(text, AsteriskQueueLogParser(assemble_calls=False))
    assert [type(item) for item in items] == [QueueEvent]
