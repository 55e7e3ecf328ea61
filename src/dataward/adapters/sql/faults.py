"""The errors that say a database is away or cannot be written (full, restarting, refusing
connections), whichever layer raised them: SQLAlchemy's, or the driver's own from the bulk
paths that use its cursor directly."""

from __future__ import annotations

import sqlite3

import psycopg
from sqlalchemy.exc import OperationalError

STORE_UNAVAILABLE: tuple[type[Exception], ...] = (
    OperationalError,
    sqlite3.OperationalError,
    psycopg.OperationalError,
)
