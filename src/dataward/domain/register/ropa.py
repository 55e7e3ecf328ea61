"""The record of processing activities (UK GDPR Art. 30), built from the register.

`build_ropa` turns the register into one entry per purpose: controller purposes carry every
Art. 30(1) field and the extras the ICO recommends (lawful basis, legitimate interest, source,
consent); processor purposes carry every Art. 30(2) field. Each entry gives its fields as text
lines under the names in `CONTROLLER_FIELDS` / `PROCESSOR_FIELDS`, which every renderer uses as
its column names. The wording helpers (`describe_mechanism`, `describe_retention`, ...) are
shared with the privacy notice so both documents say the same thing. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypedDict

from dataward.domain.register.model import (
    Contact,
    Derogation,
    LawfulBasis,
    Processor,
    ProcessorTerms,
    Purpose,
    Register,
    Role,
    Transfer,
    TransferMechanism,
)
from dataward.domain.register.required import field_label, requirement
from dataward.domain.register.transfers import HOME
from dataward.domain.register.wording import (
    basis_text,
    describe_mechanism,
    describe_period,
    describe_retention,
)

NONE = "none"
NO_TRANSFERS = "none: the data is not transferred outside the UK"
NO_CONTROLLERS = "none: no customer (tenant) is recorded"
"""What the controllers field says when the tenants table holds no tenant (Art. 30(2)(a) names
each controller; there is none to name)."""

# Art. 30(1)(a)-(g), then what the ICO recommends recording beside them.
CONTROLLER_FIELDS: tuple[str, ...] = (
    "controller",
    "dco",
    "joint_controller",
    "representative",
    "purposes",
    "data_subjects",
    "personal_data",
    "recipients",
    "transfers",
    "erasure_time_limits",
    "security_measures",
)
CONTROLLER_EXTRAS: tuple[str, ...] = (
    "lawful_basis",
    "legitimate_interest",
    "consent_based",
    "sources",
    "required_data",
)
# Art. 30(2)(a)-(d), then what helps the controller and the ICO read the entry.
PROCESSOR_FIELDS: tuple[str, ...] = (
    "processor",
    "controllers",
    "representative",
    "dco",
    "processing",
    "transfers",
    "security_measures",
)
PROCESSOR_EXTRAS: tuple[str, ...] = (
    "data_subjects",
    "personal_data",
    "sub_processors",
    "erasure_time_limits",
)


@dataclass(frozen=True, slots=True)
class Party:
    """A name with its contact details, e.g. the controller or the DCO."""

    name: str
    contact: tuple[str, ...]

    def text(self) -> str:
        return f"{self.name} ({', '.join(self.contact)})" if self.contact else self.name


@dataclass(frozen=True, slots=True)
class TransferEntry:
    """One transfer out of the UK: who receives, where, and under which safeguard."""

    via: str
    country: str
    mechanism: TransferMechanism | None
    derogation: Derogation | None
    safeguard: str

    def text(self) -> str:
        return f"{self.via}, {self.country}: {self.safeguard}"


@dataclass(frozen=True, slots=True)
class ControllerEntry:
    """Art. 30(1) for one controller purpose; `columns()` gives every field as text lines."""

    key: str
    activity: str
    controller: Party
    dco: Party
    data_subjects: tuple[str, ...]
    personal_data: tuple[str, ...]
    recipients: tuple[str, ...]
    transfers: tuple[TransferEntry, ...]
    erasure_time_limits: tuple[str, ...]
    security_measures: tuple[str, ...]
    lawful_basis: str
    legitimate_interest: str | None
    consent_based: bool
    consent_channels: tuple[str, ...]
    sources: tuple[str, ...]
    required_data: str | None = None

    def columns(self) -> dict[str, tuple[str, ...]]:
        return {
            "controller": (self.controller.text(),),
            "dco": (self.dco.text(),),
            "joint_controller": (NONE,),
            "representative": (NONE,),
            "purposes": (f"{self.activity} [{self.key}]",),
            "data_subjects": self.data_subjects,
            "personal_data": self.personal_data,
            "recipients": self.recipients or (NONE,),
            "transfers": tuple(t.text() for t in self.transfers) or (NO_TRANSFERS,),
            "erasure_time_limits": self.erasure_time_limits,
            "security_measures": self.security_measures,
            "lawful_basis": (self.lawful_basis,),
            "legitimate_interest": (self.legitimate_interest or "not applicable",),
            "consent_based": (
                f"yes: {', '.join(self.consent_channels) or 'consent'}"
                if self.consent_based
                else "no",
            ),
            "sources": self.sources,
            "required_data": (self.required_data or "none",),
        }


@dataclass(frozen=True, slots=True)
class ProcessorEntry:
    """Art. 30(2) for one processor purpose; `columns()` gives every field as text lines."""

    key: str
    activity: str
    processor: Party
    controllers: tuple[Party, ...]
    dco: Party
    instructions: str
    transfers: tuple[TransferEntry, ...]
    security_measures: tuple[str, ...]
    data_subjects: tuple[str, ...]
    personal_data: tuple[str, ...]
    sub_processors: tuple[str, ...]
    erasure_time_limits: tuple[str, ...]

    def columns(self) -> dict[str, tuple[str, ...]]:
        return {
            "processor": (self.processor.text(),),
            "controllers": tuple(c.text() for c in self.controllers) or (NO_CONTROLLERS,),
            "representative": (NONE,),
            "dco": (self.dco.text(),),
            "processing": (
                f"{self.activity} [{self.key}]",
                f"Controller's instructions: {self.instructions}",
            ),
            "transfers": tuple(t.text() for t in self.transfers) or (NO_TRANSFERS,),
            "security_measures": self.security_measures,
            "data_subjects": self.data_subjects,
            "personal_data": self.personal_data,
            "sub_processors": self.sub_processors or (NONE,),
            "erasure_time_limits": self.erasure_time_limits,
        }


@dataclass(frozen=True, slots=True)
class RecordOfProcessing:
    organisation: str
    policy_version: str
    last_updated: date
    controller: tuple[ControllerEntry, ...]
    processor: tuple[ProcessorEntry, ...]


def build_ropa(
    register: Register, controllers: Sequence[tuple[str, str]] = ()
) -> RecordOfProcessing:
    """The Art. 30 record; `controllers` lists the customers (name, contact) we process for:
    every tenant, from the tenants table (`services.register.controllers`)."""
    organisation = _organisation(register)
    dco = contact_party(register.contacts.data_compliance_officer)
    customers = tuple(Party(name, (contact,) if contact else ()) for name, contact in controllers)
    return RecordOfProcessing(
        organisation=register.organisation.legal_name,
        policy_version=register.policy.version,
        last_updated=register.policy.last_updated,
        controller=tuple(
            _controller_entry(register, purpose, organisation, dco)
            for purpose in register.purposes_for(Role.CONTROLLER)
        ),
        processor=tuple(
            _processor_entry(register, purpose, organisation, dco, customers)
            for purpose in register.purposes_for(Role.PROCESSOR)
        ),
    )


# -- wording shared with the privacy notice --------------------------------------------------


def contact_party(contact: Contact) -> Party:
    address = contact.address.one_line() if contact.address else None
    details = (contact.email, contact.phone, address, contact.web)
    return Party(contact.name, tuple(detail for detail in details if detail))


def transfers_for(register: Register, purpose: Purpose) -> tuple[TransferEntry, ...]:
    """Transfers out of the UK by the purpose's recipients and the processors of its data."""
    sources: list[tuple[str, Transfer]] = [
        (recipient.name, transfer)
        for key in purpose.recipients
        for recipient in (register.recipient(key),)
        for transfer in recipient.transfers
    ]
    sources += [
        (processor.name, transfer)
        for processor in _processors_for(register, purpose)
        for transfer in processor.transfers
    ]
    entries = {
        (via, t.country): TransferEntry(
            via, t.country, t.mechanism, t.derogation, describe_mechanism(t)
        )
        for via, t in sources
        if t.country != HOME
    }
    return tuple(entries.values())


def _controller_entry(reg: Register, purpose: Purpose, org: Party, dco: Party) -> ControllerEntry:
    basis = purpose.lawful_basis
    recipients = [_recipient_text(reg, key) for key in purpose.recipients]
    recipients += [
        f"{p.name} ({p.role.value.replace('_', '-')}: {p.service}; "
        f"{', '.join(t.country for t in p.transfers)}){_terms_text(p.terms)}"
        for p in _processors_for(reg, purpose)
    ]
    return ControllerEntry(
        **_shared(reg, purpose, dco),
        controller=org,
        recipients=tuple(recipients),
        lawful_basis=basis_text(basis) if basis else "not recorded",
        legitimate_interest=purpose.legitimate_interest,
        consent_based=basis is LawfulBasis.CONSENT,
        consent_channels=tuple(reg.marketing_channel(k).name for k in purpose.consent_channels),
        sources=_unique(
            reg.collection_method(source).name
            for key in purpose.subject_kinds
            for source in reg.subject_kind(key).sources
        ),
        required_data=_required(reg, purpose),
    )


def _required(reg: Register, purpose: Purpose) -> str | None:
    """What the person must give (Art. 13(2)(e)), and whose requirement it is."""
    if not purpose.required_fields:
        return None
    labels = ", ".join(field_label(reg, field) for field in purpose.required_fields)
    return f"{labels} ({requirement(purpose)})"


def _processor_entry(
    reg: Register, purpose: Purpose, org: Party, dco: Party, customers: tuple[Party, ...]
) -> ProcessorEntry:
    return ProcessorEntry(
        **_shared(reg, purpose, dco),
        processor=org,
        controllers=customers,
        instructions=purpose.controller_instructions or "as the customer's contract sets out",
        sub_processors=tuple(
            f"{p.name}: {p.service} ({', '.join(t.country for t in p.transfers)})"
            f"{_terms_text(p.terms)}"
            for p in _processors_for(reg, purpose)
        ),
    )


class _Shared(TypedDict):
    key: str
    activity: str
    dco: Party
    data_subjects: tuple[str, ...]
    personal_data: tuple[str, ...]
    transfers: tuple[TransferEntry, ...]
    erasure_time_limits: tuple[str, ...]
    security_measures: tuple[str, ...]


def _shared(reg: Register, purpose: Purpose, dco: Party) -> _Shared:
    """The fields both parts record for a purpose."""
    return {
        "key": purpose.key,
        "activity": purpose.activity,
        "dco": dco,
        "data_subjects": tuple(reg.subject_kind(key).name for key in purpose.subject_kinds),
        "personal_data": _category_texts(reg, purpose),
        "transfers": transfers_for(reg, purpose),
        "erasure_time_limits": _erasure_limits(reg, purpose),
        "security_measures": tuple(m.description for m in reg.security_measures),
    }


def _organisation(reg: Register) -> Party:
    org = reg.organisation
    details = [org.registered_address.one_line()]
    if org.company_number:
        details.append(f"company number {org.company_number}")
    details.append(org.website)
    if org.ico_registration:
        details.append(f"ICO registration {org.ico_registration}")
    return Party(org.legal_name, tuple(details))


def _processors_for(reg: Register, purpose: Purpose) -> list[Processor]:
    """Processors handling the purpose's data (only sub-processors for processor purposes)."""
    wanted = set(purpose.categories)
    return [
        p
        for p in reg.processors
        if wanted & set(p.categories) and (purpose.role is Role.CONTROLLER or p.sub_processor)
    ]


def _recipient_text(reg: Register, key: str) -> str:
    recipient = reg.recipient(key)
    countries = _unique(t.country for t in recipient.transfers)
    abroad = [c for c in countries if c != HOME]
    where = ", ".join(countries)
    if abroad:
        where += f"; third countries: {', '.join(abroad)}"
    role = recipient.role.value.replace("_", " ")
    return f"{recipient.name} ({role}; {where}){_terms_text(recipient.terms)}"


def _terms_text(terms: ProcessorTerms | None) -> str:
    """A processor's Art. 28 terms on record, as the record of processing shows them."""
    if terms is None:
        return ""
    subs = ", ".join(terms.sub_processors) or "none"
    kept = f", {terms.reference}" if terms.reference else ""
    return (
        f"; Art. 28 terms of {terms.contract_date.isoformat()}{kept}: acts on the instructions "
        f'"{terms.instructions}"; may use sub-processors: {subs}'
    )


def _category_texts(reg: Register, purpose: Purpose) -> tuple[str, ...]:
    categories = [reg.category(key) for key in purpose.categories]
    return tuple(f"{c.name}: {', '.join(f.label for f in c.fields)}" for c in categories)


def _erasure_limits(reg: Register, purpose: Purpose) -> tuple[str, ...]:
    """The purpose's rule, then each category whose own rule differs (Art. 30(1)(f))."""
    lines = list(describe_retention(reg.retention_rule(purpose.retention)))
    for key in purpose.categories:
        category = reg.category(key)
        if category.retention and category.retention != purpose.retention:
            rule = reg.retention_rule(category.retention)
            lines.append(f"{category.name}: {rule.name}, {describe_period(rule)}")
    return tuple(lines)


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _or_list(items: Iterable[str]) -> str:
    words = list(items)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
