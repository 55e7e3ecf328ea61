"""Storing register versions: idempotent, one active at a time, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, update
from sqlalchemy.exc import IntegrityError

from dataward.adapters.register_file import (
    load_register_file,
    parse_register,
    shipped_register_text,
)
from dataward.adapters.sql import migrate
from dataward.adapters.sql.tables import registers
from dataward.adapters.sql.uow import SqlUnitOfWork
from dataward.bootstrap import parse_stored
from dataward.domain.clock import FixedClock
from dataward.domain.errors import RegisterRefused
from dataward.services.ports import NewStoredRegister
from dataward.services.register.store import ActiveRegister, store_register
from tests.builders import NOW

ACTIVE = ActiveRegister(parse_stored)


@pytest.fixture
def migrated(engine: Engine) -> Engine:
    migrate.upgrade(engine)
    return engine


def test_loading_the_same_register_twice_stores_it_once(migrated: Engine) -> None:
    clock = FixedClock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    first = store_register(SqlUnitOfWork(migrated), clock, load_register_file(), "test", ACTIVE)
    clock.advance(timedelta(hours=1))
    second = store_register(SqlUnitOfWork(migrated), clock, load_register_file(), "test", ACTIVE)
    assert first.new_version
    assert not second.new_version
    assert second.stored.id == first.stored.id
    assert second.stored.loaded_at == datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    with SqlUnitOfWork(migrated) as uow:
        assert len(uow.registers.history()) == 1


def test_a_new_version_becomes_the_only_active_one(migrated: Engine) -> None:
    clock = FixedClock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    store_register(SqlUnitOfWork(migrated), clock, load_register_file(), "test", ACTIVE)
    newer = parse_register(
        shipped_register_text().replace('version: "2026.1"', 'version: "2026.2"'), source="new"
    )
    result = store_register(SqlUnitOfWork(migrated), clock, newer, "test", ACTIVE)
    assert result.previously_active is not None
    assert result.previously_active.version == "2026.1"
    with SqlUnitOfWork(migrated) as uow:
        history = uow.registers.history()
    assert [(s.version, s.active) for s in history] == [("2026.1", False), ("2026.2", True)]
    assert (
        ActiveRegister(parse_stored).get(SqlUnitOfWork(migrated)).register.policy.version
        == "2026.2"
    )


def test_the_database_refuses_two_active_registers(migrated: Engine) -> None:
    clock = FixedClock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    store_register(SqlUnitOfWork(migrated), clock, load_register_file(), "test", ACTIVE)
    newer = parse_register(
        shipped_register_text().replace('version: "2026.1"', 'version: "2026.2"'), source="new"
    )
    store_register(SqlUnitOfWork(migrated), clock, newer, "test", ACTIVE)
    with pytest.raises(IntegrityError), migrated.begin() as connection:
        connection.execute(update(registers).values(active=True))


def test_timestamps_come_back_aware_and_in_utc(migrated: Engine) -> None:
    from zoneinfo import ZoneInfo

    london = datetime(2026, 7, 1, 12, 0, tzinfo=ZoneInfo("Europe/London"))
    result = store_register(
        SqlUnitOfWork(migrated), FixedClock(london), load_register_file(), "test", ACTIVE
    )
    assert result.stored.loaded_at == london
    assert result.stored.loaded_at.tzinfo is not None
    assert result.stored.loaded_at.utcoffset() == timedelta(0)


def test_a_failed_unit_of_work_keeps_nothing(migrated: Engine) -> None:
    loaded = load_register_file()

    def add_then_fail() -> None:
        with SqlUnitOfWork(migrated) as uow:
            uow.registers.add(
                NewStoredRegister(
                    version="x",
                    last_updated=loaded.register.policy.last_updated,
                    sha256="0" * 64,
                    source="test",
                    document=loaded.text,
                    loaded_at=datetime(2026, 1, 1, tzinfo=UTC),
                )
            )
            raise RuntimeError("boom before commit")

    with pytest.raises(RuntimeError, match="boom"):
        add_then_fail()
    with SqlUnitOfWork(migrated) as uow:
        assert uow.registers.history() == []


def test_a_changed_register_under_a_stored_version_is_refused(migrated: Engine) -> None:
    """A version names one text (the notice and the record of processing cite it): a register
    changed but not re-versioned is refused, and nothing is stored."""
    clock = FixedClock(NOW)
    store_register(SqlUnitOfWork(migrated), clock, load_register_file(), "test", ACTIVE)
    changed = parse_register(
        shipped_register_text().replace("Akixi", "Akixi Ltd", 1), source="changed.yaml"
    )
    with pytest.raises(RegisterRefused, match=r"version 2026\.1 is stored with other text"):
        store_register(SqlUnitOfWork(migrated), clock, changed, "test", ACTIVE)
    with SqlUnitOfWork(migrated) as uow:
        assert [r.sha256 for r in uow.registers.history()] == [load_register_file().sha256]
