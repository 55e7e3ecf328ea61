"""The audit chain, pure: sealing, the canonical form, and what verification catches."""

from __future__ import annotations

import dataclasses
import hashlib
import tracemalloc
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from dataward.domain.audit import (
    GENESIS_HASH,
    AuditAction,
    AuditDraft,
    AuditEntry,
    AuditRefused,
    BreakReason,
    canonical_bytes,
    chain_hash,
    from_json_line,
    seal,
    to_json_line,
    verify_chain,
)

T0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
SUBJECT = uuid.UUID("7d3f2c1e-9b0a-4c5d-8e6f-1a2b3c4d5e6f")


def a_draft(n: int = 0, **changes: Any) -> AuditDraft:
    fields: dict[str, Any] = {
        "at": T0 + timedelta(seconds=n),
        "actor": "cli:dco",
        "action": AuditAction.GATE_DECISION,
        "subject_ref": SUBJECT,
        "purpose": "provide_service",
        "decision": "allowed",
        "details": {"category": "telephony_activity", "n": n},
    }
    fields.update(changes)
    return AuditDraft(**fields)


def a_chain(length: int) -> list[AuditEntry]:
    return seal([a_draft(n) for n in range(length)], None)


def test_a_chain_of_entries_verifies_and_reports_its_head() -> None:
    chain = a_chain(25)
    result = verify_chain(chain)
    assert result.ok
    assert result.checked == 25
    assert result.head == chain[-1].hash
    assert [e.seq for e in chain] == list(range(1, 26))


def test_the_first_entry_links_to_64_zeros_and_an_empty_log_verifies() -> None:
    assert a_chain(1)[0].prev_hash == GENESIS_HASH == "0" * 64
    result = verify_chain([])
    assert result.ok
    assert result.checked == 0
    assert result.head == GENESIS_HASH


def test_sealing_continues_the_chain_after_its_head() -> None:
    first = a_chain(3)
    more = seal([a_draft(3), a_draft(4)], first[-1])
    assert [e.seq for e in more] == [4, 5]
    assert more[0].prev_hash == first[-1].hash
    assert verify_chain(first + more).ok


def test_each_hash_is_sha256_of_the_previous_hash_and_the_canonical_entry() -> None:
    second = a_chain(2)[1]
    assert second.hash == chain_hash(second.prev_hash, canonical_bytes(second))
    expected = hashlib.sha256(second.prev_hash.encode() + second.canonical()).hexdigest()
    assert second.hash == expected


def test_the_canonical_form_is_sorted_compact_utf8_json_with_z_times() -> None:
    # Pinned: a change here makes every stored chain unverifiable. The hash was computed
    # independently: printf '%s%s' <64 zeros> '<canonical>' | sha256sum
    (entry,) = seal([a_draft(details={"zeta": "ü", "alpha": [1, True, None]})], None)
    expected = (
        '{"action":"gate_decision","actor":"cli:dco","at":"2026-11-25T10:00:00.000000Z",'
        '"decision":"allowed","details":{"alpha":[1,true,null],"zeta":"ü"},'
        '"purpose":"provide_service","seq":1,'
        '"subject_ref":"7d3f2c1e-9b0a-4c5d-8e6f-1a2b3c4d5e6f"}'
    )
    assert entry.canonical() == expected.encode()
    assert entry.hash == "148142aec667b60b39187af50543135fed9076408f616696170d60a35524e0b2"


def test_the_canonical_form_does_not_depend_on_dict_order() -> None:
    forward = a_draft(details={"a": 1, "b": 2, "c": 3})
    backward = a_draft(details={"c": 3, "b": 2, "a": 1})
    assert seal([forward], None)[0].hash == seal([backward], None)[0].hash


def test_the_canonical_form_does_not_depend_on_the_time_zone_given() -> None:
    london_summer = timezone(timedelta(hours=1))
    in_utc = a_draft(at=datetime(2026, 7, 1, 9, 0, tzinfo=UTC))
    in_bst = a_draft(at=datetime(2026, 7, 1, 10, 0, tzinfo=london_summer))
    assert seal([in_utc], None)[0].canonical() == seal([in_bst], None)[0].canonical()
    assert seal([in_bst], None)[0].at.tzinfo is UTC


@pytest.mark.parametrize(
    "change",
    [
        {"actor": "cli:intruder"},
        {"action": "subject_read"},
        {"decision": "denied"},
        {"purpose": "marketing"},
        {"subject_ref": str(uuid.UUID(int=1))},
        {"details": {"category": "identity", "n": 4}},
        {"at": T0 + timedelta(days=1)},
    ],
    ids=lambda change: next(iter(change)),
)
def test_altering_any_field_breaks_the_chain_at_that_entry(change: dict[str, Any]) -> None:
    chain = a_chain(10)
    chain[4] = dataclasses.replace(chain[4], **change)
    result = verify_chain(chain)
    assert not result.ok
    assert result.reason is BreakReason.HASH_MISMATCH
    assert result.first_broken_seq == 5
    assert result.checked == 4
    assert result.head == chain[3].hash


def test_altering_an_entry_and_rehashing_it_breaks_the_link_to_the_next() -> None:
    chain = a_chain(10)
    forged = dataclasses.replace(chain[4], decision="denied")
    chain[4] = dataclasses.replace(forged, hash=forged.computed_hash())
    result = verify_chain(chain)
    assert result.reason is BreakReason.PREV_LINK_MISMATCH
    assert result.first_broken_seq == 6


def test_a_deleted_entry_is_reported_as_a_gap_at_its_seq() -> None:
    chain = a_chain(10)
    del chain[6]
    result = verify_chain(chain)
    assert result.reason is BreakReason.SEQUENCE_GAP
    assert result.first_broken_seq == 7
    assert result.found_seq == 8
    assert result.checked == 6
    assert "entry #7: sequence gap" in result.describe()


def test_deleting_the_first_entry_is_a_gap_at_one() -> None:
    result = verify_chain(a_chain(5)[1:])
    assert result.reason is BreakReason.SEQUENCE_GAP
    assert result.first_broken_seq == 1


def test_deleting_an_entry_and_renumbering_the_rest_is_caught() -> None:
    chain = a_chain(10)
    del chain[6]
    renumbered = chain[:6] + [dataclasses.replace(e, seq=e.seq - 1) for e in chain[6:]]
    result = verify_chain(renumbered)
    assert result.reason is BreakReason.HASH_MISMATCH
    assert result.first_broken_seq == 7


def test_two_swapped_entries_are_reported_out_of_order() -> None:
    chain = a_chain(10)
    chain[2], chain[3] = chain[3], chain[2]
    result = verify_chain(chain)
    assert result.reason is BreakReason.OUT_OF_ORDER
    assert result.first_broken_seq == 3
    assert result.found_seq == 4


def test_two_entries_swapped_far_apart_are_caught_at_the_first() -> None:
    chain = a_chain(10)
    chain[2], chain[7] = chain[7], chain[2]
    result = verify_chain(chain)
    assert not result.ok
    assert result.first_broken_seq == 3


def test_swapping_the_contents_of_two_entries_but_not_their_seqs_is_caught() -> None:
    chain = a_chain(10)
    third, eighth = chain[2], chain[7]
    chain[2] = dataclasses.replace(eighth, seq=3)
    chain[7] = dataclasses.replace(third, seq=8)
    result = verify_chain(chain)
    assert result.reason is BreakReason.HASH_MISMATCH
    assert result.first_broken_seq == 3


def test_a_repeated_entry_is_reported_out_of_order() -> None:
    chain = a_chain(5)
    result = verify_chain([*chain, chain[1]])
    assert result.reason is BreakReason.OUT_OF_ORDER
    assert result.first_broken_seq == 6


def test_an_entry_from_another_chain_is_caught() -> None:
    chain = a_chain(5)
    other = seal([a_draft(n, actor="cli:other") for n in range(5)], None)
    chain[3] = other[3]
    result = verify_chain(chain)
    assert result.reason is BreakReason.PREV_LINK_MISMATCH
    assert result.first_broken_seq == 4


def test_verification_streams_in_constant_memory_and_stops_at_the_break() -> None:
    consumed = 0

    def entries(length: int, break_at: int | None = None) -> Iterator[AuditEntry]:
        nonlocal consumed
        head = None
        for n in range(length):
            (entry,) = seal([a_draft(n)], head)
            head = entry
            consumed += 1
            yield entry if entry.seq != break_at else dataclasses.replace(entry, actor="x")

    tracemalloc.start()
    result = verify_chain(entries(5_000))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.ok
    assert result.checked == 5_000
    assert peak < 512 * 1024
    consumed = 0
    assert verify_chain(entries(1_000, break_at=10)).first_broken_seq == 10
    assert consumed == 10


def test_a_json_line_reads_back_as_the_same_entry() -> None:
    chain = a_chain(3)
    lines = [to_json_line(e) for e in chain]
    assert all(line.endswith("\n") and line.count("\n") == 1 for line in lines)
    assert [from_json_line(line) for line in lines] == chain
    assert verify_chain(from_json_line(line) for line in lines).ok


def test_a_draft_takes_a_uuid_as_subject_ref_and_lists_as_tuples() -> None:
    draft = a_draft(subject_ref=SUBJECT, details={"categories": ("identity", "contact")})
    assert draft.subject_ref == str(SUBJECT)
    assert draft.details == {"categories": ["identity", "contact"]}
    assert a_draft(subject_ref=None).subject_ref is None


def test_actions_beyond_the_enum_are_accepted_when_shaped_like_one() -> None:
    (entry,) = seal([a_draft(action="campaign_sent")], None)
    assert entry.action == "campaign_sent"
    assert a_draft(action=AuditAction.KEYS_ROTATED).action == "keys_rotated"


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"subject_ref": "+44 20 7946 0000"}, "subject's UUID"),
        ({"subject_ref": "someone@example.org"}, "subject's UUID"),
        ({"at": datetime(2026, 1, 1)}, "aware"),  # noqa: DTZ001 - a naive time is the point
        ({"action": "Subject Read"}, "action"),
        ({"actor": ""}, "needs an actor"),
        ({"actor": "x" * 101}, "longer than 100"),
        ({"decision": "allowed\nforged line"}, "control character"),
        ({"details": {"Phone Number": "x"}}, "is not like"),
        ({"details": {"email": "ref-1"}}, "names an identifier"),
        ({"details": {"name": "ref-1"}}, "names an identifier"),
        ({"details": {"note": "someone@example.org"}}, "e-mail address"),
        ({"details": {"nested": {"a": 1}}}, "scalar or a list"),
        ({"details": {"rows": [[1, 2]]}}, "scalar or a list"),
        ({"details": {"note": "x" * 201}}, "longer than 200"),
        ({"details": {"ratio": float("nan")}}, "finite"),
        ({"details": {f"k{n}": n for n in range(33)}}, "more than 32 keys"),
        ({"details": {"ids": list(range(101))}}, "more than 100 items"),
    ],
)
def test_a_draft_refuses_what_could_carry_personal_data(
    change: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(AuditRefused, match=complaint):
        a_draft(**change)


def test_refusals_never_echo_the_refused_value() -> None:
    with pytest.raises(AuditRefused) as caught:
        a_draft(details={"note": "someone@example.org"})
    assert "someone@example.org" not in str(caught.value)
