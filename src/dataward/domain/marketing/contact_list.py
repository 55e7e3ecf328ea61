"""A marketing list to import: CSV with a header naming its columns (`email`, `phone`, `name`;
an e-mail address or a phone number on every row). Pure.

A row that is not right refuses the whole list, with an error naming the line and the field
and never the value: a list lands whole or not at all.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Final

from dataward.domain.errors import InvalidIdentifier, InvalidValue
from dataward.domain.identifiers import Identifier, IdentifierType, normalise

COLUMNS: Final = {
    "email": IdentifierType.EMAIL,
    "phone": IdentifierType.PHONE,
    "name": IdentifierType.NAME,
}
MOST_ROWS: Final = 100_000
MOST_BYTES: Final = 16 * 1024 * 1024


ListRefused = InvalidValue
"""A list refused whole: `field` names its line (and column), never a value."""


@dataclass(frozen=True, slots=True)
class ListedContact:
    line: int
    identifiers: tuple[Identifier, ...] = field(repr=False)


def read_list(text: str) -> list[ListedContact]:
    source = "list"
    if len(text) > MOST_BYTES:
        raise ListRefused(source, f"at most {MOST_BYTES} characters")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ListRefused(f"{source}, line 1", "a header naming the columns") from None
    except csv.Error:
        raise ListRefused(f"{source}, line 1", "a CSV header") from None
    columns = [c.strip().lower() for c in header]
    for number, column in enumerate(columns, start=1):
        if column not in COLUMNS:
            raise ListRefused(f"{source}, line 1, column {number}", "one of email, phone, name")
    if len(set(columns)) != len(columns):
        raise ListRefused(f"{source}, line 1", "each column once")
    if not {"email", "phone"} & set(columns):
        raise ListRefused(f"{source}, line 1", "an email or a phone column")
    contacts: list[ListedContact] = []
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(contacts) >= MOST_ROWS:
                raise ListRefused(source, f"at most {MOST_ROWS} rows")
            contacts.append(_contact(source, line, columns, row))
    except csv.Error:
        raise ListRefused(f"{source}, line {reader.line_num}", "a CSV row") from None
    return contacts


def _contact(source: str, line: int, columns: list[str], row: list[str]) -> ListedContact:
    if len(row) != len(columns):
        raise ListRefused(f"{source}, line {line}", f"{len(columns)} fields")
    found: list[Identifier] = []
    for column, cell in zip(columns, row, strict=True):
        if not cell.strip():
            continue
        try:
            found.append(normalise(COLUMNS[column], cell))
        except (InvalidIdentifier, InvalidValue):
            raise ListRefused(
                f"{source}, line {line}, field {column}", f"a valid {column}"
            ) from None
    if not any(i.type in (IdentifierType.EMAIL, IdentifierType.PHONE) for i in found):
        raise ListRefused(f"{source}, line {line}", "an e-mail address or a phone number")
    return ListedContact(line, tuple(found))
