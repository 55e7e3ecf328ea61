"""`dataward policy show`: the register at a glance, as rich tables."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from dataward.domain.register.model import Register, Role
from dataward.domain.register.transfers import is_restricted_transfer
from dataward.domain.register.wording import describe_period


def print_summary(register: Register, console: Console | None = None) -> None:
    console = console or Console()
    org = register.organisation
    contacts = register.contacts
    console.print(
        f"[bold]{org.legal_name}[/bold] — register {register.policy.version}, "
        f"last updated {register.policy.last_updated}"
    )
    console.print(f"Controller for: {org.controller_scope}")
    console.print(f"Processor for: {org.processor_scope}")
    console.print(
        f"DCO: {contacts.data_compliance_officer.email}  ·  complaints: "
        f"{contacts.complaints.web_form}  ·  regulator: {contacts.supervisory_authority.name}"
    )
    console.print(
        f"Minimum age: {register.minimum_age}  ·  report cell threshold k="
        f"{register.k_anonymity_threshold}"
    )

    purposes = Table(title="Purposes", show_lines=False)
    purposes.add_column("key", no_wrap=True)
    for column in ("role", "lawful basis", "categories", "retention"):
        purposes.add_column(column)
    for purpose in register.purposes:
        basis = (
            f"{purpose.lawful_basis.label} ({purpose.lawful_basis.article})"
            if purpose.lawful_basis
            else "controller's instructions"
        )
        purposes.add_row(
            purpose.key, purpose.role.value, basis, ", ".join(purpose.categories), purpose.retention
        )
    console.print(purposes)

    retention = Table(title="Retention")
    retention.add_column("rule")
    retention.add_column("period")
    retention.add_column("categories")
    for rule in register.retention_rules:
        used_by = [c.key for c in register.categories if c.retention == rule.key]
        retention.add_row(rule.key, describe_period(rule), ", ".join(used_by))
    console.print(retention)

    transfers = Table(title="Recipients, processors and transfers")
    for column in ("who", "kind", "countries", "restricted transfers"):
        transfers.add_column(column)
    for recipient in register.recipients:
        restricted = [
            f"{t.country}: {t.mechanism.value if t.mechanism else 'NONE'}"
            for t in recipient.transfers
            if is_restricted_transfer(t.country)
        ]
        transfers.add_row(
            recipient.name,
            recipient.kind.value,
            ", ".join(t.country for t in recipient.transfers),
            ", ".join(restricted) or "—",
        )
    for processor in register.processors:
        restricted = [
            f"{t.country}: {t.mechanism.value if t.mechanism else 'NONE'}"
            for t in processor.transfers
            if is_restricted_transfer(t.country)
        ]
        kind = "sub-processor" if processor.sub_processor else "processor"
        transfers.add_row(
            processor.name,
            kind,
            ", ".join(t.country for t in processor.transfers),
            ", ".join(restricted) or "—",
        )
    console.print(transfers)

    roles = Table(title="Staff roles (need to know)")
    for column in ("role", "scope", "decrypts identifiers", "categories"):
        roles.add_column(column)
    for role in register.staff_roles:
        roles.add_row(
            role.name,
            role.tenant_scope.value,
            "yes" if role.decrypt_identifiers else "no",
            ", ".join(role.categories) or "—",
        )
    console.print(roles)
    as_controller = len(register.purposes_for(Role.CONTROLLER))
    as_processor = len(register.purposes_for(Role.PROCESSOR))
    console.print(
        f"{as_controller} controller purposes, {as_processor} processor purposes, "
        f"{len(register.cookies)} cookies, {len(register.rights)} rights"
    )
