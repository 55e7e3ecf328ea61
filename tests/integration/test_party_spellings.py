"""One number however a PBX spells it: every spelling the parsers pass through resolves to one
subject, within one batch and across batches, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dataward.adapters.ingest.files import text_source
from dataward.domain.calls.records import IngestReport
from dataward.domain.subjects import Actor
from dataward.services.calls.ingest import IngestCalls, ingest
from dataward.services.subjects.registry import FindSubject, find_subject
from tests.builders import TENANT_A
from tests.integration.world import World

OPERATOR = Actor(id="staff-operator", role="operator")
SPELLINGS = (
    "07700900123",
    "+447700900123",
    "00447700900123",
    "447700900123",
    "07700 900123",
    "+44 7700 900123",
    "0044 7700 900123",
    "44 7700 900123",
    "07700-900-123",
    "+44-7700-900123",
    "(07700) 900123",
    "+44 (0)7700 900123",
)
START = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def _queue_log(spellings: tuple[str, ...], first: int = 0) -> str:
    lines: list[str] = []
    for i, number in enumerate(spellings, start=first):
        t = int((START + timedelta(minutes=10 * i)).timestamp())
        call = f"{t}.{i}"
        lines += [
            f"{t}|{call}|sales|NONE|ENTERQUEUE||{number}|1",
            f"{t + 3}|{call}|sales|NONE|ABANDON|1|1|3",
        ]
    return "\n".join(lines) + "\n"


def _cdr_csv(spellings: tuple[str, ...], first: int = 0) -> str:
    """Asterisk cdr_csv rows (21 columns), the number in src and in the caller id."""
    rows: list[str] = []
    for i, number in enumerate(spellings, start=first):
        start = START + timedelta(minutes=10 * i)
        stamp = start.strftime("%Y-%m-%d %H:%M:%S")
        end = (start + timedelta(seconds=30)).strftime("%Y-%m-%d %H:%M:%S")
        clid = f'"""{number}"" <{number}>"'
        rows.append(
            f'"","{number}","6000","ext-queues",{clid},"PJSIP/trunk-bt-{i:08x}","","Queue",'
            f'"sales,t,,,30","{stamp}","","{end}",30,0,"NO ANSWER","DOCUMENTATION",'
            f'"{i}.{i}","","","{i}.{i}",{i}\n'
        )
    return "".join(rows)


FORMATS = {"asterisk-queue-log": _queue_log, "asterisk-cdr-csv": _cdr_csv}


def _ingest(world: World, text: str, fmt: str, batch_size: int) -> IngestReport:
    source = text_source(text, name="spellings", format_name=fmt)
    return ingest(world.use_case(OPERATOR), IngestCalls(TENANT_A, [source], batch_size=batch_size))


def _refs(world: World) -> list[str | None]:
    with world.uow() as uow:
        return [c.caller_ref for c in uow.calls.iter_calls(TENANT_A)]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("batch_size", [len(SPELLINGS), 1], ids=["one_batch", "a_batch_each"])
def test_every_spelling_of_a_number_is_one_subject(world: World, fmt: str, batch_size: int) -> None:
    report = _ingest(world, FORMATS[fmt](SPELLINGS), fmt, batch_size)
    assert report.stored == len(SPELLINGS)
    assert (report.subjects_created, report.unreadable_numbers) == (1, 0)
    refs = _refs(world)
    assert len(refs) == len(SPELLINGS)
    found = find_subject(
        world.uow(), world.vault, FindSubject("phone", "+447700900123", tenant_id=TENANT_A)
    )
    assert found is not None
    assert set(refs) == {str(found.id)}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_later_file_spelling_the_number_otherwise_finds_the_same_subject(
    world: World, fmt: str
) -> None:
    half = len(SPELLINGS) // 2
    first = _ingest(world, FORMATS[fmt](SPELLINGS[:half]), fmt, 5000)
    assert (first.subjects_created, first.unreadable_numbers) == (1, 0)
    second = _ingest(world, FORMATS[fmt](SPELLINGS[half:], first=half), fmt, 5000)
    assert (second.stored, second.subjects_created, second.unreadable_numbers) == (half, 0, 0)
    assert len(set(_refs(world))) == 1
    assert None not in _refs(world)
