"""Data a purpose requires: what the person must give for a contract, or because the law says
so, and what follows when they do not (UK GDPR Art. 13(2)(e)).

The register marks, per purpose, the fields it cannot be carried out without
(`Purpose.required_fields`); only a purpose resting on a contract or a legal obligation may
(`domain.register.required_checks`). A subject registered for such a purpose, or served under
it, must hold an identifier for each of those fields (`IDENTIFIER_FIELDS` says which identifier
is which field); a field no identifier is (a payment card held by the payment provider) is stated
in the notice but cannot be checked here. Everything said names the register's fields by their
labels, never a value the person gave. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dataward.domain.errors import DatawardError
from dataward.domain.identifiers import IdentifierType
from dataward.domain.processing.legal_hold import IDENTIFIER_FIELDS
from dataward.domain.register.model import LawfulBasis, Purpose, Register

REQUIRING_BASES = frozenset({LawfulBasis.CONTRACT, LawfulBasis.LEGAL_OBLIGATION})
"""The bases under which data can be a requirement: a contract's, or a statutory one."""


def identifier_types_for(field: str) -> frozenset[IdentifierType]:
    """The identifier types that are the register field `field` ("category.field"): a name is
    the first and the last name. Empty for a field no identifier is."""
    return frozenset(kind for kind, fields in IDENTIFIER_FIELDS.items() if field in fields)


def checkable(field: str) -> bool:
    """Whether dataward can tell if a subject gave `field`: some identifier is that field."""
    return bool(identifier_types_for(field))


def missing_fields(purpose: Purpose, held: Iterable[IdentifierType | str]) -> list[str]:
    """The purpose's required fields that no identifier of `held` types is, in register order;
    a field no identifier can be is never reported missing (nothing here could hold it)."""
    kinds = {IdentifierType(kind) for kind in held}
    return [
        field
        for field in purpose.required_fields
        if checkable(field) and not identifier_types_for(field) & kinds
    ]


def requirement(purpose: Purpose) -> str:
    """Whose requirement the data is, in words: the contract's or the law's."""
    if purpose.lawful_basis is LawfulBasis.LEGAL_OBLIGATION:
        return "a statutory requirement"
    return "a contractual requirement"


def field_label(register: Register, field: str) -> str:
    """A field's register label: `contact.email` is "E-mail address"."""
    category, _, name = field.partition(".")
    return next(f.label for f in register.category(category).fields if f.key == name)


def field_words(register: Register, field: str) -> str:
    """A field in plain words, from its register label: `contact.email` is "your e-mail
    address"."""
    label = field_label(register, field)
    lowered = label if label[1:2].isupper() else label[:1].lower() + label[1:]
    return f"your {lowered}"


def in_words(register: Register, fields: Sequence[str]) -> str:
    """Fields in plain words, joined: "your first name and your e-mail address"."""
    words = [field_words(register, field) for field in fields]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


@dataclass(frozen=True, slots=True)
class RequiredData:
    """What a purpose needs of a subject that it does not have, said in plain words."""

    purpose: str
    activity: str
    requirement: str
    missing: tuple[str, ...]
    """`category.field` keys of the register, in its order."""
    words: str


def required_data(register: Register, purpose: Purpose, missing: Sequence[str]) -> RequiredData:
    return RequiredData(
        purpose=purpose.key,
        activity=purpose.activity,
        requirement=requirement(purpose),
        missing=tuple(missing),
        words=in_words(register, missing),
    )


class RequiredDataMissing(DatawardError):
    """A subject registered (or to be served) for a purpose without data the purpose
    requires: names the purpose and the data in words, never a value given."""

    code = "required_data_missing"

    def __init__(self, needed: RequiredData) -> None:
        self.needed = needed
        super().__init__(
            f"purpose {needed.purpose!r} requires {needed.words} ({needed.requirement}): "
            "without it the service cannot be provided"
        )
