"""The register as W3C Data Privacy Vocabulary (DPV 2.x) JSON-LD.

Each register purpose becomes a `dpv:Process` with its DPV purposes, the Art. 6 legal basis,
the personal data (DPV-PD categories), the data subjects, the recipients, who is controller and
who is processor, and the storage conditions of its retention rule. Recipients and processors
are described once, with where they are; each transfer out of the UK is a `dpv:Process` of
`dpv:Transfer` to a `dpv:hasThirdCountry`, with its safeguard as a `dpv:DataTransferLegalBasis`.

Namespaces: `dpv` https://w3id.org/dpv#, `pd` https://w3id.org/dpv/pd#, `legal-gb`
https://w3id.org/dpv/legal/gb#, `loc` https://w3id.org/dpv/loc#. Our own nodes live under the
organisation's website. The mapping tables below are the whole of the interpretation.
"""

from __future__ import annotations

from typing import Any

from dataward.domain.register.model import (
    LawfulBasis,
    Processor,
    Purpose,
    Recipient,
    RecipientKind,
    Register,
    RetentionRule,
    Role,
    Transfer,
    TransferMechanism,
)
from dataward.domain.register.transfers import HOME, is_restricted_transfer

CONTEXT: dict[str, str] = {
    "dpv": "https://w3id.org/dpv#",
    "pd": "https://w3id.org/dpv/pd#",
    "legal-gb": "https://w3id.org/dpv/legal/gb#",
    "loc": "https://w3id.org/dpv/loc#",
    "dct": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
}

PURPOSES: dict[str, tuple[str, ...]] = {
    "register_end_user": ("dpv:ServiceRegistration", "dpv:AccountManagement"),
    "register_channel_partner": ("dpv:ServiceRegistration", "dpv:EstablishContractualAgreement"),
    "correspondence": ("dpv:CommunicationForCustomerCare",),
    "order_delivery": ("dpv:CustomerOrderManagement", "dpv:PaymentManagement"),
    "debt_recovery": ("dpv:CustomerClaimsManagement",),
    "relationship_management": ("dpv:CustomerRelationshipManagement", "dpv:CustomerCare"),
    "relationship_notices": ("dpv:CommunicationManagement", "dpv:LegalCompliance"),
    "relationship_feedback": (
        "dpv:CustomerRelationshipManagement",
        "dpv:ImproveExistingProductsAndServices",
    ),
    "business_administration": (
        "dpv:OrganisationGovernance",
        "dpv:TechnicalServiceProvision",
        "dpv:EnforceSecurity",
        "dpv:FraudPreventionAndDetection",
    ),
    "business_compliance": ("dpv:LegalCompliance", "dpv:RecordManagement"),
    "content_and_advertising": ("dpv:PersonalisedAdvertising",),
    "analytics": ("dpv:ServiceUsageAnalytics", "dpv:ImproveExistingProductsAndServices"),
    "direct_marketing": ("dpv:DirectMarketing",),
    "third_party_marketing": ("dpv:Marketing",),
    "mondago_marketing": ("dpv:DirectMarketing",),
    "mondago_fulfilment": ("dpv:FulfilmentOfContractualObligation",),
    "rights_and_complaints": ("dpv:RightsFulfillment",),
    "telephony_reporting": ("dpv:ServiceProvision",),
    "telephony_support": ("dpv:CustomerCare", "dpv:RepairImpairments"),
}
MARKETING_PURPOSE = "dpv:DirectMarketing"
LEGAL_OBLIGATION_PURPOSE = "dpv:LegalCompliance"
DEFAULT_PURPOSE = "dpv:ServiceProvision"

# UK GDPR Art. 6(1); (e) "public task" is DPV's public interest (or official authority).
LEGAL_BASES: dict[LawfulBasis, str] = {
    LawfulBasis.CONSENT: "dpv:Consent",
    LawfulBasis.CONTRACT: "dpv:Contract",
    LawfulBasis.LEGAL_OBLIGATION: "dpv:LegalObligation",
    LawfulBasis.VITAL_INTERESTS: "dpv:VitalInterest",
    LawfulBasis.PUBLIC_TASK: "dpv:PublicInterest",
    LawfulBasis.LEGITIMATE_INTERESTS: "dpv:LegitimateInterest",
}

# Register category -> field -> DPV-PD concept; "*" labels a field not listed here.
PERSONAL_DATA: dict[str, dict[str, str]] = {
    "identity": {
        "*": "pd:Identifying",
        "first_name": "pd:Name",
        "last_name": "pd:Name",
        "maiden_name": "pd:Name",
        "title": "pd:Name",
        "username": "pd:Username",
        "end_user_id": "pd:UID",
        "job_title": "pd:Job",
        "employer": "pd:CurrentEmployment",
        "date_of_birth": "pd:BirthDate",
    },
    "contact": {
        "*": "pd:Contact",
        "billing_address": "pd:PhysicalAddress",
        "delivery_address": "pd:PhysicalAddress",
        "email": "pd:EmailAddress",
        "telephone": "pd:TelephoneNumber",
    },
    "financial": {
        "*": "pd:Financial",
        "bank_account": "pd:BankAccount",
        "payment_card": "pd:PaymentCard",
    },
    "transaction": {
        "*": "pd:Transactional",
        "payments": "pd:Transaction",
        "products": "pd:Purchase",
        "subscriptions": "pd:Purchase",
    },
    "technical": {
        "*": "pd:DeviceBased",
        "ip_address": "pd:IPAddress",
        "login_data": "pd:AuthenticationHistory",
        "browser": "pd:UserAgent",
        "time_zone_location": "pd:Location",
        "plugins": "pd:DeviceSoftware",
        "platform": "pd:DeviceOperatingSystem",
    },
    "profile": {
        "*": "pd:Profile",
        "credentials": "pd:Password",
        "orders": "pd:Purchase",
        "interests": "pd:Interest",
        "feedback": "pd:Opinion",
        "report_configuration": "pd:Preference",
    },
    "usage": {
        "*": "pd:Behavioral",
        "website_usage": "pd:BrowsingBehavior",
        "product_usage": "pd:ServiceConsumptionBehavior",
    },
    "marketing_communications": {
        "*": "pd:Preference",
        "consent_records": "pd:PrivacyPreference",
        "suppression": "pd:PrivacyPreference",
    },
    "correspondence": {"*": "pd:Communication"},
    "rights_requests": {"*": "pd:Communication"},
    "telephony_activity": {
        "*": "pd:CallLog",
        "calling_number": "pd:TelephoneNumber",
        "called_number": "pd:TelephoneNumber",
        "caller_name": "pd:Name",
        "agent_id": "pd:UID",
        "agent_name": "pd:Name",
    },
}
UNKNOWN_PERSONAL_DATA = "dpv:PersonalData"

DATA_SUBJECTS: dict[str, tuple[str, ...]] = {
    "end_user": ("dpv:User",),
    "channel_partner": ("dpv:Customer",),
    "customer_contact": ("dpv:Customer",),
    "website_visitor": ("dpv:Visitor",),
    "marketing_contact": ("dpv:DataSubject",),
    "caller": ("dpv:DataSubject",),
}
DEFAULT_DATA_SUBJECT = ("dpv:DataSubject",)

RECIPIENT_TYPES: dict[RecipientKind, tuple[str, ...]] = {
    RecipientKind.GROUP_COMPANY: ("dpv:Recipient", "dpv:DataProcessor"),
    RecipientKind.MARKETING_PARTNER: ("dpv:Recipient", "dpv:DataController"),
    RecipientKind.SERVICE_PROVIDER: ("dpv:Recipient", "dpv:DataProcessor"),
    RecipientKind.PROFESSIONAL_ADVISER: ("dpv:Recipient",),
    RecipientKind.AUTHORITY: ("dpv:Recipient", "dpv:ThirdParty"),
}

# UK transfer mechanisms have no DPV concept of their own: each is a DataTransferLegalBasis node.
TRANSFER_MECHANISMS: dict[TransferMechanism, str] = {
    TransferMechanism.ADEQUACY: "UK adequacy regulations (UK GDPR Art. 45; DPA 2018 Sch 21)",
    TransferMechanism.IDTA: "International Data Transfer Agreement (UK GDPR Art. 46(2)(d))",
    TransferMechanism.UK_ADDENDUM: "UK Addendum to the EU standard contractual clauses",
    TransferMechanism.BCR: "Binding corporate rules (UK GDPR Art. 47)",
    TransferMechanism.CODE_OF_CONDUCT: "Approved code of conduct (UK GDPR Art. 46(2)(e))",
    TransferMechanism.CERTIFICATION: "Approved certification (UK GDPR Art. 46(2)(f))",
    TransferMechanism.DEROGATION: "Derogation for a specific situation (UK GDPR Art. 49)",
}


def export_dpv(register: Register) -> dict[str, Any]:
    """A JSON-LD document describing every purpose, recipient, processor and transfer."""
    base = register.organisation.website.rstrip("/") + "/privacy-register#"
    graph: list[dict[str, Any]] = [_organisation(register), _customer(register)]
    graph += [_subject(register, k.key) for k in register.subject_kinds]
    graph += [_process(register, p) for p in register.purposes]
    graph += [_recipient(r) for r in register.recipients]
    graph += [_processor(register, p) for p in register.processors]
    holders: list[tuple[str, Recipient | Processor]] = [
        ("recipient", r) for r in register.recipients
    ]
    holders += [("processor", p) for p in register.processors]
    transfers = [_transfer(k, h, t) for k, h in holders for t in h.transfers if t.country != HOME]
    used = {node["dpv:hasLegalBasis"]["@id"] for node in transfers if "dpv:hasLegalBasis" in node}
    graph += transfers
    graph += [_mechanism_node(m) for m in TRANSFER_MECHANISMS if _mechanism_id(m) in used]
    document = {
        "@id": "dw:register",
        "dct:title": f"{register.organisation.name} register of processing",
        "owl:versionInfo": register.policy.version,
        "dct:modified": {"@value": register.policy.last_updated.isoformat(), "@type": "xsd:date"},
    }
    return {"@context": {**CONTEXT, "dw": base}, "@graph": [document, *graph]}


def _organisation(register: Register) -> dict[str, Any]:
    organisation = register.organisation
    dco = register.contacts.data_compliance_officer
    return {
        "@id": "dw:organisation",
        "@type": ["dpv:Organisation", "dpv:DataController", "dpv:DataProcessor"],
        "dpv:hasName": organisation.legal_name,
        "dpv:hasAddress": organisation.registered_address.one_line(),
        "dpv:hasContact": dco.email or dco.name,
        "dpv:hasJurisdiction": {"@id": f"loc:{organisation.registered_address.country}"},
        "dpv:hasApplicableLaw": [{"@id": "legal-gb:law-GDPR"}, {"@id": "legal-gb:law-DPA"}],
        "dpv:hasAuthority": {"@id": "legal-gb:DPA-GB"},
    }


def _customer(register: Register) -> dict[str, Any]:
    return {
        "@id": "dw:customer",
        "@type": "dpv:DataController",
        "rdfs:label": "Each customer (or its telephony service provider)",
        "rdfs:comment": register.organisation.processor_scope,
    }


def _subject(register: Register, key: str) -> dict[str, Any]:
    kind = register.subject_kind(key)
    return {
        "@id": f"dw:subject/{key}",
        "@type": list(DATA_SUBJECTS.get(key, DEFAULT_DATA_SUBJECT)),
        "rdfs:label": kind.name,
        "rdfs:comment": kind.description,
    }


def _process(register: Register, purpose: Purpose) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@id": f"dw:process/{purpose.key}",
        "@type": "dpv:Process",
        "dct:identifier": purpose.key,
        "rdfs:label": purpose.activity,
        "dpv:hasPurpose": [{"@id": iri} for iri in _purposes(purpose)],
        "dpv:hasPersonalData": _personal_data(register, purpose.categories),
        "dpv:hasDataSubject": [{"@id": f"dw:subject/{k}"} for k in purpose.subject_kinds],
        "dpv:hasRecipient": [{"@id": f"dw:recipient/{k}"} for k in purpose.recipients],
        "dpv:hasApplicableLaw": {"@id": "legal-gb:law-GDPR"},
        "dpv:hasStorageCondition": _storage(register, purpose.retention),
    }
    if purpose.role is Role.CONTROLLER:
        node["dpv:hasDataController"] = {"@id": "dw:organisation"}
    else:
        node["dpv:hasDataController"] = {"@id": "dw:customer"}
        node["dpv:hasDataProcessor"] = {"@id": "dw:organisation"}
    if purpose.lawful_basis is not None:
        node["dpv:hasLegalBasis"] = [{"@id": LEGAL_BASES[purpose.lawful_basis]}]
    notes = [purpose.legitimate_interest, purpose.controller_instructions]
    if any(notes):
        node["rdfs:comment"] = " ".join(note for note in notes if note)
    return node


def _purposes(purpose: Purpose) -> tuple[str, ...]:
    if purpose.key in PURPOSES:
        return PURPOSES[purpose.key]
    if purpose.marketing:
        return (MARKETING_PURPOSE,)
    if purpose.lawful_basis is LawfulBasis.LEGAL_OBLIGATION:
        return (LEGAL_OBLIGATION_PURPOSE,)
    return (DEFAULT_PURPOSE,)


def _personal_data(register: Register, category_keys: list[str]) -> list[dict[str, str]]:
    """DPV-PD concepts for every field of the categories, each once, in register order."""
    found: dict[str, None] = {}
    for key in category_keys:
        table = PERSONAL_DATA.get(key, {})
        category = next((c for c in register.categories if c.key == key), None)
        for field in [f.key for f in category.fields] if category else ["*"]:
            found[table.get(field) or table.get("*") or UNKNOWN_PERSONAL_DATA] = None
    return [{"@id": iri} for iri in found]


def _storage(register: Register, rule_key: str) -> list[dict[str, Any]]:
    rule = next((r for r in register.retention_rules if r.key == rule_key), None)
    if rule is None:
        return []
    return [_term(rule, index) for index in range(len(rule.terms))]


def _term(rule: RetentionRule, index: int) -> dict[str, Any]:
    term = rule.terms[index]
    comment = f"{term.parsed().describe()} from {term.runs_from.value.replace('_', ' ')}"
    if len(rule.terms) > 1:
        comment += "; data is kept until the latest of the rule's terms"
    if rule.holds:
        comment += "; longer while a hold applies: " + ", ".join(h.value for h in rule.holds)
    if rule.set_by_controller:
        comment += "; the controller's instructions set the period, this is the default"
    return {
        "@id": f"dw:retention/{rule.key}/{term.runs_from.value}",
        "@type": "dpv:StorageDuration",
        "rdfs:label": rule.name,
        "dpv:hasDuration": {
            "@type": "dpv:TemporalDuration",
            "rdf:value": {"@value": term.duration, "@type": "xsd:duration"},
        },
        "rdfs:comment": comment,
    }


def _recipient(recipient: Recipient) -> dict[str, Any]:
    return {
        "@id": f"dw:recipient/{recipient.key}",
        "@type": list(RECIPIENT_TYPES[recipient.kind]),
        "dpv:hasName": recipient.name,
        "rdfs:comment": recipient.description,
        "dpv:hasCountry": _countries(recipient.transfers),
    }


def _processor(register: Register, processor: Processor) -> dict[str, Any]:
    types = ["dpv:DataProcessor"] + (["dpv:DataSubProcessor"] if processor.sub_processor else [])
    return {
        "@id": f"dw:processor/{processor.key}",
        "@type": types,
        "dpv:hasName": processor.name,
        "rdfs:comment": processor.service,
        "dpv:hasPersonalData": _personal_data(register, processor.categories),
        "dpv:hasCountry": _countries(processor.transfers),
    }


def _countries(transfers: list[Transfer]) -> list[dict[str, str]]:
    return [{"@id": f"loc:{c}"} for c in dict.fromkeys(t.country for t in transfers)]


def _transfer(kind: str, holder: Recipient | Processor, transfer: Transfer) -> dict[str, Any]:
    mechanism = transfer.mechanism
    if mechanism is None and not is_restricted_transfer(transfer.country):
        mechanism = TransferMechanism.ADEQUACY  # EEA: DPA 2018 Sch 21 para 5
    node: dict[str, Any] = {
        "@id": f"dw:transfer/{kind}/{holder.key}/{transfer.country}",
        "@type": "dpv:Process",
        "dpv:hasProcessing": {"@id": "dpv:Transfer"},
        "dpv:hasRecipient": {"@id": f"dw:{kind}/{holder.key}"},
        "dpv:hasThirdCountry": {"@id": f"loc:{transfer.country}"},
        "dpv:hasDataExporter": {"@id": "dw:organisation"},
    }
    if mechanism is not None and mechanism in TRANSFER_MECHANISMS:
        node["dpv:hasLegalBasis"] = {"@id": _mechanism_id(mechanism)}
    notes = [transfer.note or ""]
    if transfer.derogation is not None:
        notes.append(f"Art. 49 derogation: {transfer.derogation.value.replace('_', ' ')}")
    if transfer.dpf_uk_extension and "Data Privacy Framework" not in notes[0]:
        notes.append("certified to the Data Privacy Framework UK Extension")
    if any(notes):
        node["rdfs:comment"] = "; ".join(note for note in notes if note)
    return node


def _mechanism_id(mechanism: TransferMechanism) -> str:
    return f"dw:transfer-mechanism/{mechanism.value}"


def _mechanism_node(mechanism: TransferMechanism) -> dict[str, Any]:
    return {
        "@id": _mechanism_id(mechanism),
        "@type": "dpv:DataTransferLegalBasis",
        "rdfs:label": TRANSFER_MECHANISMS[mechanism],
    }
