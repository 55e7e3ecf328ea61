"""Where personal data may go from the UK without further safeguards (UK GDPR Chapter V).

The adequacy list is law that changes: re-check it against GOV.UK at each release and update
`UK_ADEQUATE` with the regulation that added or removed a destination.
"""

from __future__ import annotations

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
