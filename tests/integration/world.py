"""A wired system on real databases for integration tests: data, key store, vault, clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

from sqlalchemy import Engine

from dataward.adapters.keyfile import create_master_key_file, read_master_key_file
from dataward.adapters.register_file import load_register_file
from dataward.adapters.sql import migrate
from dataward.adapters.sql.engine import make_engine
from dataward.adapters.sql.uow import SqlUnitOfWork
from dataward.adapters.vault.keystore import MasterKeys, SqlVault
from dataward.domain.calendar import bank_holidays
from dataward.domain.clock import FixedClock
from dataward.domain.register.model import Register
from dataward.domain.requests.workflow import RequestEvent
from dataward.domain.subjects import Actor
from dataward.services.context import UseCase
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.rights.requests import Step, advance
from tests.builders import EVIDENCE, TENANT_A, TENANT_B, a_tenant


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

    def who_erases(self, subject_id: UUID | str) -> Actor:
        """Who erases the subject on their own word: a tenant's caller, the tenant's own
        administrator (the controller; we are its processor and may not, on our own); one of
        our own subjects, the DCO."""
        with self.uow() as uow:
            subject = uow.subjects.get(subject_id)
        tenant = subject.tenant_id if subject is not None else None
        if tenant is None:
            return Actor(id="staff-dco", role="dco")
        return Actor(id=f"admin-{tenant}", role="tenant_admin", tenant_id=tenant)

    def use_case(self, actor: Actor, register: Register | None = None) -> UseCase:
        """What a use case reaches outside itself, for `actor`, on this world's databases."""
        return UseCase(
            self.uow(), self.vault, self.clock, bank_holidays(), register or self.register, actor
        )

    def working_request(self, actor: Actor, command: NewRequest) -> UUID:
        """A request received, its requester's identity asked for and verified (with the
        evidence staff record), and started: ready to be carried out."""
        view = receive_request(self.use_case(actor), command)
        for event in (
            RequestEvent.ASK_IDENTITY,
            RequestEvent.IDENTITY_VERIFIED,
            RequestEvent.START,
        ):
            advance(self.use_case(actor), view.request.id, Step(event, reason=EVIDENCE.get(event)))
        return view.request.id


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
