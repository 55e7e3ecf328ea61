"""Asterisk cdr_custom (the sample mapping of 19 columns, every field quoted)."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from dataward.adapters.ingest.asterisk_cdr import (
    CDR_CUSTOM_DEFAULT,
    AsteriskCdrCsvParser,
    AsteriskCdrCustomParser,
    CdrColumns,
)
from dataward.domain.calls.telephony import BadRecord, Direction, Disposition, ParsedItem, RawCall
from tests.samples import SAMPLES

CUSTOM_SAMPLE = SAMPLES / "asterisk_cdr-custom_Master.csv__KelySaina-cdr.csv"
TZ = ZoneInfo("Indian/Antananarivo")  # the sample's author's zone; any zone will do
CALLER = "01134960123"  # Ofcom drama range


def _parse(text: str, parser: AsteriskCdrCustomParser | None = None) -> list[ParsedItem]:
    parser = parser or AsteriskCdrCustomParser()
    return list(parser.parse(io.StringIO(text), source="generated", tz=TZ))


@pytest.fixture(scope="module")
def sample() -> list[ParsedItem]:
    if not CUSTOM_SAMPLE.exists():
        pytest.skip(f"the shared cdr_custom sample is not at {CUSTOM_SAMPLE}")
    with CUSTOM_SAMPLE.open(encoding="utf-8", newline="") as stream:
        return list(AsteriskCdrCustomParser().parse(stream, source="sample", tz=TZ))


def _row(**fields: str) -> str:
    values = {
        "clid": f'"Reception" <{CALLER}>',
        "src": CALLER,
        "dst": "2001",
        "dcontext": "from-pstn",
        "channel": "PJSIP/trunk-0000000a",
        "dstchannel": "PJSIP/2001-0000000b",
        "lastapp": "Dial",
        "lastdata": "PJSIP/2001,20",
        "start": "2026-03-02 09:00:00",
        "answer": "2026-03-02 09:00:04",
        "end": "2026-03-02 09:01:04",
        "duration": "64",
        "billsec": "60",
        "disposition": "ANSWERED",
        "amaflags": "DOCUMENTATION",
        "accountcode": "",
        "uniqueid": "1772441000.7",
        "userfield": "",
        "sequence": "7",
    } | fields
    return (
        ",".join('"' + values[name].replace('"', '""') + '"' for name in CDR_CUSTOM_DEFAULT) + "\n"
    )


def test_every_sample_row_is_a_call_of_its_own(sample: list[ParsedItem]) -> None:
    assert not [item for item in sample if isinstance(item, BadRecord)]
    calls = [item for item in sample if isinstance(item, RawCall)]
    assert len(calls) == 14
    assert all(len(call.legs) == 1 for call in calls)
    assert [call.location.line for call in calls if call.location] == list(range(1, 15))
    assert calls[0].source_id == "1690325492.2"
    assert len({call.source_id for call in calls}) == 14


def test_the_sample_first_call_between_two_lab_endpoints(sample: list[ParsedItem]) -> None:
    call = sample[0]
    assert isinstance(call, RawCall)
    assert call.caller.number == "client1"
    assert call.caller.name is None  # `"" <client1>` has no name
    assert call.callee.number == "6789"
    assert call.start == datetime(2023, 7, 26, 1, 51, 32, tzinfo=TZ)
    assert call.answer == datetime(2023, 7, 26, 1, 51, 50, tzinfo=TZ)
    assert call.end == datetime(2023, 7, 26, 1, 52, 4, tzinfo=TZ)
    assert (call.legs[0].duration_s, call.talk_s) == (31.0, 13.0)
    assert call.agent_id == "client2"
    assert call.direction is Direction.INTERNAL
    assert call.format == "asterisk-cdr-custom"


def test_the_sample_no_answer_row_has_a_quoted_empty_answer(sample: list[ParsedItem]) -> None:
    call = sample[1]
    assert isinstance(call, RawCall)
    assert call.disposition is Disposition.NO_ANSWER
    assert call.answer is None
    assert call.talk_s == 0.0
    assert call.agent_id is None


@pytest.mark.usefixtures("sample")  # skips when the sample is absent
def test_sniff_tells_cdr_custom_from_cdr_csv() -> None:
    head = CUSTOM_SAMPLE.read_text("utf-8").splitlines(keepends=True)[:20]
    assert AsteriskCdrCustomParser().sniff(head) >= 0.9
    assert AsteriskCdrCsvParser().sniff(head) == 0.0
    assert AsteriskCdrCustomParser().sniff([]) == 0.0


def test_quoted_numbers_and_embedded_quotes_are_read() -> None:
    (call,) = _parse(_row(clid=f'"Jo "JJ", Smith" <{CALLER}>'))
    assert isinstance(call, RawCall)
    assert call.caller.name == 'Jo "JJ", Smith'
    assert call.talk_s == 60.0
    assert call.legs[0].leg_id == "1772441000.7#7"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('"a","b"\n', "columns: expected 19 or 20, found 2"),
        (_row(start="yesterday"), "start: not a date"),
        (_row(answer="2026-03-02T09:00:04"), "answer: not a date"),
        (_row(duration="sixty"), "duration: not a whole number of seconds"),
        (_row(billsec=""), "billsec: not a whole number of seconds"),
        (_row(sequence="x"), "sequence: not a whole number"),
        (_row(disposition="ANSWERED BY MACHINE"), "disposition: unknown"),
    ],
)
def test_a_bad_row_is_refused_by_field_and_line(line: str, reason: str) -> None:
    items = _parse(_row(uniqueid="1.1") + line + _row(uniqueid="1.3"))
    bad = [item for item in items if isinstance(item, BadRecord)]
    assert [(record.location.line, record.reason) for record in bad] == [(2, reason)]
    assert bad[0].raw == line
    assert sum(isinstance(item, RawCall) for item in items) == 2


def test_a_withheld_caller_keeps_no_number() -> None:
    (call,) = _parse(_row(src="anonymous", clid='"Anonymous" <anonymous>'))
    assert isinstance(call, RawCall)
    assert call.caller.withheld
    assert (call.caller.number, call.caller.name) == (None, None)


def test_another_mapping_is_a_list_of_column_names() -> None:
    names = ["start", "src", "dst", "clid", "channel", "dstchannel", "lastapp", "lastdata"]
    names += ["answer", "end", "duration", "billsec", "disposition", "uniqueid"]
    parser = AsteriskCdrCustomParser(columns=names)
    line = (
        f'"2026-03-02 09:00:00","{CALLER}","2001","","PJSIP/t-00000001","PJSIP/2001-00000002",'
        '"Dial","","2026-03-02 09:00:01","2026-03-02 09:00:31","31","30","ANSWERED","42.1"\n'
    )
    (call,) = _parse(line, parser)
    assert isinstance(call, RawCall)
    assert (call.source_id, call.talk_s, call.agent_id) == ("42.1", 30.0, "2001")


def test_a_mapping_without_the_fields_a_leg_needs_is_refused() -> None:
    with pytest.raises(ValueError, match="needs the columns billsec"):
        CdrColumns.from_names([name for name in CDR_CUSTOM_DEFAULT if name != "billsec"])
