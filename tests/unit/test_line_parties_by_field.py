"""A bad line of its format's shape is indexed only from the fields that can name someone: its
times, durations and ids, whose digits read as numbers (the queue_log time `1632960123` as
01632 960123), name nobody. Every spelling party resolution reads is still found in a field
that can name someone, and a line of no shape its format knows is still searched whole."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dataward.adapters.ingest.asterisk_cdr import (
    CDR_CUSTOM_DEFAULT,
    AsteriskCdrCsvParser,
    AsteriskCdrCustomParser,
)
from dataward.adapters.ingest.asterisk_queue_log import AsteriskQueueLogParser
from dataward.adapters.ingest.broadworks import NOT_A_PARTY, BroadworksCsvParser
from dataward.adapters.ingest.freeswitch_cdr import COLUMNS, FreeswitchCdrCsvParser
from dataward.adapters.ingest.generic_csv import GenericCsvParser
from dataward.domain.calls.telephony import BadRecord
from dataward.domain.errors import InvalidIdentifier
from dataward.domain.identifiers import normalise_phone
from dataward.services.ports import Parser
from dataward.services.quarantine.ports import BY_FIELDS, BY_LINE
from dataward.services.quarantine.writer import parties_read
from tests.builders import a_tenant
from tests.fakes import FakeVault
from tests.strategies import SpeltNumber, spelt_numbers

TENANT = a_tenant("tenant-a")
MAPPING = Path("src/dataward/adapters/ingest/mappings/example.yaml")
CSV_HEADER = (
    "Call ID,Started,Answered,Ended,Direction,Result,From,From Name,CLI Privacy,To,Agent,"
    "Queue,Queue Time,Talk Time"
)
NOISE = {
    "epoch": "1632960123",  # 2021-09-30 00:02:03 UTC, or 01632 960123
    "uniqueid": "1632960123.5",
    "date": "2021-09-30 00:02:03",
    "spreadsheet-date": "2021/9/30 0:02",
    "uuid": "16329601-2345-4000-9001-234567890abc",
}
"""What a format writes in its time and id fields, each read as a number when searched whole."""


def _numbers(raw: str, parser: Parser | None) -> tuple[set[str], str]:
    """The numbers a bad line is indexed by, and where they were read."""
    parties, where = parties_read(FakeVault(), TENANT, raw, parser)
    prefix = b"tenant-a:phone:"
    return {i[len(prefix) :].decode() for i in parties if i.startswith(prefix)}, where


def _row(fields: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    return out.getvalue()


def _queue_log(party: str, noise: str) -> str:
    return f"{noise}|{noise}|sales|NONE|ENTERQUEUE||{party}|1\n"


def _cdr_csv(party: str, noise: str) -> str:
    """cdr_csv with every optional column (21): times, durations and ids all `noise`."""
    return _row(
        [
            "",
            party,
            "200",
            "from-pstn",
            "",
            "SIP/trunk",
            "SIP/200",
            "Dial",
            "SIP/200,30",
            noise,
            noise,
            noise,
            noise,
            noise,
            "ANSWERED",
            "DOCUMENTATION",
            noise,
            "",
            "",
            noise,
            noise,
        ]
    )


def _cdr_custom(party: str, noise: str) -> str:
    values = dict.fromkeys(CDR_CUSTOM_DEFAULT, "")
    values.update(src=party, dst="200", channel="PJSIP/client1", disposition="ANSWERED")
    for name in ("start", "answer", "end", "duration", "billsec", "uniqueid", "sequence"):
        values[name] = noise
    return _row([values[name] for name in CDR_CUSTOM_DEFAULT])


def _freeswitch(party: str, noise: str) -> str:
    values = dict.fromkeys(COLUMNS, "")
    values.update(caller_id_number=party, destination_number="200", context="public")
    values.update(hangup_cause="NORMAL_CLEARING", read_codec="PCMU", write_codec="PCMU")
    for name in (
        "start_stamp",
        "answer_stamp",
        "end_stamp",
        "duration",
        "billsec",
        "uuid",
        "bleg_uuid",
    ):
        values[name] = noise
    return _row([values[name] for name in COLUMNS])


def _broadworks(party: str, noise: str) -> str:
    fields = [""] * 350
    for number in NOT_A_PARTY:
        fields[number - 1] = noise
    fields[2], fields[5], fields[6], fields[120] = "Normal", "Terminating", party, "agent.one"
    return _row(fields)


def _generic(party: str, noise: str) -> str:
    return _row(
        [
            noise,
            noise,
            noise,
            noise,
            "IN",
            "ANSWERED",
            party,
            "",
            "SHOWN",
            "",
            "200",
            "sales",
            noise,
            noise,
        ]
    )


def _generic_parser() -> GenericCsvParser:
    """The example mapping's parser, its header read (as an ingest reads it before any row)."""
    parser = GenericCsvParser.from_file(MAPPING)
    items = parser.parse(io.StringIO(CSV_HEADER + "\n"), source="t", tz=TENANT.zone)
    assert not any(isinstance(item, BadRecord) for item in items)
    return parser


FORMATS: dict[str, tuple[Callable[[], Parser], Callable[[str, str], str]]] = {
    "asterisk-queue-log": (AsteriskQueueLogParser, _queue_log),
    "asterisk-cdr-csv": (AsteriskCdrCsvParser, _cdr_csv),
    "asterisk-cdr-custom": (AsteriskCdrCustomParser, _cdr_custom),
    "freeswitch-cdr-csv": (FreeswitchCdrCsvParser, _freeswitch),
    "broadworks-csv": (BroadworksCsvParser, _broadworks),
    "generic-csv": (_generic_parser, _generic),
}


@pytest.mark.parametrize("noise", list(NOISE.values()), ids=list(NOISE))
@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_lines_times_durations_and_ids_name_nobody(fmt: str, noise: str) -> None:
    make_parser, line = FORMATS[fmt]
    raw = line("", noise)
    assert _numbers(raw, None)[0]  # searched whole, the noise reads as someone's number

    assert _numbers(raw, make_parser()) == (set(), BY_FIELDS)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_the_caller_in_a_party_field_is_found_beside_the_noise(fmt: str) -> None:
    make_parser, line = FORMATS[fmt]
    raw = line("07700 900123", NOISE["uniqueid"])

    assert _numbers(raw, make_parser()) == ({"+447700900123"}, BY_FIELDS)


def test_an_unknown_events_data_fields_are_all_searched() -> None:
    """The review's line: a time that reads as 01632 960123, another caller in the data."""
    raw = "1632960123|b1|sales|NONE|NOSUCHEVENT||07700900884|1\n"
    assert _numbers(raw, AsteriskQueueLogParser()) == ({"+447700900884"}, BY_FIELDS)


def test_a_known_events_durations_and_bridged_uniqueid_name_nobody() -> None:
    parser = AsteriskQueueLogParser()
    connect = "1632960123x|1632960100.7|sales|SIP/200|CONNECT|1632960|1632960100.8|1632960\n"
    assert _numbers(connect, parser) == (set(), BY_FIELDS)
    transfer = "1632960123x|b1|sales|SIP/200|ATTENDEDTRANSFER|BRIDGE|b2|1632960|1632960|1\n"
    assert _numbers(transfer, parser) == (set(), BY_FIELDS)


@pytest.mark.parametrize(
    ("fmt", "raw"),
    [
        ("asterisk-queue-log", "1632960123|b1|sales|NONE\n"),  # four fields
        ("asterisk-cdr-csv", '"1632960123","x"'),
        ("asterisk-cdr-custom", '"1632960123",' * 20 + '"x"'),  # 21 columns
        ("freeswitch-cdr-csv", '"1632960123","x","y"'),
        ("broadworks-csv", "1632960123,x,Normal"),
        ("generic-csv", "1632960123,x"),
        ("asterisk-cdr-csv", '"' + "1632960123," * 16 + "x"),  # not valid CSV
    ],
)
def test_a_line_of_no_known_shape_is_still_searched_whole(fmt: str, raw: str) -> None:
    make_parser, _line = FORMATS[fmt]
    assert _numbers(raw, make_parser()) == ({"+441632960123"}, BY_LINE)


def test_a_line_too_long_is_searched_whole_by_the_matcher() -> None:
    raw = _queue_log("07700 900123", "1632960123") + "|" + "y" * 9000
    assert _numbers(raw, AsteriskQueueLogParser())[1] == BY_LINE


def test_a_generic_csv_column_mapped_to_an_id_and_a_party_is_searched() -> None:
    """A header names the column once, the mapping twice (ignoring case): it is both."""
    parser = _generic_parser()
    columns = parser.mapping.columns.model_copy(update={"caller_number": "call id"})
    mapping = parser.mapping.model_copy(update={"columns": columns})
    shared = GenericCsvParser(mapping)
    list(shared.parse(io.StringIO(CSV_HEADER + "\n"), source="t", tz=TENANT.zone))
    found, _where = _numbers(_generic("", "07700900123"), shared)
    assert found == {"+447700900123"}


def test_a_generic_csv_whose_header_is_not_read_yet_is_searched_whole() -> None:
    parser = GenericCsvParser.from_file(MAPPING)
    assert parser.party_fields(_generic("", "1632960123")) is None


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    number=spelt_numbers(),
    fmt=st.sampled_from(list(FORMATS)),
    noise=st.sampled_from(list(NOISE.values())),
)
def test_any_spelling_party_resolution_accepts_is_found_in_a_party_field(
    number: SpeltNumber, fmt: str, noise: str
) -> None:
    try:
        accepted = normalise_phone(number.text, "GB")
    except InvalidIdentifier:
        accepted = None
    assume(accepted == number.e164)  # a spelling a caller's party would be resolved from
    make_parser, line = FORMATS[fmt]
    found, where = _numbers(line(number.text, noise), make_parser())
    assert where == BY_FIELDS
    assert number.e164 in found
