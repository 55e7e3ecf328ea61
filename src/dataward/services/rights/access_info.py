"""The supplementary information of a subject access answer (UK GDPR Art. 15(1)(a)-(h) and
15(2)), derived from the register alone, for the purposes that concern the subject's kind.

Pure: no I/O. Every fact comes from the register, as the notice's and the record of
processing's do, so the answer says what the published notice says.
"""

from __future__ import annotations

from typing import Any

from dataward.domain.errors import NotInRegister
from dataward.domain.register.model import Purpose, Register, Role
from dataward.domain.register.ropa import transfers_for
from dataward.domain.register.transfers import HOME
from dataward.domain.register.wording import basis_text, describe_retention

SECTIONS: tuple[tuple[str, str], ...] = (
    ("purposes", "(a) Why we process your data"),
    ("categories", "(b) The kinds of data concerned"),
    ("recipients", "(c) Who receives it, including abroad"),
    ("retention", "(d) How long we keep it"),
    ("rights", "(e) Your rights"),
    ("complaint", "(f) Complaining to the ICO"),
    ("source", "(g) Where the data came from"),
    ("automated_decisions", "(h) Automated decision-making"),
    ("transfer_safeguards", "Art. 15(2) Safeguards for transfers abroad"),
)


def purposes_for_kind(register: Register, kind: str) -> list[Purpose]:
    """The register's purposes that name this kind of subject, in register order."""
    return [p for p in register.purposes if kind in p.subject_kinds]


def supplementary_information(register: Register, kind: str) -> dict[str, Any]:
    """Art. 15(1)(a)-(h) and 15(2) for a subject of `kind`, as plain JSON-ready data."""
    purposes = purposes_for_kind(register, kind)
    category_keys = list(dict.fromkeys(c for p in purposes for c in p.categories))
    return {
        "purposes": [_purpose(p) for p in purposes],
        "categories": [
            {
                "key": c.key,
                "name": c.name,
                "description": c.description,
                "fields": [f.label for f in c.fields],
            }
            for c in (register.category(k) for k in category_keys)
        ],
        "recipients": _recipients(register, purposes),
        "retention": [
            {
                "purpose": p.key,
                "rule": list(describe_retention(register.retention_rule(p.retention))),
            }
            for p in purposes
        ],
        "rights": [
            {"name": r.name, "article": r.article, "description": r.description, "how": r.how}
            for r in register.rights
        ],
        "complaint": _complaint(register),
        "source": _sources(register, kind),
        "automated_decisions": _automated(register),
        "transfer_safeguards": _safeguards(register, purposes),
    }


def _purpose(purpose: Purpose) -> dict[str, Any]:
    if purpose.role is Role.PROCESSOR:
        basis = "set by the customer organisation, the controller, for which we process it"
    else:
        basis = basis_text(purpose.lawful_basis) if purpose.lawful_basis else "not recorded"
    return {
        "key": purpose.key,
        "activity": purpose.activity,
        "role": purpose.role.value,
        "lawful_basis": basis,
        "legitimate_interest": purpose.legitimate_interest or "",
    }


def _recipients(register: Register, purposes: list[Purpose]) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for purpose in purposes:
        for key in purpose.recipients:
            recipient = register.recipient(key)
            countries = list(dict.fromkeys(t.country for t in recipient.transfers))
            entry = out.setdefault(
                recipient.key,
                {
                    "name": recipient.name,
                    "kind": recipient.kind.value,
                    "description": recipient.description,
                    "countries": countries,
                    "abroad": [c for c in countries if c != HOME],
                    "purposes": [],
                },
            )
            entry["purposes"].append(purpose.key)
        wanted = set(purpose.categories)
        for processor in register.processors:
            if not wanted & set(processor.categories):
                continue
            if purpose.role is Role.PROCESSOR and not processor.sub_processor:
                continue
            countries = list(dict.fromkeys(t.country for t in processor.transfers))
            entry = out.setdefault(
                f"processor:{processor.key}",
                {
                    "name": processor.name,
                    "kind": "processor",
                    "description": processor.service,
                    "countries": countries,
                    "abroad": [c for c in countries if c != HOME],
                    "purposes": [],
                },
            )
            entry["purposes"].append(purpose.key)
    return list(out.values())


def _complaint(register: Register) -> dict[str, Any]:
    authority = register.contacts.supervisory_authority
    ours = register.contacts.complaints
    return {
        "authority": authority.name,
        "website": authority.website,
        "complaint_url": authority.complaint_url,
        "address": authority.address.one_line(),
        "phone": authority.phone or "",
        "our_complaints_route": {"email": ours.email, "web_form": ours.web_form},
    }


def _sources(register: Register, kind: str) -> list[dict[str, str]]:
    try:
        subject_kind = register.subject_kind(kind)
    except NotInRegister:
        return []
    return [
        {"name": method.name, "description": method.description}
        for method in (register.collection_method(k) for k in subject_kind.sources)
    ]


def _automated(register: Register) -> dict[str, str]:
    right = next((r for r in register.rights if r.key == "automated_decisions"), None)
    if right is None:
        return {"solely_automated_decisions": "none", "description": "We make no such decisions."}
    return {"solely_automated_decisions": "none", "description": right.description}


def _safeguards(register: Register, purposes: list[Purpose]) -> list[dict[str, str]]:
    seen: dict[tuple[str, str], dict[str, str]] = {}
    for purpose in purposes:
        for entry in transfers_for(register, purpose):
            seen.setdefault(
                (entry.via, entry.country),
                {"recipient": entry.via, "country": entry.country, "safeguard": entry.safeguard},
            )
    return list(seen.values())
