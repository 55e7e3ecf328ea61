"""Where personal data may go from the UK, and on what (UK GDPR Chapter V).

The adequacy list is law that changes: re-check it against GOV.UK at each release and update
`UK_ADEQUATE` with the regulation that added or removed a destination.

A transfer is valid at run time (`transfer_refusal`) when it stays in the UK or the EEA, or the
register records a mechanism that covers it: UK adequacy for a listed destination (the US only
for a recipient certified to the Data Privacy Framework with the UK Extension, its certification
checked on the DPF List within the last year: certification is renewed yearly), the IDTA, the
UK Addendum to the EU SCCs, BCRs, a code of conduct or certification, or an Art. 49 derogation
with its record; and no suspension in force covers it.

A suspension names a mechanism by key (`suspension_key`): the mechanism's value (`adequacy`,
`idta`, `uk_addendum`, `bcr`, `code_of_conduct`, `certification`, `derogation`) covers every
transfer on it; `MECHANISM:CC` (an ISO country code, e.g. `adequacy:US` when the UK's US
regulations fall) only those to that country; `derogation:GROUND` (e.g.
`derogation:explicit_consent`) only those on that Art. 49 ground.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date

from dataward.domain.errors import InvalidValue
from dataward.domain.register.agreements import Transfer
from dataward.domain.register.terms import Derogation, TransferMechanism

EEA: frozenset[str] = frozenset(
    {
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
    }
)

# DPA 2018 Sch 21 para 5 (EEA, Gibraltar and the EU's pre-2021 decisions), SI 2022/1213 (Korea),
# SI 2023/1028 (United States, Data Privacy Framework UK Extension only: see US_NEEDS_DPF).
UK_ADEQUATE: frozenset[str] = EEA | frozenset(
    {"GI", "CH", "CA", "AR", "GG", "IM", "JE", "AD", "IL", "UY", "NZ", "JP", "FO", "KR", "US"}
)

US_NEEDS_DPF = "US"
HOME = "GB"


def is_restricted_transfer(country: str) -> bool:
    """A transfer needs a Chapter V mechanism unless it stays in the UK or goes to the EEA."""
    return country != HOME and country not in EEA


def adequacy_covers(country: str, *, dpf_uk_extension: bool) -> bool:
    if country == US_NEEDS_DPF:
        return dpf_uk_extension
    return country in UK_ADEQUATE


DPF_RECHECK_DAYS = 366
"""A DPF certification is renewed every year: one checked longer ago than this is not relied on."""

_SUSPENDABLE = frozenset(m.value for m in TransferMechanism) - {
    TransferMechanism.NOT_RESTRICTED.value
}
_KEY = re.compile(r"^([a-z_]{1,32})(?::([A-Za-z_]{1,64}))?$")


def suspension_key(text: str) -> str:
    """`text` as a suspension key (see the module docstring), normalised; anything else is
    refused naming the field, never echoing what was given."""
    expected = (
        "a mechanism (" + ", ".join(sorted(_SUSPENDABLE)) + "), optionally with :CC (a country "
        "code, e.g. adequacy:US) or, for a derogation, :GROUND (e.g. derogation:explicit_consent)"
    )
    match = _KEY.match(text.strip()) if len(text) <= 100 else None
    if match is None or match.group(1) not in _SUSPENDABLE:
        raise InvalidValue("mechanism", expected)
    mechanism, qualifier = match.group(1), match.group(2)
    if qualifier is None:
        return mechanism
    if mechanism == TransferMechanism.DEROGATION.value and qualifier.lower() in {
        d.value for d in Derogation
    }:
        return f"{mechanism}:{qualifier.lower()}"
    if re.fullmatch(r"[A-Za-z]{2}", qualifier):
        return f"{mechanism}:{qualifier.upper()}"
    raise InvalidValue("mechanism", expected)


def covering_keys(transfer: Transfer) -> frozenset[str]:
    """The suspension keys that would cover `transfer` (none for one that needs no mechanism)."""
    mechanism = transfer.mechanism
    if mechanism is None or mechanism is TransferMechanism.NOT_RESTRICTED:
        return frozenset()
    keys = {mechanism.value, f"{mechanism.value}:{transfer.country}"}
    if mechanism is TransferMechanism.DEROGATION and transfer.derogation is not None:
        keys.add(f"{mechanism.value}:{transfer.derogation.value}")
    return frozenset(keys)


def transfer_refusal(transfer: Transfer, suspended: Collection[str], today: date) -> str | None:
    """Why `transfer` may not be made on `today` with the suspensions in force, or None.

    The reason names the country and the mechanism, never any person's data. A suspension
    reaches every transfer that records the mechanism, one to the EEA too: UK adequacy
    regulations cover the EEA, and can be revoked as any other."""
    country = transfer.country
    mechanism = transfer.mechanism
    held = sorted(covering_keys(transfer) & set(suspended))
    if held and mechanism is not None:
        return f"the {mechanism.value} transfer to {country} is suspended ({held[0]})"
    if not is_restricted_transfer(country):
        return None
    if mechanism is None or mechanism is TransferMechanism.NOT_RESTRICTED:
        return f"{country} is outside the UK and EEA and the register records no mechanism"
    if mechanism is TransferMechanism.ADEQUACY:
        return _adequacy_refusal(transfer, today)
    if mechanism is TransferMechanism.DEROGATION and (
        transfer.derogation is None or transfer.derogation_record is None
    ):
        return f"the derogation for {country} names no Art. 49 ground or no record of its use"
    return None


def _adequacy_refusal(transfer: Transfer, today: date) -> str | None:
    country = transfer.country
    if not adequacy_covers(country, dpf_uk_extension=transfer.dpf_uk_extension):
        return f"{country} is not covered by UK adequacy regulations as recorded"
    if country != US_NEEDS_DPF:
        return None
    checked = transfer.dpf_certified_on
    if checked is None:
        return "US adequacy needs the recipient's DPF certification date on record"
    if checked > today:
        return "the recipient's DPF certification is dated after today"
    if (today - checked).days > DPF_RECHECK_DAYS:
        return (
            "the recipient's DPF certification was last checked over a year ago: check the "
            "Data Privacy Framework List and record the date"
        )
    return None
