"""An ingest keeps a neutral label and a keyed digest of its file's name, never the name: a
file named after a number leaves no trace of it, and whoever has the file can still find its
ingest. Earlier ingests' names are replaced by the migration."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from faker import Faker
from sqlalchemy import Engine, insert, select

from dataward.adapters.ingest.files import file_source
from dataward.adapters.sql import migrate
from dataward.adapters.sql.calls.tables import ingests
from dataward.adapters.sql.engine import checkpoint
from dataward.domain.calls.ingest_names import NAME_DIGEST, name_digest
from dataward.domain.clock import FixedClock
from dataward.domain.errors import ActionNotAllowed
from dataward.domain.subjects import Actor
from dataward.services.calls.ingest import IngestCalls, ingest
from dataward.services.calls.names import find_ingests
from dataward.services.quarantine.lines import list_quarantine
from tests.builders import NOW, TENANT_A, TENANT_B
from tests.integration.world import World

OPERATOR = Actor(id="staff-operator", role="operator")
ADMIN_B = Actor(id="admin-b", role="tenant_admin", tenant_id=TENANT_B)


def _number(fake: Faker) -> str:
    return f"07700900{fake.unique.random_int(100, 999)}"


def _call_file(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text(
        "1764000000|1.1|sales|NONE|ENTERQUEUE||anonymous|1\n"
        "1764000009|1.1|sales|NONE|ABANDON|1|1|9\n"
        "1764000100x|2.1|sales|NONE|ENTERQUEUE||anonymous|1\n"
    )
    return path


def test_a_file_named_after_a_number_is_kept_as_a_label_and_a_digest(
    world: World, fake: Faker, tmp_path: Path, backend: str
) -> None:
    number = _number(fake)
    path = _call_file(tmp_path, f"{number}-calls.log")
    report = ingest(
        world.use_case(OPERATOR),
        IngestCalls(
            TENANT_A, [file_source(path, format_name="asterisk-queue-log")], quarantine=True
        ),
    )
    (ingest_id,) = report.ingest_ids
    assert report.labels == [f"file-{ingest_id}.log"]
    with world.uow() as uow:
        record = uow.calls.ingest(ingest_id)
    assert record is not None
    assert record.source == f"file-{ingest_id}.log"
    key = world.vault.record_key(TENANT_A, NAME_DIGEST)
    assert record.source_digest == name_digest(key, path.name)
    (line,) = list_quarantine(world.use_case(OPERATOR), TENANT_A)
    assert line.source == f"file-{ingest_id}.log"
    assert number not in line.reason

    def found(name: str, tenant: str = TENANT_A, actor: Actor = OPERATOR) -> list[int]:
        return [f.id for f in find_ingests(world.use_case(actor), tenant, name)]

    assert found(path.name) == [ingest_id]
    assert found(str(tmp_path / "elsewhere" / path.name)) == [ingest_id]  # the name, not where
    assert found(f"{number}-calls.csv") == []
    assert found(path.name, tenant=TENANT_B, actor=ADMIN_B) == []  # keyed per tenant
    with pytest.raises(ActionNotAllowed):
        found(path.name, actor=ADMIN_B)
    if backend == "sqlite":
        assert checkpoint(world.engine)
        assert checkpoint(world.keystore)
        files = world_files(tmp_path)
        assert files
        assert all(number.encode() not in p.read_bytes() for p in files)


def world_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(("dataward.db", "keys.db"))]


def _digest(tenant_id: str, name: str) -> bytes:
    return name_digest(tenant_id.encode().ljust(32, b"\0"), name)


def _row(ingest_id: int, source: str, replay_of: int | None = None) -> dict[str, object]:
    return {
        "id": ingest_id,
        "tenant_id": TENANT_A,
        "source": source,
        "format": "asterisk-queue-log",
        "actor": "staff-operator",
        "started_at": datetime(2026, 11, 1, tzinfo=UTC),
        "calls_read": 1,
        "stored": 1,
        "duplicates": 0,
        "bad": 0,
        "replay_of": replay_of,
    }


@pytest.mark.parametrize("digest", [_digest, None], ids=["with_key", "without_key"])
def test_the_migration_replaces_earlier_file_names_by_labels(
    engine: Engine,
    backend: str,
    tmp_path: Path,
    fake: Faker,
    digest: Callable[[str, str], bytes] | None,
) -> None:
    number = _number(fake)
    migrate.upgrade(engine, "0014")
    with engine.begin() as connection:  # rows as 0014 had them: no source_digest yet
        connection.execute(
            insert(ingests),
            [
                _row(1, f"/srv/pbx/{number}-calls.log"),
                _row(2, "batch"),
                _row(3, "ingest-1-replay", replay_of=1),
                _row(4, f"calls.{number}"),
            ],
        )
    migrate.upgrade(engine, name_digest=digest)
    with engine.connect() as connection:
        rows = connection.execute(
            select(ingests.c.id, ingests.c.source, ingests.c.source_digest).order_by(ingests.c.id)
        ).all()
    assert [(r.id, r.source) for r in rows] == [
        (1, "file-1.log"),
        (2, "batch-2"),
        (3, "replay-3"),
        (4, "file-4"),
    ]
    digests = [None if r.source_digest is None else bytes(r.source_digest) for r in rows]
    if digest is None:
        assert digests == [None] * 4
    else:
        assert digests == [
            _digest(TENANT_A, f"{number}-calls.log"),
            None,
            None,
            _digest(TENANT_A, f"calls.{number}"),
        ]
    if backend == "sqlite":
        assert checkpoint(engine)
        assert all(number.encode() not in p.read_bytes() for p in world_files(tmp_path))


def test_init_digests_earlier_file_names_with_the_tenants_key(tmp_path: Path, fake: Faker) -> None:
    from dataward.bootstrap import bootstrap
    from dataward.config import Settings
    from dataward.installation import initialise

    number = _number(fake)
    container = bootstrap(Settings(data_dir=tmp_path / "var"), clock=FixedClock(NOW))
    try:
        initialise(container, load_register=False)
        migrate.downgrade(container.engine, "0014")  # an installation from before 0015
        with container.engine.begin() as connection:
            connection.execute(insert(ingests), [_row(1, f"/srv/{number}-calls.log")])
        initialise(container, load_register=False)
        with container.uow() as uow:
            record = uow.calls.ingest(1)
        key = container.vault().record_key(TENANT_A, NAME_DIGEST)
    finally:
        container.close()
    assert record is not None
    assert (record.source, record.source_digest) == (
        "file-1.log",
        name_digest(key, f"{number}-calls.log"),
    )
