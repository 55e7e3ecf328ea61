"""What the call store keeps of a queue's name and a call's parties."""

from __future__ import annotations

import pytest

from dataward.domain.calls.records import PartyKind, classify_party, safe_queue_name
from dataward.domain.calls.telephony import Presentation, RawParty

KEY = b"k" * 32


@pytest.mark.parametrize("name", ["sales", "support-2", "8000", "queue 2024", "Q1-team-77"])
def test_an_ordinary_queue_name_is_kept(name: str) -> None:
    assert safe_queue_name(name, KEY) == name


@pytest.mark.parametrize(
    "name", ["07700 900123", "+44 20 7946 0958", "0161-496-0000", "01632.960.001", "4412345"]
)
def test_a_name_that_could_be_a_number_becomes_a_keyed_label(name: str) -> None:
    label = safe_queue_name(name, KEY)
    assert label is not None
    assert label.startswith("queue-")
    assert not any(part in label for part in name.split())
    assert safe_queue_name(name, b"x" * 32) != label  # keyed: another tenant, another label
    assert safe_queue_name(name, KEY) == label  # stable within the tenant


@pytest.mark.parametrize(
    ("party", "kind"),
    [
        (RawParty(None, Presentation.RESTRICTED), PartyKind.WITHHELD),
        (RawParty(None, Presentation.UNAVAILABLE), PartyKind.NONE),
        (RawParty("2004"), PartyKind.AGENT),
        (RawParty("07700900123"), PartyKind.PHONE),
        (RawParty("  "), PartyKind.NONE),
    ],
)
def test_parties_are_classified(party: RawParty, kind: PartyKind) -> None:
    assert classify_party(party)[0] is kind
