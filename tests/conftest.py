"""Fixtures shared by every test layer. Kept small: builders and fakes live in their modules."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from dataward.adapters.sql.engine import make_engine
from tests import migrated_schema, shifted_clock
from tests.samples import SAMPLES

POSTGRES_URL = os.environ.get("DATAWARD_TEST_POSTGRES_URL")


def pytest_sessionstart() -> None:
    """Under CI the parser tests must read the real samples, not skip for want of them."""
    if os.environ.get("CI") and not SAMPLES.is_dir():
        raise pytest.UsageError(
            f"CI: the telephony samples are not at {SAMPLES}; set DATAWARD_SAMPLES_DIR"
        )


def pytest_configure() -> None:
    """`make test-shifted`: the session's clock moved by DATAWARD_TEST_SHIFT_DAYS days; and
    fresh databases migrated by replaying the migrations' SQL (`tests.migrated_schema`)."""
    shifted_clock.start()
    migrated_schema.install()


def pytest_report_header() -> str | None:
    return shifted_clock.header()


def _backends() -> list[object]:
    reason = "set DATAWARD_TEST_POSTGRES_URL to run SQL tests on PostgreSQL (.ci/run does)"
    return [
        pytest.param("sqlite", id="sqlite"),
        pytest.param(
            "postgresql", id="postgresql", marks=pytest.mark.skipif(not POSTGRES_URL, reason=reason)
        ),
    ]


@pytest.fixture(params=_backends())
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each backend: a SQLite file, or a PostgreSQL schema."""
    yield from _fresh_database(backend, tmp_path / "dataward.db")


@pytest.fixture
def keystore_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """The key store's own fresh database on the same backend as `database_url`."""
    yield from _fresh_database(backend, tmp_path / "keys.db")


def _fresh_database(backend: str, sqlite_file: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{sqlite_file}"
        return
    assert POSTGRES_URL is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()
