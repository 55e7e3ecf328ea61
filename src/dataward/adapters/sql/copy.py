"""Binary COPY into PostgreSQL: the bulk path of ingest (calls, their links, their rollups).

Binary COPY sends each value in its type's wire form, dumped in C, where text COPY formats
every time, number and byte string as text first (2.6x slower on a call row, with its three
zoned times). The server reads a binary row by the column's type exactly, so the types are
taken from the table's own columns, in the order the rows give them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Boolean, Float, Integer, LargeBinary, SmallInteger, String, Table

from dataward.adapters.sql.types import UTCDateTime

_WIRE_TYPES: tuple[tuple[type, str], ...] = (
    (UTCDateTime, "timestamptz"),
    (SmallInteger, "int2"),  # before Integer: a SmallInteger is an Integer
    (Integer, "int4"),
    (Float, "float8"),  # SQLAlchemy's Float is double precision on PostgreSQL
    (Boolean, "bool"),
    (LargeBinary, "bytea"),
    (String, "text"),  # varchar's binary form is text's
)


@lru_cache(maxsize=64)
def wire_types(table: Table, names: tuple[str, ...]) -> list[str]:
    """The PostgreSQL type of each named column of `table`, for a binary COPY of them."""
    found: list[str] = []
    for name in names:
        column_type = table.c[name].type
        wire = next((w for kind, w in _WIRE_TYPES if isinstance(column_type, kind)), None)
        if wire is None:
            raise TypeError(f"no binary COPY type for {table.name}.{name}")
        found.append(wire)
    return found


def copy_rows(
    cursor: Any, table: Table, names: tuple[str, ...], rows: Iterable[Sequence[Any]]
) -> None:
    """Rows (values in `names` order) copied into `table` in binary, on a psycopg cursor."""
    sql = f"COPY {table.name} ({', '.join(names)}) FROM STDIN (FORMAT BINARY)"
    with cursor.copy(sql) as copy:
        copy.set_types(wire_types(table, names))
        for row in rows:
            copy.write_row(row)
