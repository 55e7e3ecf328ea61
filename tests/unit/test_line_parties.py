"""Who an unreadable line might name: every spelling of a number party resolution reads, the
agent ids where the format puts them, and no more than a bounded number of either."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dataward.domain.calls.line_parties import MAX_LINE, MAX_PARTIES, agent_candidates
from dataward.domain.errors import InvalidIdentifier
from dataward.domain.identifiers import normalise_phone
from dataward.services.quarantine.writer import line_parties
from tests.builders import a_tenant
from tests.fakes import FakeVault
from tests.strategies import SpeltNumber, line_around, spelt_numbers

NUMBER = "+447700900123"
TENANT = a_tenant("tenant-a")


def _numbers(line: str, region: str = "GB", fields: tuple[str, ...] = ()) -> set[str]:
    """The numbers a quarantined line is indexed by, as the ingest indexes it."""
    tenant = a_tenant("tenant-a", region=region)
    prefix = b"tenant-a:phone:"
    return {
        index[len(prefix) :].decode()
        for index in line_parties(FakeVault(), tenant, line, fields)
        if index.startswith(prefix)
    }


def _agents(line: str, fields: tuple[str, ...] = ()) -> set[str]:
    prefix = b":agent_id:tenant-a/"
    return {
        index[len(prefix) :].decode()
        for index in line_parties(FakeVault(), TENANT, line, fields)
        if index.startswith(prefix)
    }


@pytest.mark.parametrize(
    "line",
    [
        "1764000000x|1.1|sales|NONE|ENTERQUEUE||07700900123|1",
        '"2026-11-25 10:00:00","+44 7700 900123","200"',
        "caller=447700900123;queue=sales",
        "from 0044 7700 900123 to reception",
        "+44 (0)7700 900-123,ANSWERED",
        "(07700) 900123",
        "SIP/07700900123-0000002a,Local/200@from-internal",
        "x 07700 900123 1 queue",  # a field after it, joined by the same separator
        "tel07700900123",
        # spellings party resolution reads that a search for ASCII separators missed:
        "x|07700\u2013900123|1",  # en dash
        "x|07700/900123|1",
        "x|[07700]900123|1",
        "x|07700    900123|1",  # four spaces
        "x|07700\u2010900123|1",  # Unicode hyphen
        "x|07700\uff0d900123|1",  # fullwidth hyphen-minus
        "x|07700\u00ad900123|1",  # soft hyphen
        "x|0 7 7 0 0 9 0 0 1 2 3|1",  # one digit a group
        "x|+4 4 7 7 0 0 9 0 0 1 2 3|1",
    ],
)
def test_every_spelling_of_a_number_is_found(line: str) -> None:
    assert NUMBER in _numbers(line)


# Many generated spellings are ones party resolution refuses (and so need not be found):
# filtering them out is the point, so the filter check is off for this test.
@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(number=spelt_numbers(), data=st.data())
def test_any_spelling_party_resolution_accepts_is_found_in_any_line(
    number: SpeltNumber, data: st.DataObject
) -> None:
    try:
        accepted = normalise_phone(number.text, "GB")
    except InvalidIdentifier:
        accepted = None
    assume(accepted == number.e164)  # a spelling a caller's party would be resolved from
    line = data.draw(line_around(number.text))
    assert number.e164 in _numbers(line)


def test_numbers_are_read_in_the_tenants_region() -> None:
    assert "+79242659551" in _numbers("1,89242659551,2", region="RU")
    assert "+79242659551" not in _numbers("1,89242659551,2", region="GB")


def test_a_line_without_digits_names_no_number() -> None:
    assert _numbers("ENTERQUEUE|sales|NONE") == set()


def test_a_plus_starts_a_new_number() -> None:
    found = _numbers("07700 900123 +33 1 23 45 67 89")
    assert {"+447700900123", "+33123456789"} <= found


@pytest.mark.parametrize(
    ("line", "agent"),
    [
        ("1764000005|1.1|sales|SIP/200|CONNECT|5|1.19|1", "200"),
        ("1764000005|1.1|sales|Local/2004@from-internal/n|CONNECT|5|1.19|1", "2004"),
        ('"SIP/301-00000004","ANSWERED"', "301"),
        ("PJSIP/client2;x", "client2"),
    ],
)
def test_agent_ids_are_found_in_interfaces_and_channels(line: str, agent: str) -> None:
    assert agent in _agents(line)


def test_an_agent_field_is_taken_as_written_and_as_an_interfaces_peer() -> None:
    assert _agents("c2,not a date,x", ("agent.one@example.test",)) == {"agent.one@example.test"}
    assert {"SIP/4711", "4711"} <= _agents("1|b|q|SIP/4711|CONNECT|5|b19|1", ("SIP/4711",))


def test_a_bare_number_outside_the_agent_fields_is_no_agent() -> None:
    """A wait of 200 seconds is not agent 200: only where the format puts agents counts."""
    assert _agents("1764000300x|b1|sales|NONE|ABANDON|1|1|200", ("NONE",)) == {"NONE"}
    assert "200" not in _agents("200,300,400")


def test_a_number_is_not_an_agent_id() -> None:
    assert "07700900123" not in _agents("SIP/07700900123-00000001")


def test_a_trunk_is_not_an_agent() -> None:
    assert list(agent_candidates((), "DAHDI/1-1,SIP/200")) == ["200"]


def test_a_line_is_indexed_by_at_most_a_bounded_number_of_parties() -> None:
    noise = random.Random(1)  # noqa: S311 - noise, not a secret
    line = "x|" + " ".join(str(noise.randint(0, 99)) for _ in range(3000))  # about 8 KiB
    line += "|" + ",".join(f"SIP/{200 + n}" for n in range(40))
    parties = line_parties(FakeVault(), TENANT, line, ("SIP/999",))
    assert 0 < len(parties) <= MAX_PARTIES
    assert b":agent_id:tenant-a/999" in parties  # agent fields come first


def test_a_line_too_long_is_searched_by_the_matcher_alone() -> None:
    line = "x|" + "y" * MAX_LINE + "|07700 900123|" + "1 2 3 4 5 6 7 8 9 " * 10
    assert _numbers(line) == {NUMBER}
