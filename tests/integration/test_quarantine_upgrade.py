"""Lines quarantined before lines had keys of their own (and before revision 0015, never
indexed) are re-sealed and indexed when the schema is upgraded with the key store at hand, so
erasing the person reaches them; the ingest's key, and the first line it kept whatever the
format, go."""

from __future__ import annotations

import uuid
from datetime import timedelta

import sqlalchemy as sa
from faker import Faker

from dataward.adapters.sql import migrate
from dataward.services.erasure import shred
from dataward.services.quarantine import export_quarantine, list_quarantine
from dataward.services.quarantine_upgrade import upgrade_legacy_quarantine
from dataward.services.setup import parser_for
from dataward.services.subjects import find_subject
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
                id=ingest_id, tenant_id=TENANT, source=f"file-{ingest_id}", format=fmt,
                actor=OPERATOR.id, started_at=now, calls_read=0, stored=0, duplicates=0,
                bad=len(lines), quarantine_key=key,
                header_ciphertext=world.vault.seal(key, first),
            )
        )  # fmt: skip
        for line, text in lines.items():
            connection.execute(
                sa.insert(_lines).values(
                    ingest_id=ingest_id, tenant_id=TENANT, line=line, reason="bad",
                    raw_ciphertext=b"" if text is None else world.vault.seal(key, text),
                    created_at=now, resolved_at=now if text is None else None,
                    resolution="discarded" if text is None else None,
                )
            )  # fmt: skip
    return key


def test_lines_quarantined_before_are_resealed_indexed_and_reached_by_erasure(
    world: World, fake: Faker
) -> None:
    _tenant(world, fake)
    caller, other = Caller(fake), Caller(fake)
    with world.uow() as uow:  # the caller, known from a call that landed
        from dataward.services.call_parties import PartyResolver
        from dataward.services.key_batches import INGEST, KeyBatch

        tenant = uow.tenants.get(TENANT)
        assert tenant is not None
        resolver = PartyResolver(world.vault, tenant, keys=KeyBatch(world.vault, INGEST))
        from dataward.domain.calls import PartyKind

        resolver.resolve(uow, {(PartyKind.PHONE, caller.national): world.clock.now()},
                         world.clock.now())  # fmt: skip
        uow.commit()
    migrate.downgrade(world.engine, "0016")
    first_call = f"{EPOCH}|g1|sales|NONE|ENTERQUEUE||{caller.national}|1"
    old_key = _legacy_ingest(
        world, 901, "asterisk-queue-log", first_call,
        {3: f"{EPOCH + 100}x|b1|sales|NONE|ENTERQUEUE||{caller.national}|1", 4: None,
         5: f"{EPOCH + 200}x|b2|sales|NONE|ENTERQUEUE||{other.national}|1"},
    )  # fmt: skip
    csv_key = _legacy_ingest(
        world, 902, "generic-csv", CSV_HEADER,
        {2: _csv_row("c2", "not a date", other.national)},
    )  # fmt: skip
    migrate.upgrade(world.engine)

    assert upgrade_legacy_quarantine(world.uow(), world.vault, world.clock, parser_for) == 2
    assert upgrade_legacy_quarantine(world.uow(), world.vault, world.clock, parser_for) == 0

    assert not world.vault.has_key(old_key)
    assert not world.vault.has_key(csv_key)
    with world.engine.connect() as connection:
        kept = connection.execute(
            sa.select(sa.func.count()).where(
                sa.or_(_ingests.c.quarantine_key.is_not(None),
                       _ingests.c.header_ciphertext.is_not(None))
            )
        ).scalar_one()  # fmt: skip
    assert kept == 0
    # queue_log's first line was a call record: gone; the CSV's header row is kept as a row
    opened = _opened_lines(world)
    assert first_call not in opened
    assert CSV_HEADER in opened
    exported = export_quarantine(
        world.uow(), world.vault, world.clock, world.register, ADMIN, TENANT, 902
    )
    assert exported.splitlines()[0] == CSV_HEADER
    subject = find_subject(world.uow(), world.vault, "phone", caller.national, tenant_id=TENANT)
    assert subject is not None

    removed = shred(
        world.uow(), world.vault, world.clock, world.register,
        world.who_erases(str(subject.id)), str(subject.id),
        reason="erasure_request",
    ).removed  # fmt: skip

    assert removed["quarantine"] == 1
    assert not any(caller.national in line for line in _opened_lines(world))
    pending = list_quarantine(world.uow(), world.register, OPERATOR, TENANT)
    assert [(e.ingest_id, e.line) for e in pending] == [(901, 5), (902, 2)]
