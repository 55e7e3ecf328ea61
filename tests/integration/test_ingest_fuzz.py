"""The ingest service end to end on hostile files (tests/strategies.py), on each backend.

Whatever the file: without quarantine it is refused whole, listing every bad line and storing
nothing; with quarantine every bad line is kept (by line and reason, never its content) and
every good call lands, stored or counted as a duplicate. No traceback either way.
"""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataward.adapters.ingest.files import text_source
from dataward.adapters.ingest.generic_csv import HeaderMismatch
from dataward.domain.calls.line_parties import MAX_LINE, TOO_LONG
from dataward.domain.calls.telephony import BadRecord, ParsedItem, RawCall
from dataward.domain.subjects import Actor
from dataward.services.calls.ingest import IngestCalls, IngestRejected, ingest
from dataward.services.quarantine.lines import list_quarantine
from tests.builders import TENANT_A
from tests.integration.world import World
from tests.strategies import GENERIC_MAPPING, LAYOUTS, fuzz_settings, hostile_file, parser_for

OPERATOR = Actor(id="staff-operator", role="operator")
SOURCE = "hostile"


def _parsed(world: World, name: str, text: str) -> list[ParsedItem] | None:
    """What the parser alone makes of the file, at the ingest's time; None when the whole file
    is refused (a header that is not the mapping's)."""
    with world.uow() as uow:
        tenant = uow.tenants.get(TENANT_A)
    assert tenant is not None
    stream = io.StringIO(text, newline="")
    try:
        return list(
            parser_for(name).parse(stream, source=SOURCE, tz=tenant.zone, now=world.clock.now())
        )
    except HeaderMismatch:
        return None


def _ingest(world: World, name: str, text: str, *, quarantine: bool):  # type: ignore[no-untyped-def]
    mapping = GENERIC_MAPPING if name == "generic-csv" else None
    source = text_source(text, name=SOURCE, format_name=name, mapping=mapping)
    return ingest(world.use_case(OPERATOR), IngestCalls(TENANT_A, [source], quarantine=quarantine))


def _stored(world: World) -> int:
    with world.uow() as uow:
        return uow.calls.count_calls(TENANT_A)


@fuzz_settings(40, deadline_ms=30_000)
@given(data=st.data())
def test_every_bad_line_is_quarantined_and_every_good_call_lands(
    world: World, data: st.DataObject
) -> None:
    name = data.draw(st.sampled_from(sorted(LAYOUTS)), label="format")
    hostile = data.draw(hostile_file(LAYOUTS[name]), label="file")
    items = _parsed(world, name, hostile.text)
    if items is None:
        with pytest.raises(HeaderMismatch):
            _ingest(world, name, hostile.text, quarantine=True)
        return
    bad = [item for item in items if isinstance(item, BadRecord)]
    calls = [item for item in items if isinstance(item, RawCall)]
    before = _stored(world)
    if bad:
        with pytest.raises(IngestRejected) as caught:
            _ingest(world, name, hostile.text, quarantine=False)
        assert caught.value.report.bad == [str(record) for record in bad]
        assert _stored(world) == before
    report = _ingest(world, name, hostile.text, quarantine=True)
    assert report.quarantined == len(bad)
    assert report.stored + report.duplicates + report.joined == len(calls)
    assert _stored(world) == before + report.stored
    (ingest_id,) = report.ingest_ids
    entries = list_quarantine(world.use_case(OPERATOR), TENANT_A, ingest_id=ingest_id)
    assert sorted((entry.line, entry.reason) for entry in entries) == sorted(
        (record.location.line, TOO_LONG if len(record.raw) > MAX_LINE else record.reason)
        for record in bad
    )  # a line past the quarantine's bound is kept whole, under that reason
    for entry in entries:
        assert all(marker not in entry.reason for marker in hostile.markers)
