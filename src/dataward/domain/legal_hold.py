"""What an erasure must keep (Art. 17(3)(b)), until when, and who must be told (Art. 19).

Pure rules over the register:

- **Tax-held categories.** A purpose on *legal obligation*, reported to an authority (the tax
  authority is among its recipients), whose retention rule is tax-driven (a term running from
  the financial year end of the last transaction, or a `tax_enquiry` hold) keeps its
  categories for the subject kinds it covers, whatever the person asks: in the shipped
  register `business_compliance` keeps identity, contact, financial and transaction data of
  end users, channel partners and customer contacts. A marketing contact or website
  visitor is no subject of it, so nothing of theirs is kept.
- **Until when.** The rule's terms on exact calendar dates (`domain.retention`); an event not
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
from typing import Final

from dataward.domain.register import LawfulBasis, Register, RetentionEvent, RetentionRule
from dataward.domain.register_terms import HoldKind, RecipientKind
from dataward.domain.retention import RetentionOutcome, delete_after

TAX_GROUND: Final = "legal_obligation_tax"
"""The ground recorded for what a tax rule keeps (Art. 17(3)(b))."""


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
    """Categories a legal obligation keeps for one subject kind, and the rule that keeps them."""

    categories: frozenset[str]
    rule: RetentionRule | None
    purposes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.categories)


def is_tax_driven(rule: RetentionRule) -> bool:
    """Whether a rule keeps data because tax law does: a term from the financial year end of
    the last transaction, or a tax-enquiry hold."""
    return HoldKind.TAX_ENQUIRY in rule.holds or any(
        term.runs_from is RetentionEvent.FINANCIAL_YEAR_END_OF_LAST_TRANSACTION
        for term in rule.terms
    )


def tax_held_categories(register: Register, subject_kind: str) -> HeldCategories:
    """The categories of a subject of `subject_kind` that tax law keeps from erasure."""
    categories: set[str] = set()
    rule: RetentionRule | None = None
    purposes: list[str] = []
    for purpose in register.purposes:
        if purpose.lawful_basis is not LawfulBasis.LEGAL_OBLIGATION:
            continue
        if subject_kind not in purpose.subject_kinds:
            continue
        candidate = register.retention_rule(purpose.retention)
        if not is_tax_driven(candidate) or not _reported_to_an_authority(
            register, purpose.recipients
        ):
            continue
        categories.update(purpose.categories)
        purposes.append(purpose.key)
        rule = candidate if rule is None else rule
    return HeldCategories(frozenset(categories), rule, tuple(purposes))


def _reported_to_an_authority(register: Register, recipients: list[str]) -> bool:
    """Whether an authority (the tax authority) is among the purpose's recipients: what sets a
    tax record apart from other legal-obligation processing (secure storage, notices)."""
    return any(
        r.key in recipients and r.kind is RecipientKind.AUTHORITY for r in register.recipients
    )


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
