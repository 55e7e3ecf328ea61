"""Another person's bad line whose time or call id reads as a caller's number is not the
caller's: a line of its format's shape is indexed only from the fields that can name someone,
so the caller's instructed export does not disclose it and their erasure does not empty it. A
line of no known shape is still reached by the erasure, and exported marked as uncertain."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from faker import Faker

from dataward.services.processing.erasure import Shred, shred
from dataward.services.quarantine.lines import QuarantinedText, find_quarantined, list_quarantine
from dataward.services.rights.processor import Instruction, carry_out_instruction
from dataward.services.subjects.registry import FindSubject, find_subject
from tests.integration.test_quarantine_access import _forwarded
from tests.integration.test_quarantine_erasure import (
    ADMIN,
    EPOCH,
    OPERATOR,
    TENANT,
    Caller,
    _tenant,
)
from tests.integration.test_quarantine_parties import _ingest
from tests.integration.world import World

A_NUMBER = "01632 960123"  # Ofcom's drama range; also how the epoch 1632960123 reads
A_TIME = "1632960123"


def _a_with_a_bad_line(world: World, tmp_path: Path) -> str:
    """Caller A: one call, and a bad line of their own that names them."""
    path = tmp_path / "a.log"
    path.write_text(
        f"{EPOCH}|g1|sales|NONE|ENTERQUEUE||{A_NUMBER}|1\n"
        f"{EPOCH + 9}|g1|sales|NONE|ABANDON|1|1|9\n"
        f"{EPOCH + 50}x|a2|sales|NONE|ENTERQUEUE||{A_NUMBER}|1\n"
    )
    _ingest(world, path, "asterisk-queue-log")
    subject = find_subject(
        world.uow(), world.vault, FindSubject("phone", A_NUMBER, tenant_id=TENANT)
    )
    assert subject is not None
    return str(subject.id)


def _b_queue_log(b: Caller) -> tuple[str, str]:
    """B's line, its time A's number (the event unknown, so the line is refused)."""
    return "asterisk-queue-log", f"{A_TIME}|b1|sales|NONE|NOSUCHEVENT||{b.national}|1\n"


def _b_cdr(b: Caller) -> tuple[str, str]:
    """B's cdr_csv row, its uniqueid and linkedid A's number (its disposition refused)."""
    uid = f"{A_TIME}.5"
    return "asterisk-cdr-csv", (
        f'"","{b.national}","200","from-pstn","""Caller"" <{b.national}>","SIP/trunk-0000000a",'
        f'"SIP/200-0000000b","Dial","SIP/200,30","2026-11-25 09:00:00","2026-11-25 09:00:05",'
        f'"2026-11-25 09:01:05","65","60","NOSUCHDISPOSITION","DOCUMENTATION","{uid}","",'
        f'"","{uid}","1"\n'
    )


def _export(world: World, fake: Faker, subject_id: str) -> list[QuarantinedText]:
    done = carry_out_instruction(
        world.use_case(ADMIN), _forwarded(world, fake, subject_id), Instruction.EXPORT
    )
    return list(done.quarantined)


@pytest.mark.parametrize("b_line", [_b_queue_log, _b_cdr], ids=["queue-log-time", "cdr-uniqueid"])
def test_a_line_whose_time_or_id_reads_as_the_callers_number_is_not_theirs(
    world: World, fake: Faker, tmp_path: Path, b_line: Callable[[Caller], tuple[str, str]]
) -> None:
    _tenant(world, fake)
    a = _a_with_a_bad_line(world, tmp_path)
    b = Caller(fake)
    fmt, text = b_line(b)
    path = tmp_path / "b.file"
    path.write_text(text)
    b_ingest = _ingest(world, path, fmt)
    assert [
        e.line for e in list_quarantine(world.use_case(OPERATOR), TENANT, ingest_id=b_ingest)
    ] == [1]

    exported = _export(world, fake, a)

    assert not any(b.national in q.text for q in exported)
    assert [(q.line, q.certain) for q in exported] == [(3, True)]  # A's own line alone
    removed = shred(world.use_case(world.who_erases(a)), Shred(a, "erasure_request")).removed
    assert removed["quarantine"] == 1
    left = list_quarantine(world.use_case(OPERATOR), TENANT)
    assert [(e.ingest_id, e.line) for e in left] == [(b_ingest, 1)]  # B's line is B's
    found = find_quarantined(world.use_case(ADMIN), TENANT, b.national)
    assert [(e.ingest_id, e.line) for e in found] == [(b_ingest, 1)]


def test_a_line_of_no_known_shape_is_still_reached_but_exported_as_uncertain(
    world: World, fake: Faker, tmp_path: Path
) -> None:
    """Three fields of a queue_log line: which is the time is unknown, so every number in it
    is indexed; the erasure reaches it, and the export says it may be someone else's."""
    _tenant(world, fake)
    a = _a_with_a_bad_line(world, tmp_path)
    b = Caller(fake)
    path = tmp_path / "b.log"
    path.write_text(f"{A_TIME}|{b.national}|sales\n")
    b_ingest = _ingest(world, path, "asterisk-queue-log")

    exported = _export(world, fake, a)

    assert [(q.ingest_id, q.line, q.certain) for q in exported] == [
        (b_ingest - 1, 3, True),
        (b_ingest, 1, False),
    ]
    removed = shred(world.use_case(world.who_erases(a)), Shred(a, "erasure_request")).removed
    assert removed["quarantine"] == 2
    assert list_quarantine(world.use_case(OPERATOR), TENANT) == []
