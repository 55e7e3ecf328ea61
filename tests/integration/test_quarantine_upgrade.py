"""Lines quarantined before lines had keys of their own (and before revision 0015, never
indexed) are re-sealed and indexed when the schema is upgraded with the key store at hand, so
erasing the person reaches them; the ingest's key, and the first line it kept whatever the
format, go."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from faker import Faker

from dataward.adapters.ingest.asterisk_queue_log import AsteriskQueueLogParser
from dataward.adapters.sql import migrate
from dataward.adapters.sql.calls.tables import call_quarantine
from dataward.installation import parser_for
from dataward.services.processing.erased_numbers import (
    erased_digest,
    erased_number_key,
    kept_until,
    recorded_time,
)
from dataward.services.processing.erasure import Shred, shred
from dataward.services.quarantine.lines import export_quarantine, find_quarantined, list_quarantine
from dataward.services.quarantine.ports import BY_FIELDS, BY_LINE, QuarantinedLine
from dataward.services.quarantine.upgrade import reindex_quarantine, upgrade_legacy_quarantine
from dataward.services.quarantine.writer import line_parties
from dataward.services.subjects.registry import FindSubject, find_subject
from tests.integration.test_quarantine_erasure import (
    ADMIN,
    EPOCH,
    OPERATOR,
    TENANT,
    Caller,
    _opened_lines,
    _tenant,
)
from tests.integration.test_quarantine_keys import CSV_HEADER, _csv_row
from tests.integration.test_quarantine_parties import _ingest
from tests.integration.world import World

_ingests = sa.table(
    "ingests",
    *(sa.column(name) for name in ("id", "tenant_id", "source", "format", "actor")),
    *(sa.column(name) for name in ("started_at", "calls_read", "stored", "duplicates", "bad")),
    sa.column("quarantine_key"),
    sa.column("header_ciphertext"),
)
_lines = sa.table(
    "call_quarantine",
    *(sa.column(name) for name in ("id", "ingest_id", "tenant_id", "line", "reason")),
    *(sa.column(name) for name in ("raw_ciphertext", "created_at", "resolved_at", "resolution")),
)


def _legacy_ingest(
    world: World, ingest_id: int, fmt: str, first: str, lines: dict[int, str | None]
) -> str:
    """An ingest as the code before revision 0017 left it: its lines (None: resolved) and its
    first line sealed under one key of the ingest, no party indexed. Its key's id."""
    key = str(uuid.uuid4())
    world.vault.create_keys([key])
    now = world.clock.now() - timedelta(days=30)
    with world.engine.begin() as connection:
        connection.execute(
            sa.insert(_ingests).values(
                id=ingest_id,
                tenant_id=TENANT,
                source=f"file-{ingest_id}",
                format=fmt,
                actor=OPERATOR.id,
                started_at=now,
                calls_read=0,
                stored=0,
                duplicates=0,
                bad=len(lines),
                quarantine_key=key,
                header_ciphertext=world.vault.seal(key, first),
            )
        )
        for line, text in lines.items():
            connection.execute(
                sa.insert(_lines).values(
                    ingest_id=ingest_id,
                    tenant_id=TENANT,
                    line=line,
                    reason="bad",
                    raw_ciphertext=b"" if text is None else world.vault.seal(key, text),
                    created_at=now,
                    resolved_at=now if text is None else None,
                    resolution="discarded" if text is None else None,
                )
            )
    return key


def test_lines_quarantined_before_are_resealed_indexed_and_reached_by_erasure(
    world: World, fake: Faker
) -> None:
    _tenant(world, fake)
    caller, other = Caller(fake), Caller(fake)
    with world.uow() as uow:  # the caller, known from a call that landed
        from dataward.services.calls.parties import PartyResolver
        from dataward.services.keys.batches import INGEST, KeyBatch

        tenant = uow.tenants.get(TENANT)
        assert tenant is not None
        resolver = PartyResolver(world.vault, tenant, keys=KeyBatch(world.vault, INGEST))
        from dataward.domain.calls.records import PartyKind

        resolver.resolve(
            uow, {(PartyKind.PHONE, caller.national): world.clock.now()}, world.clock.now()
        )
        uow.commit()
    migrate.downgrade(world.engine, "0016")
    first_call = f"{EPOCH}|g1|sales|NONE|ENTERQUEUE||{caller.national}|1"
    old_key = _legacy_ingest(
        world,
        901,
        "asterisk-queue-log",
        first_call,
        {
            3: f"{EPOCH + 100}x|b1|sales|NONE|ENTERQUEUE||{caller.national}|1",
            4: None,
            5: f"{EPOCH + 200}x|b2|sales|NONE|ENTERQUEUE||{other.national}|1",
        },
    )
    csv_key = _legacy_ingest(
        world,
        902,
        "generic-csv",
        CSV_HEADER,
        {2: _csv_row("c2", "not a date", other.national)},
    )
    migrate.upgrade(world.engine)

    assert upgrade_legacy_quarantine(world.uow(), world.vault, world.clock, parser_for) == 2
    assert upgrade_legacy_quarantine(world.uow(), world.vault, world.clock, parser_for) == 0

    assert not world.vault.has_key(old_key)
    assert not world.vault.has_key(csv_key)
    with world.engine.connect() as connection:
        kept = connection.execute(
            sa.select(sa.func.count()).where(
                sa.or_(
                    _ingests.c.quarantine_key.is_not(None),
                    _ingests.c.header_ciphertext.is_not(None),
                )
            )
        ).scalar_one()
    assert kept == 0
    # queue_log's first line was a call record: gone; the CSV's header row is kept as a row
    opened = _opened_lines(world)
    assert first_call not in opened
    assert CSV_HEADER in opened
    exported = export_quarantine(world.use_case(ADMIN), TENANT, 902)
    assert exported.splitlines()[0] == CSV_HEADER
    subject = find_subject(
        world.uow(), world.vault, FindSubject("phone", caller.national, tenant_id=TENANT)
    )
    assert subject is not None

    removed = shred(
        world.use_case(world.who_erases(str(subject.id))), Shred(str(subject.id), "erasure_request")
    ).removed

    assert removed["quarantine"] == 1
    assert not any(caller.national in line for line in _opened_lines(world))
    pending = list_quarantine(world.use_case(OPERATOR), TENANT)
    assert [(e.ingest_id, e.line) for e in pending] == [(901, 5), (902, 2)]


def _indexed_as_before(world: World, ingest_id: int, raw: str) -> None:
    """The ingest's line as the code before revision 0021 indexed it: every number anywhere in
    it, its time too; where it was read not said."""
    with world.uow() as uow:
        tenant = uow.tenants.get(TENANT)
        assert tenant is not None
        (line,) = uow.quarantine.lines(TENANT, ingest_id=ingest_id)
        fields = AsteriskQueueLogParser().agent_fields(raw)
        uow.quarantine.reindex(line.id, line_parties(world.vault, tenant, raw, fields), BY_LINE)
        uow.commit()
    with world.engine.begin() as connection:
        connection.execute(
            sa.update(call_quarantine)
            .where(call_quarantine.c.ingest_id == ingest_id)
            .values(parties_from=None)
        )


def _parties_from(world: World, ingest_id: int) -> list[str | None]:
    with world.engine.connect() as connection:
        return list(
            connection.execute(
                sa.select(call_quarantine.c.parties_from).where(
                    call_quarantine.c.ingest_id == ingest_id
                )
            ).scalars()
        )


def test_lines_indexed_before_are_indexed_again_from_their_fields(
    world: World, fake: Faker, tmp_path: Path
) -> None:
    """Another caller's line whose time reads as A's number was A's to the old index: in A's
    export, and erased with A. Indexed again at the upgrade, it is no longer."""
    _tenant(world, fake)
    a_number, b = "01632 960123", Caller(fake)
    calls = tmp_path / "a.log"
    calls.write_text(
        "\n".join(
            [
                f"{EPOCH}|g1|sales|NONE|ENTERQUEUE||{a_number}|1",
                f"{EPOCH + 9}|g1|sales|NONE|ABANDON|1|1|9",
            ]
        )
        + "\n"
    )
    _ingest(world, calls, "asterisk-queue-log")
    a = find_subject(world.uow(), world.vault, FindSubject("phone", a_number, tenant_id=TENANT))
    assert a is not None
    b_line = f"1632960123|b1|sales|NONE|NOSUCHEVENT||{b.national}|1\n"
    b_file = tmp_path / "b.log"
    b_file.write_text(b_line)
    b_ingest = _ingest(world, b_file, "asterisk-queue-log")
    _indexed_as_before(world, b_ingest, b_line)
    with world.uow() as uow:
        before = [line.ingest_id for line in uow.quarantine.naming_subject(str(a.id))]
    assert before == [b_ingest]

    assert reindex_quarantine(world.uow(), world.vault, world.clock, parser_for) == 1
    assert reindex_quarantine(world.uow(), world.vault, world.clock, parser_for) == 0

    assert _parties_from(world, b_ingest) == [BY_FIELDS]
    with world.uow() as uow:
        assert uow.quarantine.naming_subject(str(a.id)) == []
    found = find_quarantined(world.use_case(ADMIN), TENANT, b.national)
    assert [(e.ingest_id, e.line) for e in found] == [(b_ingest, 1)]


def test_a_line_left_readable_naming_an_erased_number_is_erased_at_the_upgrade(
    world: World, fake: Faker, tmp_path: Path
) -> None:
    """Before, a file sent again after an erasure put the erased number back in the
    quarantine; the upgrade erases such a line, and destroys its key."""
    _tenant(world, fake)
    caller, other = Caller(fake), Caller(fake)
    path = tmp_path / "late.log"
    caller_line = f"{EPOCH + 50}x|b1|sales|NONE|ENTERQUEUE||44{caller.core}|1\n"
    path.write_text(caller_line + f"{EPOCH + 60}x|b2|sales|NONE|ENTERQUEUE||{other.national}|1\n")
    ingest_id = _ingest(world, path, "asterisk-queue-log")
    with world.engine.begin() as connection:
        connection.execute(
            sa.update(call_quarantine)
            .where(call_quarantine.c.ingest_id == ingest_id)
            .values(parties_from=None)
        )
    with world.uow() as uow:  # the caller's erasure, as the record keeps it
        tenant = uow.tenants.get(TENANT)
        assert tenant is not None
        index = world.vault.blind_index(TENANT, "phone", "+44" + caller.core)
        when = recorded_time(world.clock.now())
        key = erased_number_key(world.vault, TENANT)
        uow.erased_numbers.add(
            TENANT, [erased_digest(key, index)], at=when, keep_until=kept_until(tenant, when)
        )
        uow.commit()
    keys = [line.key_id for line in _pending_lines(world, ingest_id)]

    assert reindex_quarantine(world.uow(), world.vault, world.clock, parser_for) == 2

    assert not any(caller.core in line for line in _opened_lines(world))
    listed = list_quarantine(world.use_case(OPERATOR), TENANT, include_resolved=True)
    assert [(e.line, e.resolution) for e in listed] == [(1, "erased"), (2, None)]
    assert not world.vault.has_key(str(keys[0]))
    assert world.vault.has_key(str(keys[1]))


def _pending_lines(world: World, ingest_id: int) -> list[QuarantinedLine]:
    with world.uow() as uow:
        return uow.quarantine.lines(TENANT, ingest_id=ingest_id)
