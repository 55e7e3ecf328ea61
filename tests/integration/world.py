"""A wired system on real databases for integration tests: data, key store, vault, clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from dataward.adapters.keyfile import create_master_key_file, read_master_key_file
from dataward.adapters.register_file import load_register_file
from dataward.adapters.sql import migrate
from dataward.adapters.sql.engine import make_engine
from dataward.adapters.sql.uow import SqlUnitOfWork
from dataward.adapters.vault.keystore import MasterKeys, SqlVault
from dataward.domain.clock import FixedClock
from dataward.domain.register import Register
from tests.builders import TENANT_A, TENANT_B, a_tenant


@dataclass
class World:
    engine: Engine
    keystore: Engine
    vault: SqlVault
    clock: FixedClock
    register: Register
    key_file: Path

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)


def make_world(database_url: str, keystore_url: str, tmp_path: Path) -> Iterator[World]:
    """Migrated databases, a master key file, and tenants A and B (region GB)."""
    engine = make_engine(database_url)
    keystore = make_engine(keystore_url)
    migrate.upgrade(engine)
    migrate.upgrade(keystore, store="keystore")
    key_file = tmp_path / "master.key"
    create_master_key_file(key_file)
    clock = FixedClock(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    vault = SqlVault(keystore, MasterKeys(read_master_key_file(key_file)), clock)
    vault.ensure_index_key()
    with SqlUnitOfWork(engine) as uow:
        for tenant_id in (TENANT_A, TENANT_B):
            uow.tenants.add(a_tenant(tenant_id))
        uow.commit()
    yield World(engine, keystore, vault, clock, load_register_file().register, key_file)
    engine.dispose()
    keystore.dispose()
