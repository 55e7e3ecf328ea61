"""Engines for SQLite and PostgreSQL, configured the same way wherever they are made.

An SQLite file is created with mode 0600 before SQLite opens it; SQLite gives its write-ahead
log and shared-memory files (`-wal`, `-shm`) the database file's mode, so they are 0600 too.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from dataward.adapters.private_files import create_private

READ_ONLY = "dataward_read_only"
"""Execution option: this connection only reads, so SQLite need not take the write lock."""

IN_LIST = 500
"""The most values one `IN (...)` list is given: far below SQLite's bound on parameters, and
short enough for PostgreSQL to plan quickly; longer lists are asked for in chunks."""

T = TypeVar("T")


def in_chunks(values: Sequence[T]) -> Iterator[list[T]]:
    """`values` in lists of at most `IN_LIST`, in order."""
    for start in range(0, len(values), IN_LIST):
        yield list(values[start : start + IN_LIST])


def make_engine(url: str, *, echo: bool = False, pool_size: int | None = None) -> Engine:
    """An engine for `url`; SQLite files get their folder, WAL, foreign keys and a busy wait.
    With `pool_size`, a server's engine holds at most that many connections (no overflow)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        bounded = {"pool_size": pool_size, "max_overflow": 0} if pool_size else {}
        engine = create_engine(url, echo=echo, pool_pre_ping=True, **bounded)
        if parsed.get_backend_name() == "postgresql":
            event.listen(engine, "connect", _postgresql_session)
        return engine
    if (
        parsed.database
        and parsed.database != ":memory:"
        and not parsed.database.startswith("file:")
    ):
        path = Path(parsed.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        create_private(path)
    engine = create_engine(url, echo=echo)
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _postgresql_session(dbapi_connection: Any, _record: Any) -> None:
    # No JIT: its compile time (about 100 ms) dwarfs the short look-ups and updates of one
    # subject, which the planner costs high over a big partitioned table of calls whose agent
    # column has few distinct values; nothing here runs long enough to win it back.
    cursor = dbapi_connection.cursor()
    cursor.execute("SET jit = off")
    cursor.close()
    dbapi_connection.commit()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, open transactions, so BEGIN IMMEDIATE below takes the
    # write lock at the start of every transaction: one writer at a time, no upgrade deadlocks.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA secure_delete=ON")
    # FULL: a committed erasure or key destruction survives power loss, not just a crash.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def checkpoint(engine: Engine, *, attempts: int = 5, wait: float = 0.05) -> bool:
    """Fold SQLite's write-ahead log into the database file and truncate it; True if it did.

    After a shred this leaves no copy of overwritten pages in the WAL. A reader that still uses
    the WAL (an open read transaction) keeps the checkpoint from finishing: it is tried
    `attempts` times, `wait` seconds apart, and False is returned if readers still held the WAL,
    so the caller can say that the purge is incomplete. Runs outside any transaction, which the
    PRAGMA requires. A no-op returning True on other backends.
    """
    if engine.dialect.name != "sqlite":
        return True
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        assert driver is not None  # noqa: S101 - a live pool connection always has one
        (timeout,) = driver.execute("PRAGMA busy_timeout").fetchone()
        # TRUNCATE calls the busy handler while readers use the WAL; with the engine's 30 s
        # wait one busy reader would stall the caller, so wait briefly here and retry instead.
        driver.execute(f"PRAGMA busy_timeout={int(wait * 1000)}")
        try:
            for attempt in range(attempts):
                busy, log, checkpointed = driver.execute(
                    "PRAGMA wal_checkpoint(TRUNCATE)"
                ).fetchone()
                if not busy and log == checkpointed:
                    return True
                if attempt + 1 < attempts:
                    time.sleep(wait)
            return False
        finally:
            driver.execute(f"PRAGMA busy_timeout={int(timeout)}")
    finally:
        raw.close()
