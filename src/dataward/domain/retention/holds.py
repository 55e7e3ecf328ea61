"""Which holds keep a retention rule's data: the kinds its register rule names, no other.

The register says, rule by rule, which hold kinds keep data past its retention
(`RetentionRule.holds`: a legal claim, a tax enquiry, a regulator's investigation, an open
rights request about the subject). A hold of a kind the rule does not name does not keep that
rule's data: a tax enquiry, for instance, keeps customer records but not a withdrawn consent
ledger. The holds found for a subject (its litigation holds by ground, a restriction that keeps
the data by the hold kind it amounts to, an open request) are filtered here by the rule.

A restriction the person asked for instead of erasure (Art. 18(1)(b)) is listed among the holds
as `ERASURE_OPPOSED`. It is no hold of ours the register could leave out: the person chose to
have the data kept, restricted, rather than erased, so it keeps whatever rule covers the data.

The call rule (processor data) names no hold kind and is not filtered: a tenant's calls and
callers are kept by any hold (what a litigation hold names is kept by the processor).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Final

from dataward.domain.register.model import RetentionRule

ERASURE_OPPOSED: Final = "restriction_erasure_opposed"
"""How a restriction the person chose over erasure is listed among a subject's holds."""


def keeping(rule: RetentionRule, holds: Collection[str]) -> tuple[str, ...]:
    """Those of a subject's holds that keep the rule's data, sorted: the kinds the rule names,
    and a restriction chosen over erasure."""
    named = {kind.value for kind in rule.holds} | {ERASURE_OPPOSED}
    return tuple(sorted(hold for hold in set(holds) if hold in named))


def kept_by(rule: RetentionRule, holds: Mapping[str, Collection[str]]) -> dict[str, set[str]]:
    """Each subject whose data the rule's holds keep, with those holds; the others left out."""
    kept: dict[str, set[str]] = {}
    for subject_id, kinds in holds.items():
        holding = keeping(rule, kinds)
        if holding:
            kept[subject_id] = set(holding)
    return kept
