"""Queue calls assembled from queue events: the pure rules of domain.calls.queue_calls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataward.domain.calls.parties import (
    agent_id_from_interface,
    caller_party,
    looks_like_extension,
)
from dataward.domain.calls.queue_calls import assemble_queue_calls
from dataward.domain.calls.telephony import (
    BadRecord,
    Disposition,
    Presentation,
    QueueEvent,
    QueueEventKind,
    RawCall,
    SourceLocation,
)

K = QueueEventKind
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CALLER = "01134960042"  # Ofcom drama range


def event(
    seconds: float,
    kind: QueueEventKind,
    *data: str,
    call: str | None = "c1",
    agent: str | None = None,
    queue: str = "sales",
) -> QueueEvent:
    where = SourceLocation("test", int(seconds))
    at = T0 + timedelta(seconds=seconds)
    return QueueEvent(at, call, queue, agent, kind, tuple(data), where)


def enter(seconds: float = 0, call: str = "c1", callerid: str = CALLER) -> QueueEvent:
    return event(seconds, K.ENTERQUEUE, "", callerid, "1", call=call)


def assemble(
    *events: QueueEvent, horizon: timedelta = timedelta(hours=24)
) -> list[RawCall | BadRecord]:
    return list(assemble_queue_calls(events, tz=UTC, horizon=horizon))


def only_call(*events: QueueEvent) -> RawCall:
    (call,) = assemble(*events)
    assert isinstance(call, RawCall)
    return call


def test_an_answered_call_has_its_wait_ring_talk_and_agent() -> None:
    call = only_call(
        enter(0),
        event(5, K.RINGNOANSWER, "2500", agent="SIP/2001"),
        event(12, K.CONNECT, "12", "c1.2", "4", agent="SIP/2002"),
        event(72, K.COMPLETEAGENT, "12", "60", "1", agent="SIP/2002"),
    )
    assert call.disposition is Disposition.ANSWERED
    assert (call.wait_s, call.ring_s, call.talk_s) == (12.0, 6.5, 60.0)
    assert call.agent_id == "2002"
    assert (call.start, call.answer, call.end) == (
        T0,
        T0 + timedelta(seconds=12),
        T0 + timedelta(seconds=72),
    )
    assert call.caller.number == CALLER
    assert call.queue == "sales"
    assert call.location == SourceLocation("test", 0)


@pytest.mark.parametrize(
    ("ending", "talk"),
    [
        (event(90, K.TRANSFER, "2100", "from-internal", "10", "80", "1"), 80.0),
        (event(90, K.BLINDTRANSFER, "2100", "from-internal", "10", "75", "1"), 75.0),
        (event(90, K.ATTENDEDTRANSFER, "BRIDGE", "b1", "10", "70", "1"), 70.0),
        (event(90, K.ATTENDEDTRANSFER, "LINK", "chan-a", "chan-b", "10", "65", "1"), 65.0),
    ],
)
def test_a_transferred_call_talks_for_its_calltime(ending: QueueEvent, talk: float) -> None:
    call = only_call(enter(0), event(10, K.CONNECT, "10", "c1.2", "2", agent="2001"), ending)
    assert call.disposition is Disposition.ANSWERED
    assert call.talk_s == talk


@pytest.mark.parametrize(
    ("ending", "disposition", "wait"),
    [
        (event(40, K.ABANDON, "3", "1", "40"), Disposition.ABANDONED, 40.0),
        (event(300, K.EXITWITHTIMEOUT, "2", "1", "300"), Disposition.OVERFLOW, 300.0),
        (event(1, K.EXITEMPTY, "1", "1", "1"), Disposition.OVERFLOW, 1.0),
        (event(25, K.EXITWITHKEY, "5", "1", "1", "25"), Disposition.OVERFLOW, 25.0),
    ],
)
def test_a_call_leaving_the_queue_unanswered_keeps_its_wait(
    ending: QueueEvent, disposition: Disposition, wait: float
) -> None:
    call = only_call(enter(0), ending)
    assert (call.disposition, call.wait_s, call.answer, call.talk_s) == (
        disposition,
        wait,
        None,
        None,
    )
    assert call.end == ending.at


def test_a_completion_without_connect_still_counts_as_answered() -> None:
    call = only_call(enter(0), event(50, K.COMPLETECALLER, "20", "30", "1", agent="SIP/2003"))
    assert (call.wait_s, call.talk_s, call.agent_id) == (20.0, 30.0, "2003")
    assert call.answer == T0 + timedelta(seconds=20)


def test_events_about_no_call_or_an_unknown_call_make_no_call() -> None:
    results = assemble(
        event(0, K.QUEUESTART, call=None),
        event(1, K.RINGNOANSWER, "1000", call="elsewhere", agent="SIP/8007"),
        event(2, K.CONNECT, "1", "x", call="elsewhere"),
        event(3, K.AGENTLOGIN, call="elsewhere"),
    )
    assert results == []


def test_an_ending_for_a_call_not_entered_is_a_bad_record() -> None:
    (bad,) = assemble(event(9, K.ABANDON, "1", "1", "9", call="elsewhere"))
    assert isinstance(bad, BadRecord)
    assert bad.reason == "callid: ABANDON of a call not entered in this log"
    assert bad.location == SourceLocation("test", 9)


def test_a_call_open_past_the_horizon_is_flushed_when_the_log_moves_on() -> None:
    results = assemble(
        enter(0, "old"),
        enter(60, "connected"),
        event(70, K.CONNECT, "10", "x", "1", call="connected", agent="2001"),
        enter(25 * 3600, "new"),
    )
    calls = [result for result in results if isinstance(result, RawCall)]
    assert [(c.source_id, c.disposition, c.end) for c in calls] == [
        ("old", Disposition.UNKNOWN, None),
        ("connected", Disposition.ANSWERED, None),  # answered, still talking when cut off
        ("new", Disposition.UNKNOWN, None),  # flushed at the end of the events
    ]
    assert calls[1].talk_s is None
    assert calls[1].wait_s == 10.0


def test_the_horizon_and_the_open_call_limit_are_configurable() -> None:
    hour = assemble(enter(0, "a"), enter(3601, "b"), horizon=timedelta(hours=1))
    assert [c.source_id for c in hour if isinstance(c, RawCall)] == ["a", "b"]
    capped = assemble_queue_calls((enter(n, f"c{n}") for n in range(5)), tz=UTC, max_open=2)
    first = next(capped)
    assert isinstance(first, RawCall)
    assert first.source_id == "c0"  # closed as the third call entered


def test_a_call_entered_again_closes_its_earlier_visit() -> None:
    results = assemble(
        enter(0, "c1"),
        event(30, K.CONNECT, "30", "c1.2", "1", agent="2001"),
        enter(40, "c1"),
        event(80, K.ABANDON, "1", "1", "40"),
    )
    assert [(c.source_id, c.disposition) for c in results if isinstance(c, RawCall)] == [
        ("c1", Disposition.ANSWERED),
        ("c1", Disposition.ABANDONED),
    ]


def test_times_are_given_in_the_requested_zone() -> None:
    london = ZoneInfo("Europe/London")
    (call,) = assemble_queue_calls([enter(0), event(5, K.ABANDON, "1", "1", "5")], tz=london)
    assert isinstance(call, RawCall)
    assert call.start.tzinfo is london
    assert call.start == T0


@pytest.mark.parametrize(
    ("interface", "agent"),
    [
        ("SIP/8007", "8007"),
        ("PJSIP/7140", "7140"),
        ("Local/2004@from-internal/n", "2004"),
        ("Local/2004@from-queue/n;1", "2004"),
        ("Agent/1001", "1001"),
        ("7140", "7140"),
        ("PJSIP/client2", "client2"),
        ("Local/07700900123@from-trunk/n", None),
        ("SIP/+447700900123", None),
        ("SIP/trunk07700900123", None),
        ("DAHDI/1", None),
        ("Jo Smith", None),
        ("", None),
    ],
)
def test_the_agent_is_the_interfaces_extension(interface: str, agent: str | None) -> None:
    assert agent_id_from_interface(interface) == agent


@pytest.mark.parametrize(
    ("number", "name", "presentation", "kept"),
    [
        (CALLER, "Reception", Presentation.ALLOWED, (CALLER, "Reception")),
        ("+441134960042", None, Presentation.ALLOWED, ("+441134960042", None)),
        ("anonymous", "Jo", Presentation.RESTRICTED, (None, None)),
        ("Restricted", None, Presentation.RESTRICTED, (None, None)),
        ("PRIVATE", None, Presentation.RESTRICTED, (None, None)),
        ("withheld", None, Presentation.RESTRICTED, (None, None)),
        ("", "Anonymous", Presentation.RESTRICTED, (None, None)),
        ("unavailable", None, Presentation.UNAVAILABLE, (None, None)),
        ("Unknown", None, Presentation.UNAVAILABLE, (None, None)),
        ("", None, Presentation.UNAVAILABLE, (None, None)),
        ("client1", None, Presentation.ALLOWED, ("client1", None)),
    ],
)
def test_withheld_caller_words_keep_no_number(
    number: str, name: str | None, presentation: Presentation, kept: tuple[str | None, ...]
) -> None:
    party = caller_party(number, name)
    assert party.presentation is presentation
    assert (party.number, party.name) == kept


def test_an_empty_queue_caller_id_counts_as_withheld() -> None:
    # with log-restricted-caller-id=no Asterisk blanks the caller ID of a withheld caller
    assert caller_party("", empty=Presentation.RESTRICTED).presentation is Presentation.RESTRICTED
    call = only_call(enter(0, callerid=""), event(5, K.ABANDON, "1", "1", "5"))
    assert call.caller.presentation is Presentation.RESTRICTED


@given(st.from_regex(r"[0-9]{7,15}", fullmatch=True))
def test_no_run_of_seven_or_more_digits_is_an_extension(number: str) -> None:
    assert not looks_like_extension(number)
    assert not looks_like_extension(f"ext{number}")
    assert agent_id_from_interface(f"SIP/{number}") is None


@given(
    hold=st.integers(0, 3600),
    rings=st.lists(st.integers(0, 60_000), max_size=5),
    connect_ring=st.integers(0, 120),
    talk=st.integers(0, 36_000),
)
def test_the_assembled_times_match_the_logged_fields(
    hold: int, rings: list[int], connect_ring: int, talk: int
) -> None:
    events = [enter(0)]
    events += [event(1, K.RINGNOANSWER, str(ms), agent="SIP/2001") for ms in rings]
    events += [event(hold, K.CONNECT, str(hold), "c1.9", str(connect_ring), agent="SIP/2002")]
    events += [event(hold + talk, K.COMPLETECALLER, str(hold), str(talk), "1")]
    call = only_call(*events)
    assert call.answer is not None
    assert call.end is not None
    assert (call.answer - call.start).total_seconds() == call.wait_s == hold
    assert (call.end - call.answer).total_seconds() == call.talk_s == talk
    assert call.ring_s == pytest.approx(sum(rings) / 1000 + connect_ring)
