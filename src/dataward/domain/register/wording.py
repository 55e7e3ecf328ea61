"""The register's terms in words, shared by the notice, the record of processing and the CLI.

One wording per fact, so the public notice and the record given to the regulator cannot say a
retention period or a transfer safeguard two different ways. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable

from dataward.domain.register.model import (
    Derogation,
    HoldKind,
    LawfulBasis,
    RetentionEvent,
    RetentionRule,
    Transfer,
    TransferMechanism,
)
from dataward.domain.register.transfers import EEA, HOME

EVENT_WORDS: dict[RetentionEvent, str] = {
    RetentionEvent.COLLECTION: "collection",
    RetentionEvent.RELATIONSHIP_END: "the end of the relationship",
    RetentionEvent.FINANCIAL_YEAR_END_OF_LAST_TRANSACTION: (
        "the end of the financial year of the last transaction"
    ),
    RetentionEvent.LAST_INTERACTION: "the last interaction",
    RetentionEvent.CONSENT_WITHDRAWN: "the withdrawal of consent",
    RetentionEvent.CALL_END: "the end of the call",
    RetentionEvent.CONTRACT_END: "the end of the contract",
    RetentionEvent.REQUEST_CLOSED: "the closing of the request or complaint",
    RetentionEvent.SESSION_END: "the end of the session",
}
HOLD_WORDS: dict[HoldKind, str] = {
    HoldKind.LEGAL_CLAIMS: "legal claims",
    HoldKind.TAX_ENQUIRY: "a tax enquiry",
    HoldKind.REGULATORY_INVESTIGATION: "a regulatory investigation",
    HoldKind.OPEN_RIGHTS_REQUEST: "an open rights request",
}
MECHANISM_WORDS: dict[TransferMechanism, str] = {
    TransferMechanism.NOT_RESTRICTED: "not a restricted transfer (the data stays in the UK)",
    TransferMechanism.ADEQUACY: "UK adequacy regulations",
    TransferMechanism.IDTA: "the International Data Transfer Agreement (IDTA)",
    TransferMechanism.UK_ADDENDUM: (
        "the UK Addendum to the EU standard contractual clauses (International Data Transfer "
        "Addendum)"
    ),
    TransferMechanism.BCR: "binding corporate rules approved by the ICO (Art. 47)",
    TransferMechanism.CODE_OF_CONDUCT: "an approved code of conduct (Art. 46(2)(e))",
    TransferMechanism.CERTIFICATION: "an approved certification (Art. 46(2)(f))",
    TransferMechanism.DEROGATION: "an Art. 49 derogation",
}
DEROGATION_WORDS: dict[Derogation, str] = {
    Derogation.EXPLICIT_CONSENT: "your explicit consent",
    Derogation.CONTRACT_WITH_SUBJECT: "a contract with you",
    Derogation.CONTRACT_IN_SUBJECT_INTEREST: "a contract made in your interest",
    Derogation.PUBLIC_INTEREST: "important reasons of public interest",
    Derogation.LEGAL_CLAIMS: "legal claims",
    Derogation.VITAL_INTERESTS: "vital interests",
    Derogation.PUBLIC_REGISTER: "a public register",
    Derogation.COMPELLING_LEGITIMATE_INTERESTS: "compelling legitimate interests",
}


def describe_period(rule: RetentionRule) -> str:
    """The terms in words: "7 years from ..., or 6 years from ..., whichever is later"."""
    terms = [f"{t.parsed().describe()} from {EVENT_WORDS[t.runs_from]}" for t in rule.terms]
    text = terms[0] if len(terms) == 1 else ", or ".join(terms) + ", whichever is later"
    if rule.set_by_controller:
        text = f"as the customer's contract instructs; where it is silent, {text}"
    return text


def describe_holds(rule: RetentionRule) -> str | None:
    if not rule.holds:
        return None
    return "Kept longer only while needed for " + _or_list(HOLD_WORDS[h] for h in rule.holds)


def describe_retention(rule: RetentionRule) -> tuple[str, ...]:
    """The whole rule as text lines: period, holds, anonymisation and legal reference."""
    lines = [f"{rule.name}: {describe_period(rule)}"]
    holds = describe_holds(rule)
    if holds:
        lines.append(holds)
    if rule.anonymise:
        lines.append("Anonymised aggregates may be kept afterwards")
    lines.append(f"Legal reference: {rule.legal_reference}")
    return tuple(lines)


def describe_mechanism(transfer: Transfer) -> str:
    """The safeguard of one transfer in words."""
    mechanism = transfer.mechanism
    if mechanism is None:
        if transfer.country == HOME:
            words = MECHANISM_WORDS[TransferMechanism.NOT_RESTRICTED]
        elif transfer.country in EEA:
            words = "UK adequacy regulations (EEA state, DPA 2018 Sch 21 para 5)"
        else:
            words = "no transfer mechanism recorded"
    else:
        words = MECHANISM_WORDS[mechanism]
    if mechanism is TransferMechanism.ADEQUACY and transfer.dpf_uk_extension:
        words += " (recipient certified to the Data Privacy Framework UK Extension)"
    if transfer.derogation is not None:
        words += f" on the ground of {DEROGATION_WORDS[transfer.derogation]}"
    if transfer.note and transfer.note.lower() not in words.lower():
        words += f"; {transfer.note}"
    return words


def basis_text(basis: LawfulBasis) -> str:
    return f"{basis.label} ({basis.article} UK GDPR)"


# -- building ----------------------------------------------------------------------------------


def _or_list(items: Iterable[str]) -> str:
    words = list(items)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
