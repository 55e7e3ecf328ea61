"""The register as a fideslang document: systems, privacy declarations and a few custom labels.

One System for our processing as controller and one for our processing as processor (each
customer being the controller there); each register purpose becomes one privacy declaration.
Recipients and processors become "Third Party" / "Service Provider" systems, linked by egress and
ingress data flows, so the data map shows where data goes and from which country it is served.

Register keys map to fideslang's default taxonomy through the explicit tables below. Where the
default taxonomy has no fitting label (telephony activity, rights requests, website visitors,
callers) the export declares a custom one, with its parent in the default taxonomy, and uses it.
The document is checked with fideslang itself by `tests/support/validate_fides.py`, run in a
separate virtual environment because fideslang pins its own pydantic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from dataward.adapters.documents.fides_mappings import (
    CUSTOM_DATA_CATEGORIES,
    CUSTOM_DATA_SUBJECTS,
    CUSTOM_DATA_USES,
    DATA_CATEGORIES,
    DATA_SUBJECTS,
    DATA_USES,
    DEFAULT_DATA_SUBJECT,
    DEFAULT_DATA_USE,
    LEGAL_BASES,
    LEGAL_OBLIGATION_DATA_USE,
    MARKETING_DATA_USE,
    OTHER_TRANSFER_BASIS,
    RECIPIENT_RESPONSIBILITY,
    TRANSFER_BASES,
    UNKNOWN_CATEGORY,
)
from dataward.domain.register.model import (
    Duration,
    LawfulBasis,
    Processor,
    Purpose,
    Recipient,
    Register,
    Role,
    Transfer,
    TransferMechanism,
)
from dataward.domain.register.transfers import HOME, is_restricted_transfer

# -- the export ----------------------------------------------------------------------------------


def export_fides(register: Register) -> dict[str, Any]:
    """A fideslang document (`organization`, `system` and custom taxonomy lists)."""
    org = _slug(register.organisation.legal_name)
    systems = [
        _own_system(register, org, role)
        for role in (Role.CONTROLLER, Role.PROCESSOR)
        if register.purposes_for(role)
    ]
    systems += [_recipient_system(register, org, r) for r in register.recipients]
    systems += [_processor_system(register, org, p) for p in register.processors]
    return {
        "organization": [_organization(register, org)],
        "system": systems,
        "data_category": _custom(CUSTOM_DATA_CATEGORIES, org, parents=True),
        "data_use": _custom(CUSTOM_DATA_USES, org, parents=True),
        "data_subject": _custom(CUSTOM_DATA_SUBJECTS, org, parents=False),
    }


def _organization(register: Register, org: str) -> dict[str, Any]:
    organisation = register.organisation
    dco = register.contacts.data_compliance_officer
    return {
        "fides_key": org,
        "name": organisation.name,
        "description": organisation.controller_scope,
        "controller": {
            "name": organisation.legal_name,
            "address": organisation.registered_address.one_line(),
            "email": dco.email or "",
            "phone": "",
        },
        "data_protection_officer": {
            "name": dco.name,
            "address": dco.address.one_line() if dco.address else "",
            "email": dco.email or "",
            "phone": dco.phone or "",
        },
    }


def _own_system(register: Register, org: str, role: Role) -> dict[str, Any]:
    purposes = register.purposes_for(role)
    key = _own_key(org, role)
    partners = _flows_out(register, role)
    transfers = [
        t for r in register.recipients if _recipient_key(r.key) in partners for t in r.transfers
    ] + [t for p in register.processors if _processor_key(p.key) in partners for t in p.transfers]
    categories = sorted(
        {c for k in register.categories_for(role) for c in _keys_of(register, k.key)}
    )
    organisation = register.organisation
    dco = register.contacts.data_compliance_officer
    scope = (
        organisation.controller_scope if role is Role.CONTROLLER else organisation.processor_scope
    )
    lifetimes = [_seconds(c.lifetime) for c in register.cookies if c.lifetime]
    system: dict[str, Any] = {
        "fides_key": key,
        "organization_fides_key": org,
        "name": f"{organisation.name} ({role.value})",
        "description": scope,
        "system_type": "Service",
        "responsibility": ["Controller" if role is Role.CONTROLLER else "Processor"],
        "legal_name": organisation.legal_name,
        "legal_address": organisation.registered_address.one_line(),
        "dpo": dco.email or dco.name,
        "privacy_policy": dco.web or organisation.website,
        "data_security_practices": " ".join(m.description for m in register.security_measures),
        "processes_personal_data": True,
        "uses_profiling": False,
        "ingress": [{"fides_key": "user", "type": "user", "data_categories": categories}],
        "egress": [
            {"fides_key": target, "type": "system", "data_categories": sorted(shared)}
            for target, shared in partners.items()
        ],
        "privacy_declarations": [_declaration(register, p) for p in purposes],
        **_transfer_fields(transfers),
        "meta": {
            "register_version": register.policy.version,
            "legitimate_interests": {
                p.key: p.legitimate_interest for p in purposes if p.legitimate_interest
            },
            "controller_instructions": {
                p.key: p.controller_instructions for p in purposes if p.controller_instructions
            },
        },
    }
    if role is Role.CONTROLLER and register.cookies:
        system["uses_cookies"] = True
        system["cookie_max_age_seconds"] = max(lifetimes, default=None)
    return system


def _declaration(register: Register, purpose: Purpose) -> dict[str, Any]:
    recipients = [r for r in register.recipients if r.key in purpose.recipients]
    shared = sorted({c for r in recipients for c in _shared(register, purpose, r)})
    basis = purpose.lawful_basis
    return {
        "name": f"{purpose.key}: {purpose.activity}",
        "data_use": _data_use(purpose),
        "data_categories": sorted({c for k in purpose.categories for c in _keys_of(register, k)}),
        "data_subjects": sorted(
            {DATA_SUBJECTS.get(k, DEFAULT_DATA_SUBJECT) for k in purpose.subject_kinds}
        ),
        "legal_basis_for_processing": LEGAL_BASES[basis] if basis is not None else None,
        "flexible_legal_basis_for_processing": basis is None,
        "retention_period": _retention_text(register, purpose.retention),
        "processes_special_category_data": False,
        "data_shared_with_third_parties": bool(recipients),
        "third_parties": "; ".join(r.name for r in recipients) or None,
        "shared_categories": shared,
        "egress": [_recipient_key(r.key) for r in recipients] or None,
        "ingress": ["user"],
    }


def _recipient_system(register: Register, org: str, recipient: Recipient) -> dict[str, Any]:
    system = {
        "fides_key": _recipient_key(recipient.key),
        "name": recipient.name,
        "description": recipient.description,
        "system_type": "Third Party",
        "responsibility": RECIPIENT_RESPONSIBILITY[recipient.kind],
        "meta": {
            "kind": recipient.kind.value,
            "services": recipient.services,
            "own_purposes_allowed": recipient.own_purposes_allowed,
        },
    }
    return _fed_by_us(register, org, system, recipient.transfers)


def _processor_system(register: Register, org: str, processor: Processor) -> dict[str, Any]:
    system = {
        "fides_key": _processor_key(processor.key),
        "name": processor.name,
        "description": processor.service,
        "system_type": "Service Provider",
        "responsibility": ["Processor", "Sub-Processor"]
        if processor.sub_processor
        else ["Processor"],
        "meta": {},
    }
    return _fed_by_us(register, org, system, processor.transfers)


def _fed_by_us(
    register: Register, org: str, system: dict[str, Any], transfers: list[Transfer]
) -> dict[str, Any]:
    """Complete a recipient or processor system: no declarations of its own, fed by ours."""
    system["organization_fides_key"] = org
    system["privacy_declarations"] = []
    system["ingress"] = _flows_in(register, org, system["fides_key"])
    system.update(_transfer_fields(transfers))
    system["meta"]["transfers"] = [_transfer_meta(t) for t in transfers]
    return system


# -- helpers -------------------------------------------------------------------------------------


def _flows_out(register: Register, role: Role) -> dict[str, set[str]]:
    """Systems our `role` system sends data to, with the labels of the data each receives."""
    flows: dict[str, set[str]] = {}
    for purpose in register.purposes_for(role):
        for recipient in register.recipients:
            if recipient.key in purpose.recipients:
                target = flows.setdefault(_recipient_key(recipient.key), set())
                target.update(_shared(register, purpose, recipient))
    own = {c.key for c in register.categories_for(role)}
    for processor in register.processors:
        handled = own & set(processor.categories)
        if handled and (role is Role.CONTROLLER or processor.sub_processor):
            target = flows.setdefault(_processor_key(processor.key), set())
            target.update(c for k in sorted(handled) for c in _keys_of(register, k))
    return flows


def _flows_in(register: Register, org: str, key: str) -> list[dict[str, Any]]:
    flows = []
    for role in (Role.CONTROLLER, Role.PROCESSOR):
        shared = _flows_out(register, role).get(key)
        if shared and register.purposes_for(role):
            flows.append(
                {
                    "fides_key": _own_key(org, role),
                    "type": "system",
                    "data_categories": sorted(shared),
                }
            )
    return flows


def _shared(register: Register, purpose: Purpose, recipient: Recipient) -> set[str]:
    """Labels of the data a recipient receives for a purpose: its scope's fields, else all."""
    fields = {
        field
        for scope in recipient.scopes
        if purpose.key in scope.purposes
        for field in scope.fields
        if field.split(".", 1)[0] in purpose.categories
    }
    if fields:
        return {_field_key(*field.split(".", 1)) for field in fields}
    return {c for k in purpose.categories for c in _keys_of(register, k)}


def _keys_of(register: Register, category_key: str) -> list[str]:
    category = next((c for c in register.categories if c.key == category_key), None)
    if category is None:
        return [_field_key(category_key, "*")]
    return [_field_key(category.key, field.key) for field in category.fields]


def _field_key(category: str, field: str) -> str:
    fields = DATA_CATEGORIES.get(category, {})
    return fields.get(field) or fields.get("*") or UNKNOWN_CATEGORY


def _data_use(purpose: Purpose) -> str:
    if purpose.key in DATA_USES:
        return DATA_USES[purpose.key]
    if purpose.marketing:
        return MARKETING_DATA_USE
    if purpose.lawful_basis is LawfulBasis.LEGAL_OBLIGATION:
        return LEGAL_OBLIGATION_DATA_USE
    return DEFAULT_DATA_USE


def _retention_text(register: Register, rule_key: str) -> str:
    rule = next((r for r in register.retention_rules if r.key == rule_key), None)
    if rule is None:
        return rule_key
    terms = [
        f"{t.duration} ({t.parsed().describe()}) after {t.runs_from.value.replace('_', ' ')}"
        for t in rule.terms
    ]
    text = f"{rule.name}: " + ("the later of " if len(terms) > 1 else "") + " and ".join(terms)
    if rule.holds:
        text += "; longer under a hold for " + ", ".join(
            h.value.replace("_", " ") for h in rule.holds
        )
    if rule.set_by_controller:
        text += "; the controller's instructions set the period (this is the default)"
    return text


def _transfer_fields(transfers: Iterable[Transfer]) -> dict[str, Any]:
    abroad = [t for t in transfers if t.country != HOME]
    bases = {
        TRANSFER_BASES.get(m, OTHER_TRANSFER_BASIS)
        for t in abroad
        if (m := _mechanism(t)) is not None
    }
    return {
        "does_international_transfers": bool(abroad),
        "legal_basis_for_transfers": sorted(bases),
    }


def _mechanism(transfer: Transfer) -> TransferMechanism | None:
    """The mechanism, reading a silent transfer within the UK or to the EEA as the law does."""
    if transfer.mechanism is not None:
        return transfer.mechanism
    if transfer.country == HOME:
        return TransferMechanism.NOT_RESTRICTED
    if not is_restricted_transfer(transfer.country):
        return TransferMechanism.ADEQUACY  # EEA: DPA 2018 Sch 21 para 5
    return None


def _transfer_meta(transfer: Transfer) -> dict[str, Any]:
    mechanism = _mechanism(transfer)
    return {
        "country": transfer.country,
        "mechanism": mechanism.value if mechanism is not None else None,
        "derogation": transfer.derogation.value if transfer.derogation else None,
        "dpf_uk_extension": transfer.dpf_uk_extension,
    }


def _custom(
    entries: tuple[tuple[str, str, str], ...], org: str, *, parents: bool
) -> list[dict[str, Any]]:
    items = []
    for key, name, description in entries:
        item: dict[str, Any] = {
            "fides_key": key,
            "organization_fides_key": org,
            "name": name,
            "description": description,
            "is_default": False,
        }
        if parents:
            item["parent_key"] = key.rsplit(".", 1)[0] if "." in key else None
        items.append(item)
    return items


def _seconds(lifetime: str) -> int:
    duration = Duration.parse(lifetime)
    days = (duration.years * 12 + duration.months) * 365.2425 / 12 + duration.days
    return round(days * 86400)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "organisation"


def _own_key(org: str, role: Role) -> str:
    return f"{org}_as_{role.value}"


def _recipient_key(key: str) -> str:
    return f"recipient_{key}"


def _processor_key(key: str) -> str:
    return f"processor_{key}"
