"""What an erasure must keep (Art. 17(3)(b)), until when, and who must be told (Art. 19).

Pure rules over the register:

- **Tax-held fields.** A purpose on *legal obligation*, reported to an authority (the tax
  authority is among its recipients), whose retention rule is tax-driven (a term running from
  the financial year end of the last transaction, or a `tax_enquiry` hold) keeps, for the
  subject kinds it covers and whatever the person asks, the fields that authority may receive
  for it: the fields of the authority's scopes that list the purpose (an authority without
  scopes may receive every field of the purpose's categories). The tax rule justifies the
  records of transactions, not the means of contacting the person: an identifier is kept only
  when one of its register fields (`IDENTIFIER_FIELDS`) is among them. A marketing contact or
  website visitor is no subject of such a purpose, so nothing of theirs is kept.
- **What a held subject may still serve.** Only the purposes the hold exists for (the tax
  purposes) and storage (a legal-obligation purpose allowed under restriction); the gate
  refuses every other use of what is kept (`purposes_under_hold`).
- **Until when.** The rule's terms on exact calendar dates (`domain.processing.retention`); an event
not
  known (the relationship has not ended, the last transaction's date was not given) leaves no
  date, and says which events are missing rather than inventing one.
- **Recipients to tell.** A recipient may have received a category when a read of it for one of
  the recipient's purposes was allowed by the gate, and the recipient's scope (if it has
  scopes) covers that purpose and a field of the category (or the exact field).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Final

from dataward.domain.identifiers import REGISTER_FIELD, IdentifierType
from dataward.domain.processing.retention import RetentionOutcome, delete_after
from dataward.domain.register.model import (
    LawfulBasis,
    Purpose,
    Recipient,
    Register,
    RetentionEvent,
    RetentionRule,
)
from dataward.domain.register.terms import HoldKind, RecipientKind

TAX_GROUND: Final = "legal_obligation_tax"
"""The ground recorded for what a tax rule keeps (Art. 17(3)(b))."""
LITIGATION_GROUND: Final = "litigation_hold"
"""The ground recorded for an erasure request answered while a litigation hold keeps the
subject (Art. 17(3)(b) or (e)): nothing is erased until every hold is lifted, and the first
sweep after that carries the erasure out (`services.rights.erasure.finish_held_erasures`)."""

IDENTIFIER_FIELDS: Final[Mapping[IdentifierType, frozenset[str]]] = MappingProxyType(
    {
        kind: frozenset({f"{category}.{name}"})
        | (frozenset({"identity.last_name"}) if kind is IdentifierType.NAME else frozenset())
        for kind, (category, name) in REGISTER_FIELD.items()
    }
)
"""The register fields ("category.field") an identifier of each type is: a name is the first
and last name, a postal address the billing address, and so on (`REGISTER_FIELD`)."""


@dataclass(frozen=True, slots=True)
class ErasureHold:
    """A subject erased but for what a legal hold keeps; the rest goes on `delete_on`."""

    subject_id: str
    request_id: str | None
    ground: str
    categories: tuple[str, ...]
    delete_on: date | None
    waiting_for: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class HeldCategories:
    """What a legal obligation keeps for one subject kind: the fields ("category.field") and
    their categories, the rule that keeps them and the purposes it keeps them for."""

    categories: frozenset[str]
    rule: RetentionRule | None
    purposes: tuple[str, ...] = ()
    fields: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.categories)

    def keeps(self, kind: IdentifierType | str) -> bool:
        """Whether an identifier of `kind` is kept: one of its fields is a held field."""
        return not self.fields.isdisjoint(IDENTIFIER_FIELDS[IdentifierType(kind)])


def is_tax_driven(rule: RetentionRule) -> bool:
    """Whether a rule keeps data because tax law does: a term from the financial year end of
    the last transaction, or a tax-enquiry hold."""
    return HoldKind.TAX_ENQUIRY in rule.holds or any(
        term.runs_from is RetentionEvent.FINANCIAL_YEAR_END_OF_LAST_TRANSACTION
        for term in rule.terms
    )


def tax_held_categories(register: Register, subject_kind: str) -> HeldCategories:
    """The fields (and their categories) of a subject of `subject_kind` that tax law keeps
    from erasure: those the authority of a tax-driven legal-obligation purpose may receive."""
    fields: set[str] = set()
    rule: RetentionRule | None = None
    purposes: list[str] = []
    for purpose in register.purposes:
        if purpose.lawful_basis is not LawfulBasis.LEGAL_OBLIGATION:
            continue
        if subject_kind not in purpose.subject_kinds:
            continue
        candidate = register.retention_rule(purpose.retention)
        authorities = _authorities(register, purpose.recipients)
        if not is_tax_driven(candidate) or not authorities:
            continue
        purposes.append(purpose.key)
        rule = candidate if rule is None else rule
        for authority in authorities:
            fields.update(_fields_for(register, authority, purpose))
    categories = frozenset(ref.partition(".")[0] for ref in fields)
    return HeldCategories(categories, rule, tuple(purposes), frozenset(fields))


def _authorities(register: Register, recipients: list[str]) -> list[Recipient]:
    """The authorities (the tax authority) among the purpose's recipients: what sets a tax
    record apart from other legal-obligation processing (secure storage, notices)."""
    return [
        r for r in register.recipients if r.key in recipients and r.kind is RecipientKind.AUTHORITY
    ]


def _fields_for(register: Register, recipient: Recipient, purpose: Purpose) -> set[str]:
    """The fields of the purpose's categories `recipient` may receive for it: those of its
    scopes that list the purpose; every field of the categories when it has no scopes."""
    if recipient.scopes:
        return {
            ref
            for scope in recipient.scopes
            if purpose.key in scope.purposes
            for ref in scope.fields
            if ref.partition(".")[0] in purpose.categories
        }
    return {
        f"{category.key}.{f.key}"
        for category in register.categories
        if category.key in purpose.categories
        for f in category.fields
    }


def is_storage(purpose: Purpose) -> bool:
    """Whether a purpose may go on under a hold: on legal obligation and allowed under
    restriction (the register's `secure_storage`, and `rights_and_complaints`, so the person's
    own requests are still answered), as opposed to legal claims, a use of the data."""
    return (
        purpose.allowed_under_restriction and purpose.lawful_basis is LawfulBasis.LEGAL_OBLIGATION
    )


def purposes_under_hold(register: Register, ground: str, subject_kind: str) -> frozenset[str]:
    """The purposes a subject kept by a hold on `ground` may still serve: the purposes the hold
    exists for (a tax hold: the tax-driven legal-obligation purposes) and storage. A subject
    whose erasure waits for a litigation hold may serve, besides, what the register allows
    under restriction (legal claims, Art. 18(2)) and the tax purposes (an enquiry or an
    investigation keeps the records the law keeps). Every other purpose is refused
    (`DenialReason.ERASURE_HELD`); an unknown ground leaves storage only."""
    kept = {p.key for p in register.purposes if is_storage(p) and subject_kind in p.subject_kinds}
    if ground in (TAX_GROUND, LITIGATION_GROUND):
        kept.update(tax_held_categories(register, subject_kind).purposes)
    if ground == LITIGATION_GROUND:
        kept.update(
            p.key
            for p in register.purposes
            if p.allowed_under_restriction and subject_kind in p.subject_kinds
        )
    return frozenset(kept)


def held_until(
    register: Register,
    rule: RetentionRule,
    *,
    relationship_end: date | None,
    last_transaction: date | None,
    collected: date | None = None,
) -> RetentionOutcome:
    """When records kept under `rule` may go: the later of its terms, on exact dates.

    The financial year end is the register's (`organisation.financial_year_end`). An event
    that is unknown is named in `waiting_for` and no date is given.
    """
    events: dict[RetentionEvent, date] = {}
    if relationship_end is not None:
        events[RetentionEvent.RELATIONSHIP_END] = relationship_end
        events[RetentionEvent.CONTRACT_END] = relationship_end
    if last_transaction is not None:
        events[RetentionEvent.FINANCIAL_YEAR_END_OF_LAST_TRANSACTION] = last_transaction
    if collected is not None:
        events[RetentionEvent.COLLECTION] = collected
    return delete_after(rule, events, financial_year_end=register.organisation.financial_year_end)


def recipients_told(
    register: Register,
    disclosed: Iterable[tuple[str, str]],
    *,
    fields: Mapping[str, Iterable[str]] | None = None,
) -> list[str]:
    """Keys of the recipients that may have received data, sorted.

    `disclosed` holds (purpose, category) pairs the gate allowed for the subject. With
    `fields` (category -> field keys), a scoped recipient counts only when its scope lists one
    of those exact fields; without, any field of the category counts.
    """
    found: set[str] = set()
    pairs = set(disclosed)
    for recipient in register.recipients:
        for purpose_key, category in pairs:
            purpose = next((p for p in register.purposes if p.key == purpose_key), None)
            if purpose is None or recipient.key not in purpose.recipients:
                continue
            if category not in purpose.categories:
                continue
            if not recipient.scopes:
                found.add(recipient.key)
                continue
            wanted = (
                None if fields is None else {f"{category}.{f}" for f in fields.get(category, ())}
            )
            for scope in recipient.scopes:
                if purpose_key not in scope.purposes:
                    continue
                if any(
                    (ref in wanted) if wanted is not None else ref.startswith(f"{category}.")
                    for ref in scope.fields
                ):
                    found.add(recipient.key)
    return sorted(found)
