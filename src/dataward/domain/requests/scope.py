"""What exactly a request asks, where the right needs it to be carried out. Pure.

A restriction names its ground (Art. 18(1)(a)-(d)); an objection names what it is against:
direct marketing (Art. 21(2), absolute) or processing on legitimate interests for one purpose
(Art. 21(1), weighed by the DCO). Other rights take no scope. The scope is a short code, never
free text, so it can carry nothing about the person.
"""

from __future__ import annotations

from typing import Final

from dataward.domain.processing.restrictions import RestrictionGround
from dataward.domain.requests.workflow import RequestRefused, RequestType

DIRECT_MARKETING: Final = "direct_marketing"
LEGITIMATE_INTERESTS: Final = "legitimate_interests"


def check_scope(kind: RequestType, scope: str | None, objectable: frozenset[str]) -> str | None:
    """`scope` if it fits a request of `kind` (`objectable`: the register's purposes resting
    on legitimate interests or a public task, the only ones Art. 21(1) reaches);
    `RequestRefused` saying what is expected otherwise."""
    if kind is RequestType.RESTRICTION:
        allowed = ", ".join(g.value for g in RestrictionGround)
        if scope is None:
            raise RequestRefused(f"a restriction needs its ground: one of {allowed}")
        try:
            return RestrictionGround(scope).value
        except ValueError:
            raise RequestRefused(f"scope: one of {allowed}") from None
    if kind is RequestType.OBJECTION:
        expected = f"an objection is to {DIRECT_MARKETING}, or to {LEGITIMATE_INTERESTS}:<purpose>"
        if scope is None or scope == LEGITIMATE_INTERESTS:
            raise RequestRefused(expected)
        if scope == DIRECT_MARKETING:
            return scope
        target, _, purpose = scope.partition(":")
        if target != LEGITIMATE_INTERESTS:
            raise RequestRefused(expected)
        if purpose not in objectable:
            raise RequestRefused("scope: no purpose of that name on legitimate interests")
        return scope
    if scope is not None:
        raise RequestRefused(f"a {kind.value} request takes no scope")
    return None


def objection_purpose(scope: str | None) -> str | None:
    """The purpose a legitimate-interests objection is against (None for direct marketing)."""
    if scope is None or not scope.startswith(LEGITIMATE_INTERESTS + ":"):
        return None
    return scope.partition(":")[2]
