"""Hostile lines through the ingest service on each backend: quarantined by line and field, the
good calls landed, times checked against the ingest's own clock, nothing invented."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dataward.adapters.ingest.files import text_source
from dataward.domain.subjects import Actor
from dataward.services.calls.ingest import IngestCalls, IngestRejected, ingest
from dataward.services.quarantine.lines import list_quarantine
from dataward.services.subjects.registry import FindSubject, find_subject
from tests.builders import TENANT_A
from tests.integration.world import World

OPERATOR = Actor(id="staff-operator", role="operator")
CALLER = "07700900123"  # Ofcom's drama range


def _ingest(world: World, text: str, fmt: str, *, quarantine: bool = False):  # type: ignore[no-untyped-def]
    source = text_source(text, name="batch", format_name=fmt)
    return ingest(world.use_case(OPERATOR), IngestCalls(TENANT_A, [source], quarantine=quarantine))


def _queue_call(epoch: int, call: str, *, queue: str = "sales", first: str = "") -> list[str]:
    return [
        f"{first or epoch}|{call}|{queue}|NONE|ENTERQUEUE||{CALLER}|1",
        f"{epoch + 5}|{call}|{queue}|SIP/2001|CONNECT|5|{call}9|1",
        f"{epoch + 65}|{call}|{queue}|SIP/2001|COMPLETECALLER|5|60|1",
    ]


def _freeswitch(start: str, uuid: str, *, caller: str = CALLER) -> str:
    values = [
        "Test Caller",
        caller,
        "01134960456",
        "public",
        start,
        "",
        start,
        "0",
        "0",
        "NO_ANSWER",
        uuid,
        "",
        "",
        "",
        "",
    ]
    return ",".join(f'"{value}"' for value in values) + "\n"


@pytest.mark.parametrize("time", ["1764000000²", f"{CALLER}²", "99999999999999"])
def test_quarantine_keeps_a_line_that_once_raised_and_lands_the_rest(
    world: World, time: str
) -> None:
    lines = _queue_call(1_764_000_000, "1.1") + _queue_call(1_764_000_600, "2.2", first=time)
    text = "\n".join(lines) + "\n"
    with pytest.raises(IngestRejected) as caught:
        _ingest(world, text, "asterisk-queue-log")
    assert CALLER not in str(caught.value)
    report = _ingest(world, text, "asterisk-queue-log", quarantine=True)
    # the broken ENTERQUEUE, and then the COMPLETECALLER of a call that never opened
    assert (report.stored, report.quarantined) == (1, 2)
    entries = list_quarantine(world.use_case(OPERATOR), TENANT_A)
    assert [(entry.line, entry.reason.split(":")[0]) for entry in entries] == [
        (4, "time"),
        (6, "callid"),
    ]
    assert all(CALLER not in entry.reason for entry in entries)


def test_a_call_more_than_a_day_after_the_ingest_clock_is_refused(world: World) -> None:
    now = world.clock.now()
    soon = (now + timedelta(hours=20)).strftime("%Y-%m-%d %H:%M:%S")
    later = (now + timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S")
    text = _freeswitch(soon, "u-1") + _freeswitch(later, "u-2")
    with pytest.raises(IngestRejected) as caught:
        _ingest(world, text, "freeswitch-cdr-csv")
    assert caught.value.report.bad == [
        "batch:2: start_stamp: more than a day after the time of the ingest"
    ]
    world.clock.advance(timedelta(days=2))  # the same file, read two days on, is fine
    assert _ingest(world, text, "freeswitch-cdr-csv").stored == 2


def test_a_nul_in_a_queue_name_is_quarantined_on_every_backend(world: World) -> None:
    lines = _queue_call(1_764_000_000, "1.1") + _queue_call(1_764_000_600, "2.2", queue="sa\0les")
    report = _ingest(world, "\n".join(lines) + "\n", "asterisk-queue-log", quarantine=True)
    assert report.stored == 1
    entries = list_quarantine(world.use_case(OPERATOR), TENANT_A)
    assert [(entry.line, entry.reason) for entry in entries] == [
        (line, "queue: not printable text") for line in (4, 5, 6)
    ]


def test_letters_in_a_number_make_no_subject_of_the_digits(world: World) -> None:
    report = _ingest(
        world,
        _freeswitch("2026-11-24 09:00:00", "u-1", caller="07700 9OO 123"),
        ("freeswitch-cdr-csv"),
    )
    assert (report.stored, report.unreadable_numbers) == (1, 1)
    for read_as in ("07700 966 123", "07700 900 123"):  # keypad O, or O as zero
        assert (
            find_subject(
                world.uow(), world.vault, FindSubject("phone", read_as, tenant_id=TENANT_A)
            )
            is None
        )
