"""Binary COPY into PostgreSQL: the bulk path of ingest (calls, their links, their rollups).

Binary COPY sends each value in its type's wire form, dumped in C, where text COPY formats
every time, number and byte string as text first (2.6x slower on a call row, with its three
zoned times). The server reads a binary row by the column's type exactly, so the types are
taken from the table's own columns, in the order the rows give them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Table,
)

from dataward.adapters.sql.types import UTCDateTime

_WIRE_TYPES: tuple[tuple[type, str], ...] = (
    (UTCDateTime, "timestamptz"),
    (SmallInteger, "int2"),  # before Integer: a SmallInteger is an Integer
    (BigInteger, "int8"),
    (Integer, "int4"),
    (Float, "float8"),  # SQLAlchemy's Float is double precision on PostgreSQL (no precision)
    (Boolean, "bool"),
    (LargeBinary, "bytea"),
    (String, "text"),  # varchar's binary form is text's
)


_RANGES = {"int2": (-(2**15), 2**15 - 1), "int4": (-(2**31), 2**31 - 1)}
"""The integer types a binary COPY sends modulo their size: what is out of range is refused."""


@lru_cache(maxsize=64)
def wire_types(table: Table, names: tuple[str, ...]) -> list[str]:
    """The PostgreSQL type of each named column of `table`, for a binary COPY of them."""
    found: list[str] = []
    for name in names:
        column_type = table.c[name].type
        wire = next((w for kind, w in _WIRE_TYPES if isinstance(column_type, kind)), None)
        if isinstance(column_type, Float) and column_type.precision is not None:
            wire = None  # a float4 column: its binary form is not float8's
        if wire is None:
            raise TypeError(f"no binary COPY type for {table.name}.{name}")
        found.append(wire)
    return found


def copy_rows(
    cursor: Any, table: Table, names: tuple[str, ...], rows: Iterable[Sequence[Any]]
) -> None:
    """Rows (values in `names` order) copied into `table` in binary, on a psycopg cursor."""
    sql = f"COPY {table.name} ({', '.join(names)}) FROM STDIN (FORMAT BINARY)"
    types = wire_types(table, names)
    bounded = [(i, names[i], _RANGES[t]) for i, t in enumerate(types) if t in _RANGES]
    with cursor.copy(sql) as copy:
        copy.set_types(types)
        for row in rows:
            for i, name, (low, high) in bounded:  # binary COPY would wrap them round silently
                value = row[i]
                if value is not None and not low <= value <= high:
                    raise ValueError(f"{table.name}.{name} out of range for its column")
            copy.write_row(row)
