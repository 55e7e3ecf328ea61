"""The benchmark call generator: its files read back through the real parsers, exactly."""

from __future__ import annotations

import io
import statistics
from collections import Counter
from functools import cache
from zoneinfo import ZoneInfo

import phonenumbers
import pytest
from bench.gen_calls import FORMATS, GenStats, Workload, generate, number_of

from dataward.adapters.ingest.detect import HEAD_LINES, detect_format, open_parser
from dataward.domain.calls.telephony import (
    BadRecord,
    Direction,
    Disposition,
    ParsedItem,
    Presentation,
    RawCall,
)

LONDON = ZoneInfo("Europe/London")
CALLS = 2000
NUMBERS = 5000


@cache
def _generated(
    fmt: str, *, calls: int = CALLS, numbers: int = NUMBERS, seed: int = 7
) -> tuple[str, GenStats]:
    out = io.StringIO(newline="")
    stats = generate(fmt, out, Workload(calls, numbers=numbers, seed=seed))
    return out.getvalue(), stats


@cache
def _parsed(fmt: str) -> tuple[ParsedItem, ...]:
    text, _ = _generated(fmt)
    parser = open_parser(fmt)
    return tuple(parser.parse(io.StringIO(text, newline=""), source="gen", tz=LONDON))


def _calls(fmt: str) -> list[RawCall]:
    return [item for item in _parsed(fmt) if isinstance(item, RawCall)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_line_parses_into_one_call_each(fmt: str) -> None:
    text, stats = _generated(fmt)
    assert not [item for item in _parsed(fmt) if isinstance(item, BadRecord)]
    assert stats.calls == CALLS
    assert len(_calls(fmt)) == CALLS
    assert len({call.source_id for call in _calls(fmt)}) == CALLS
    assert stats.lines == text.count("\n")


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_format_is_detected_from_the_first_lines(fmt: str) -> None:
    text, _ = _generated(fmt)
    head = text.splitlines()[:HEAD_LINES]
    assert detect_format(head).name == fmt


@pytest.mark.parametrize("fmt", FORMATS)
def test_outcomes_match_the_stats(fmt: str) -> None:
    _, stats = _generated(fmt)
    outcomes = Counter(call.disposition for call in _calls(fmt))
    assert outcomes[Disposition.ANSWERED] == stats.answered
    if fmt == "asterisk-queue-log":
        assert outcomes[Disposition.ABANDONED] == stats.abandoned
        assert outcomes[Disposition.OVERFLOW] == stats.overflow
    else:  # a CDR only says nobody answered
        assert outcomes[Disposition.NO_ANSWER] == stats.abandoned + stats.overflow
    assert stats.answered + stats.abandoned + stats.overflow == CALLS
    assert 0.80 < stats.answered / CALLS < 0.90
    assert 0.07 < stats.abandoned / CALLS < 0.13
    assert 0.03 < stats.overflow / CALLS < 0.07
    assert {call.direction for call in _calls(fmt)} == {Direction.INBOUND}


@pytest.mark.parametrize("fmt", FORMATS)
def test_withheld_callers_parse_as_withheld(fmt: str) -> None:
    _, stats = _generated(fmt)
    withheld = [c for c in _calls(fmt) if c.caller.presentation is Presentation.RESTRICTED]
    assert 0.01 < stats.withheld / CALLS < 0.05
    assert len(withheld) == stats.withheld
    assert all(call.caller.number is None for call in withheld)


@pytest.mark.parametrize("fmt", FORMATS)
def test_distinct_numbers_are_counted_as_the_parser_sees_them(fmt: str) -> None:
    _, stats = _generated(fmt)
    shown = {call.caller.number for call in _calls(fmt) if call.caller.number}
    assert len(shown) == stats.distinct_numbers
    written = {number_of(i) for i in range(NUMBERS)}
    if fmt == "broadworks-csv":  # BroadWorks writes every number in E.164
        written = {"+44" + n[1:] if n.startswith("0") else n for n in written}
    assert shown <= written


@pytest.mark.parametrize("fmt", ["asterisk-queue-log", "asterisk-cdr-csv", "broadworks-csv"])
def test_queues_and_agents_are_read(fmt: str) -> None:
    calls = _calls(fmt)
    assert all(call.queue for call in calls)
    assert 20 <= len({call.queue for call in calls}) <= 50
    agents = {call.agent_id for call in calls if call.disposition is Disposition.ANSWERED}
    assert None not in agents
    assert len(agents) > 100


def test_agents_are_extensions_2000_to_2299() -> None:
    for fmt in ("asterisk-queue-log", "asterisk-cdr-csv"):
        agents = {call.agent_id for call in _calls(fmt) if call.agent_id is not None}
        assert all(agent.isdigit() and 2000 <= int(agent) <= 2299 for agent in agents)


def test_the_formats_describe_the_same_calls() -> None:
    queue_log, cdr = _calls("asterisk-queue-log"), _calls("asterisk-cdr-csv")
    by_id = {call.source_id: call for call in cdr}
    for call in queue_log:
        other = by_id[call.source_id]
        assert (other.start, other.caller, other.queue) == (call.start, call.caller, call.queue)
        assert other.agent_id == call.agent_id
        assert other.talk_s == (call.talk_s or 0.0)


def test_some_calls_ring_an_agent_without_answer_first() -> None:
    text, _ = _generated("asterisk-queue-log")
    assert text.count("|RINGNOANSWER|") > CALLS // 20
    rung = [call for call in _calls("asterisk-queue-log") if call.ring_s]
    assert len(rung) > CALLS // 2


def test_the_same_seed_gives_the_same_bytes_and_another_seed_others() -> None:
    for fmt in FORMATS:
        first, _ = _generated(fmt)
        out = io.StringIO(newline="")
        generate(fmt, out, Workload(CALLS, numbers=NUMBERS, seed=7))
        assert out.getvalue() == first
        assert _generated(fmt, seed=8)[0] != first


def test_calls_fall_in_the_two_years_to_october_2026_mostly_in_office_hours() -> None:
    calls = _calls("asterisk-queue-log")
    starts = [call.start for call in calls]
    assert min(starts).year == 2024
    assert max(starts).date().isoformat() <= "2026-11-01"
    office = sum(1 for s in starts if s.weekday() < 5 and 9 <= s.hour < 17)
    assert office / len(starts) > 0.6


def test_a_few_numbers_call_far_more_than_most() -> None:
    text, stats = _generated("asterisk-queue-log", calls=20_000, numbers=5000)
    per_number = Counter(line.split("|")[6] for line in text.splitlines() if "|ENTERQUEUE|" in line)
    del per_number["anonymous"]
    counts = sorted(per_number.values(), reverse=True)
    assert len(counts) == stats.distinct_numbers
    assert per_number[number_of(0)] == counts[0]  # index 0 is the heaviest caller
    assert counts[0] > 50 * statistics.median(counts)
    assert sum(1 for c in counts if c <= 2) > len(counts) // 3


def test_every_number_is_a_possible_uk_number() -> None:
    indices = [*range(2000), *range(2000, 400_000_000, 997_331), 400_000_999]
    numbers = {number_of(i) for i in indices}
    assert len(numbers) == len(indices)
    for number in numbers:
        parsed = phonenumbers.parse(number, "GB")
        reason = phonenumbers.is_possible_number_with_reason(parsed)
        assert reason == phonenumbers.ValidationResult.IS_POSSIBLE, number
    assert any(number.startswith("+447") for number in numbers)
    assert len({number_of(i) for i in range(500_000)}) == 500_000  # the default tenant
    assert number_of(0) == "07700900000"  # Ofcom's drama range for the heaviest callers
    with pytest.raises(ValueError, match="out of range"):
        number_of(-1)


def test_nothing_is_written_for_no_calls_and_bad_arguments_are_refused() -> None:
    out = io.StringIO()
    assert generate("asterisk-queue-log", out, Workload(0, numbers=10)).calls == 0
    assert out.getvalue() == ""
    with pytest.raises(ValueError, match="unknown format"):
        generate("csv", out, Workload(1))
    with pytest.raises(ValueError, match="numbers"):
        generate("asterisk-cdr-csv", out, Workload(1, numbers=0))
