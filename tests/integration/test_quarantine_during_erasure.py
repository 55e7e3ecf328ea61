"""An erasure that runs while an ingest is writing its quarantine still reaches the ingest's
lines: they were not committed when the erasure's unlink step ran, so the ingest erases them
itself before it commits. PostgreSQL only: on SQLite an ingest holds the write lock, so no
erasure can run during it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TextIO

import pytest
from faker import Faker

from dataward.adapters.ingest.files import file_source
from dataward.services.calls.ingest import IngestCalls, ingest
from dataward.services.processing.erasure import Shred, shred
from dataward.services.quarantine.lines import list_quarantine
from dataward.services.subjects.registry import FindSubject, find_subject
from tests.integration.test_quarantine_erasure import (
    EPOCH,
    OPERATOR,
    TENANT,
    Caller,
    _opened_lines,
    _tenant,
)
from tests.integration.world import World


class _Gated:
    """A text stream that stops before the line starting with `marker` until `go` is set
    (`waiting` says it got there): the lines before it are written, not yet committed."""

    def __init__(self, text: str, marker: str) -> None:
        self._lines = text.splitlines(keepends=True)
        self._marker = marker
        self.waiting = threading.Event()
        self.go = threading.Event()

    def __iter__(self) -> Iterator[str]:
        for line in self._lines:
            if line.startswith(self._marker):
                self.waiting.set()
                assert self.go.wait(60)
            yield line


def _ingest_file(world: World, path: Path, text: str) -> None:
    path.write_text(text)
    ingest(
        world.use_case(OPERATOR),
        IngestCalls(TENANT, [file_source(path, format_name="asterisk-queue-log")], quarantine=True),
    )


def _while_ingesting(
    world: World, tmp_path: Path, text: str, marker: str, meanwhile: Callable[[], None]
) -> None:
    """Ingest `text` one call a batch; when it reaches `marker`, run `meanwhile`, then let
    it finish."""
    gated = _Gated(text, marker)
    path = tmp_path / "slow"
    path.write_text(text)

    @contextmanager
    def opened() -> Iterator[TextIO]:
        yield gated  # type: ignore[misc]

    source = replace(file_source(path, format_name="asterisk-queue-log"), open=opened)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            ingest(
                world.use_case(OPERATOR),
                IngestCalls(TENANT, [source], quarantine=True, batch_size=1),
            )
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread
            errors.append(error)

    worker = threading.Thread(target=run)
    worker.start()
    try:
        assert gated.waiting.wait(60)  # the bad line is written, not yet committed
        meanwhile()
    finally:
        gated.go.set()
        worker.join(60)
    assert errors == []


def _later_calls(caller: Caller) -> str:
    return (
        f"{EPOCH + 100}x|b1|sales|NONE|ENTERQUEUE||{caller.national}|1\n"
        f"{EPOCH + 200}|g2|sales|NONE|ENTERQUEUE||07700900999|1\n"
        f"{EPOCH + 209}|g2|sales|NONE|ABANDON|1|1|9\n"
        f"{EPOCH + 300}|g3|sales|NONE|ENTERQUEUE||07700900998|1\n"
        f"{EPOCH + 309}|g3|sales|NONE|ABANDON|1|1|9\n"
    )


def _shred_caller(world: World, caller: Caller) -> dict[str, int]:
    subject = find_subject(
        world.uow(), world.vault, FindSubject("phone", caller.national, tenant_id=TENANT)
    )
    assert subject is not None
    return shred(
        world.use_case(world.who_erases(str(subject.id))), Shred(str(subject.id), "erasure_request")
    ).removed


def test_an_erasure_during_an_ingest_reaches_the_lines_it_was_writing(
    world: World, fake: Faker, tmp_path: Path, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite serialises writers: no erasure runs during an ingest")
    _tenant(world, fake)
    caller = Caller(fake)
    _ingest_file(
        world,
        tmp_path / "first",
        f"{EPOCH}|g1|sales|NONE|ENTERQUEUE||{caller.national}|1\n"
        f"{EPOCH + 9}|g1|sales|NONE|ABANDON|1|1|9\n",
    )
    removed: dict[str, int] = {}

    _while_ingesting(
        world,
        tmp_path,
        _later_calls(caller),
        f"{EPOCH + 300}|",
        lambda: removed.update(_shred_caller(world, caller)),
    )

    assert removed["quarantine"] == 0  # the erasure could not see the line
    assert not any(caller.national in line for line in _opened_lines(world))
    listed = list_quarantine(world.use_case(OPERATOR), TENANT, include_resolved=True)
    assert [(e.line, e.resolution) for e in listed] == [(1, "erased")]


def test_a_caller_first_seen_and_erased_during_an_ingest_is_reached_by_their_number(
    world: World, fake: Faker, tmp_path: Path, backend: str
) -> None:
    """The line named nobody known when it was quarantined: the caller's subject was made, and
    erased, by others while the ingest ran. The erased-number record still finds it."""
    if backend != "postgresql":
        pytest.skip("SQLite serialises writers: no erasure runs during an ingest")
    _tenant(world, fake)
    caller = Caller(fake)

    def others_meanwhile() -> None:
        _ingest_file(
            world,
            tmp_path / "other",
            f"{EPOCH}|g1|sales|NONE|ENTERQUEUE||{caller.national}|1\n"
            f"{EPOCH + 9}|g1|sales|NONE|ABANDON|1|1|9\n",
        )
        _shred_caller(world, caller)

    _while_ingesting(world, tmp_path, _later_calls(caller), f"{EPOCH + 300}|", others_meanwhile)

    assert not any(caller.national in line for line in _opened_lines(world))
    listed = list_quarantine(world.use_case(OPERATOR), TENANT, include_resolved=True)
    assert [(e.line, e.resolution) for e in listed] == [(1, "erased")]
