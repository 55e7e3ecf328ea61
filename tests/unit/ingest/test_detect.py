"""Format detection on the real samples, refusal of what no parser knows, `--format` override."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo

import pytest

from dataward.adapters.ingest import detect
from dataward.adapters.ingest.broadworks import BroadworksCsvParser
from dataward.adapters.ingest.detect import (
    PARSERS,
    FormatUnknown,
    ParserEntry,
    available_formats,
    detect_file,
    detect_format,
    open_parser,
    open_source,
    read_head,
    source_encoding,
)
from dataward.adapters.ingest.freeswitch_cdr import FreeswitchCdrCsvParser
from dataward.adapters.ingest.generic_csv import GenericCsvParser
from dataward.domain.calls.telephony import RawCall
from dataward.domain.errors import InvalidValue
from tests.samples import SAMPLES
from tests.unit.ingest.test_broadworks import A_CALL, broadworks_csv

EXAMPLE_MAPPING = Path(detect.__file__).parent / "mappings" / "example.yaml"
FREESWITCH_SAMPLE = (
    SAMPLES / "freeswitch_cdr-csv_example-template_Master.csv__Kxingyunliushui-freeswitch_tools.csv"
)
DICTIONARY = SAMPLES / "broadworks_cdr_field_numbers__FreeRADIUS_dictionary.broadsoft.txt"


def _written(module: str) -> bool:
    return importlib.util.find_spec(f"dataward.adapters.ingest.{module}") is not None


def _sample(file: str, expected: str, module: str) -> object:
    marks = [
        pytest.mark.skipif(not (SAMPLES / file).exists(), reason=f"sample {file} not found"),
        pytest.mark.skipif(not _written(module), reason=f"the {module} parser is not written yet"),
    ]
    return pytest.param(file, expected, marks=marks, id=expected)


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        _sample(
            "asterisk_cdr-csv_Master.csv__mineevburyat-dj-asterisk-cdr__PSEUDONYMISED.csv",
            "asterisk-cdr-csv",
            "asterisk_cdr",
        ),
        _sample(
            "asterisk_cdr-custom_Master.csv__KelySaina-cdr.csv",
            "asterisk-cdr-custom",
            "asterisk_cdr",
        ),
        _sample(
            "asterisk_queue_log__assembled_from_public_examples.txt",
            "asterisk-queue-log",
            "asterisk_queue_log",
        ),
        _sample(FREESWITCH_SAMPLE.name, "freeswitch-cdr-csv", "freeswitch_cdr"),
    ],
)
def test_each_real_sample_is_detected_as_its_format(file: str, expected: str) -> None:
    result = detect_file(SAMPLES / file)
    assert result.name == expected
    assert result.confidence >= detect.CONFIDENT
    assert result.runner_up != expected
    assert result.runner_up_confidence < result.confidence


def test_a_broadworks_export_with_a_header_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "cdrs.csv"
    path.write_text(broadworks_csv(A_CALL, {1: "0001-rec-000002", 6: "Originating"}, header=True))
    assert detect_file(path).name == "broadworks-csv"


def test_real_freeswitch_output_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "Master.csv"
    path.write_text(
        '"Test","02079460123","01134960456","public","2026-07-01 09:00:00","",'
        '"2026-07-01 09:00:30","30","0","NO_ANSWER","5b0c7f1e-0000-4000-8000-000000000001",'
        '"","","PCMA","PCMA"\n'
    )
    assert detect_file(path).name == "freeswitch-cdr-csv"


@pytest.mark.skipif(not DICTIONARY.exists(), reason=f"BroadWorks dictionary not at {DICTIONARY}")
def test_the_broadworks_dictionary_sample_is_a_field_list_not_a_cdr_file() -> None:
    with pytest.raises(FormatUnknown, match="no known format recognised"):
        detect_file(DICTIONARY)


def test_a_random_text_file_is_refused_naming_the_file_and_format_option(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Shopping list\nmilk, eggs, bread\n\nRemember the meeting at 10.\n")
    with pytest.raises(FormatUnknown) as caught:
        detect_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: no known format recognised (best guess ")
    assert "name the format with --format (" in message
    assert "freeswitch-cdr-csv" in message
    assert "broadworks-csv" in message
    assert "generic-csv" in message
    assert caught.value.source == str(path)


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("\n\n")
    with pytest.raises(FormatUnknown, match=r"empty.csv: the file is empty"):
        detect_file(path)


@pytest.mark.skipif(not FREESWITCH_SAMPLE.exists(), reason="shared FreeSWITCH sample not found")
def test_the_explicit_format_wins_over_detection(tmp_path: Path) -> None:
    assert detect_file(FREESWITCH_SAMPLE).name == "freeswitch-cdr-csv"
    mapping = tmp_path / "positional.yaml"
    mapping.write_text(
        "header: false\ntimestamp_formats: ['%Y/%m/%d %H:%M']\n"
        "columns: {source_id: 11, start: 5, end: 7, caller_number: 2, talk_s: 9}\n"
    )
    parser = open_parser("generic-csv", mapping=mapping)
    assert isinstance(parser, GenericCsvParser)
    with open_source(FREESWITCH_SAMPLE) as stream:
        items = list(parser.parse(stream, source="x", tz=ZoneInfo("UTC")))
    assert len(items) == 10
    assert {item.format for item in items if isinstance(item, RawCall)} == {"generic-csv"}
    assert isinstance(open_parser("broadworks-csv"), BroadworksCsvParser)


def test_open_parser_makes_each_sniffable_parser() -> None:
    assert isinstance(open_parser("freeswitch-cdr-csv"), FreeswitchCdrCsvParser)
    for name in available_formats():
        if name != "generic-csv":
            assert open_parser(name).name == name


def test_an_unknown_format_name_lists_the_known_ones() -> None:
    with pytest.raises(FormatUnknown) as caught:
        open_parser("freeswitch-xml")
    assert str(caught.value).startswith("there is no format of that name; ")
    assert "freeswitch-xml" not in str(caught.value)
    assert "broadworks-csv" in str(caught.value)


def test_generic_csv_needs_a_mapping_and_the_others_take_none(tmp_path: Path) -> None:
    with pytest.raises(InvalidValue, match=r"^mapping: .* pass --mapping FILE"):
        open_parser("generic-csv")
    with pytest.raises(InvalidValue, match=r"^mapping: for generic-csv only"):
        open_parser("broadworks-csv", mapping=tmp_path / "m.yaml")
    assert isinstance(open_parser("generic-csv", mapping=EXAMPLE_MAPPING), GenericCsvParser)


def test_a_parser_module_not_written_yet_leaves_the_others_working(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registry = {
        **PARSERS,
        "future-format": ParserEntry("not_written_yet", "FutureParser"),
        "half-written": ParserEntry("freeswitch_cdr", "NoSuchClass"),
    }
    monkeypatch.setattr(detect, "PARSERS", MappingProxyType(registry))
    assert "future-format" not in available_formats()
    assert "half-written" not in available_formats()
    head = broadworks_csv(A_CALL).splitlines()
    assert detect_format(head).name == "broadworks-csv"
    with pytest.raises(FormatUnknown, match="the future-format parser is not in this build"):
        open_parser("future-format")


def test_two_formats_equally_sure_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    twins = {
        "freeswitch-cdr-csv": PARSERS["freeswitch-cdr-csv"],
        "freeswitch-twin": ParserEntry("freeswitch_cdr", "FreeswitchCdrCsvParser"),
    }
    monkeypatch.setattr(detect, "PARSERS", MappingProxyType(twins))
    line = (
        '"a","02079460123","b","public","2026-07-01 09:00:00","","","0","0","NO_ANSWER",'
        '"5b0c7f1e-0000-4000-8000-000000000001","","","",""'
    )
    with pytest.raises(FormatUnknown, match="fits freeswitch-cdr-csv and freeswitch-twin equally"):
        detect_format([line], source="both.csv")


def test_read_head_drops_a_byte_order_mark_and_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfone,two\r\nthree\r\n" + b"x\n" * 50)
    assert source_encoding(path) == "utf-8-sig"
    head = read_head(path)
    assert head[:2] == ["one,two", "three"]
    assert len(head) == 20
    assert read_head(path, n=1) == ["one,two"]


def test_a_file_that_is_not_utf8_is_read_as_latin1(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes('"Zoë Test","02079460123"\n'.encode("latin-1"))
    assert source_encoding(path) == "latin-1"
    assert read_head(path) == ['"Zoë Test","02079460123"']


def test_a_bad_byte_past_the_sample_is_replaced_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    path.write_bytes(b"a,b\n" * 20_000 + b"caf\xe9,02079460123\n")
    assert source_encoding(path) == "utf-8-sig"
    with open_source(path) as stream:
        last = stream.read().splitlines()[-1]
    assert last == "caf\ufffd,02079460123"
