"""Who an unreadable line might name: every spelling of a number, every extension."""

from __future__ import annotations

import pytest

from dataward.domain.errors import InvalidIdentifier
from dataward.domain.identifiers import normalise_phone
from dataward.domain.line_parties import agent_candidates, phone_candidates

NUMBER = "+447700900123"


def _numbers(line: str, region: str = "GB") -> set[str]:
    found: set[str] = set()
    for candidate in phone_candidates(line):
        try:
            found.add(normalise_phone(candidate, region))
        except InvalidIdentifier:
            continue
    return found


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
    ],
)
def test_every_spelling_of_a_number_is_found(line: str) -> None:
    assert NUMBER in _numbers(line)


def test_numbers_are_read_in_the_tenants_region() -> None:
    assert "+79242659551" in _numbers("1,89242659551,2", region="RU")
    assert "+79242659551" not in _numbers("1,89242659551,2", region="GB")


def test_a_line_without_digits_names_no_number() -> None:
    assert phone_candidates("ENTERQUEUE|sales|NONE") == set()


def test_a_plus_starts_a_new_number() -> None:
    candidates = phone_candidates("07700 900123 +33 1 23 45 67 89")
    assert "+33123456789" in candidates
    assert not any(c.startswith("07700900123") and len(c) > 11 for c in candidates)


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
    assert agent in agent_candidates(line)


def test_a_number_is_not_an_agent_id() -> None:
    assert "07700900123" not in agent_candidates("SIP/07700900123-00000001")
