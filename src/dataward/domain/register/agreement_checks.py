"""Cross-checks of the register's recipients and processors against what they are to us.

A recipient's role (processor, sub-processor, independent or joint controller) must agree with
what else the register says of it: a processor acts on our documented instructions under
Art. 28 terms on record (a contract date, the instructions, the sub-processors it may use) and
never for purposes of its own, which would make it a controller (Art. 28(10)); a service
provider is our processor; an independent controller decides its own purposes, so the notice
must not say it may not use the data for them. Every processor of the register needs its terms.
"""

from __future__ import annotations

from collections.abc import Iterator

from dataward.domain.register.model import RecipientKind, Register, Transfer, TransferMechanism
from dataward.domain.register.problems import Path, Problem, Severity
from dataward.domain.register.transfers import adequacy_covers, is_restricted_transfer

_TERMS = "record its Art. 28 terms (terms: contract_date, instructions, sub_processors)"


def agreement_problems(reg: Register) -> Iterator[Problem]:
    for index, recipient in enumerate(reg.recipients):
        here: Path = ("recipients", index)
        role = recipient.role
        if role.acts_for_us:
            if recipient.terms is None:
                yield Problem(here, f"recipient {recipient.key!r} is a {role.value}: {_TERMS}")
            if (
                recipient.own_purposes_allowed
                and recipient.kind is not RecipientKind.SERVICE_PROVIDER
            ):
                yield Problem(
                    (*here, "own_purposes_allowed"),
                    f"a {role.value} acts only on our instructions: one that uses data for its "
                    "own purposes is a controller (Art. 28(10)); change its role or this flag",
                )
        elif recipient.terms is not None:
            yield Problem(
                (*here, "terms"),
                f"Art. 28 terms are a processor's, and {recipient.key!r} is a {role.value}",
                Severity.WARNING,
            )
        if recipient.kind is RecipientKind.SERVICE_PROVIDER and not role.acts_for_us:
            yield Problem(
                (*here, "role"),
                "a service provider acts as our processor: its role is processor or sub_processor",
            )
    for index, processor in enumerate(reg.processors):
        if processor.terms is None:
            yield Problem(
                ("processors", index), f"processor {processor.key!r} has no contract: {_TERMS}"
            )


def transfer_problems(transfer: Transfer, here: Path) -> Iterator[Problem]:
    """A transfer abroad without a mechanism that can hold, or without what it rests on."""
    country = transfer.country
    if not is_restricted_transfer(country):
        return
    mechanism = transfer.mechanism
    if mechanism is None or mechanism is TransferMechanism.NOT_RESTRICTED:
        yield Problem(
            here,
            f"transfer to {country} (outside the UK and EEA) has no transfer mechanism",
        )
    elif mechanism is TransferMechanism.ADEQUACY and not adequacy_covers(
        country, dpf_uk_extension=transfer.dpf_uk_extension
    ):
        hint = (
            " (US adequacy covers only recipients certified to the Data Privacy Framework "
            "UK Extension: set dpf_uk_extension)"
            if country == "US"
            else ""
        )
        yield Problem(
            (*here, "mechanism"),
            f"'adequacy' claimed for {country}, which is not on the UK adequacy list{hint}",
        )
    elif mechanism is TransferMechanism.ADEQUACY and country == "US":
        if transfer.dpf_certified_on is None:
            yield Problem(
                here,
                "US adequacy rests on the recipient's Data Privacy Framework certification: "
                "record the day it was checked on the DPF List (dpf_certified_on)",
            )
    elif mechanism is TransferMechanism.DEROGATION:
        if transfer.derogation is None:
            yield Problem(
                (*here, "mechanism"), "a derogation transfer must name its Art. 49 ground"
            )
        if transfer.derogation_record is None:
            yield Problem(
                here,
                "a derogation transfer needs its record (derogation_record): where its use is "
                "recorded and why it applies",
            )
    if transfer.derogation is not None and mechanism is not TransferMechanism.DEROGATION:
        yield Problem((*here, "derogation"), "an Art. 49 ground is named, but not as the mechanism")
