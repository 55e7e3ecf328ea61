"""What an export to a recipient may carry, and how a cell is written safely: pure rules.

A recipient receives, for a purpose, only the register fields its scope for that purpose lists
(`allowed_fields`). Of those, an export carries what the store holds for a subject: its
identifiers (`domain.identifiers.REGISTER_FIELD`; a name is the first and last name), each
under the type's column, and the subject's random id so the recipient can tell us which person
it means. A field the register allows and the store does not hold (a job title) is simply not
there. A CSV cell that a spreadsheet would run as a formula is written as text (`safe_cell`).
"""

from __future__ import annotations

from collections.abc import Iterable

from dataward.domain.identifiers import REGISTER_FIELD, IdentifierType
from dataward.domain.processing.legal_hold import IDENTIFIER_FIELDS
from dataward.domain.register.model import Recipient
from dataward.domain.sharing.records import ShareRefused

SUBJECT_COLUMN = "subject_id"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def allowed_fields(recipient: Recipient, purpose: str) -> tuple[str, ...]:
    """The fields ("category.field") the recipient's scopes give it for `purpose`, in order;
    `ShareRefused` when no scope of it covers the purpose."""
    fields = [f for scope in recipient.scopes if purpose in scope.purposes for f in scope.fields]
    if not fields:
        raise ShareRefused(
            f"recipient {recipient.key!r} receives no data for purpose {purpose!r} in the register"
        )
    return tuple(dict.fromkeys(fields))


def exported_types(fields: Iterable[str]) -> tuple[IdentifierType, ...]:
    """The identifier types an export of `fields` carries: each whose register field is one of
    them all (a name is stored whole: it goes only when its first and last name both may)."""
    wanted = set(fields)
    return tuple(kind for kind, its_fields in IDENTIFIER_FIELDS.items() if its_fields <= wanted)


def category_of(kind: IdentifierType) -> str:
    """The register category an identifier of `kind` (of one of our own subjects) belongs to."""
    return REGISTER_FIELD[kind][0]


def safe_cell(value: str) -> str:
    """`value` as a CSV cell no spreadsheet runs: a leading = + - @ (or a tab or carriage
    return) is prefixed with an apostrophe, which shows it as text."""
    return f"'{value}" if value.startswith(FORMULA_START) else value
