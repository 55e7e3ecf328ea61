"""One door to carry out any right: the request's type picks the service that does it.

The command line and the API both come through here, so a request is carried out the same
way whichever door staff use. Each right checks its own preconditions (started, about a known
subject, identity verified), does its work through the services every other door uses, and
completes the request with its letter and its stored outcome; this module only chooses (`RIGHTS`,
one entry per right) and passes on what that right needs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from dataward.domain.bounds import check_day
from dataward.domain.processing.restrictions import ObjectionOutcome
from dataward.domain.requests.workflow import RequestRefused, RequestType
from dataward.services.context import UseCase
from dataward.services.rights.access import fulfil_access
from dataward.services.rights.delivery import Delivery
from dataward.services.rights.erasure import fulfil_erasure
from dataward.services.rights.fulfilment import as_outcome, fulfil_withdrawal
from dataward.services.rights.objection import CarryOutObjection, fulfil_objection
from dataward.services.rights.portability import fulfil_portability
from dataward.services.rights.rectification import Rectify, fulfil_rectification
from dataward.services.rights.requests import RequestView, request_timeline
from dataward.services.rights.restriction import fulfil_restriction


@dataclass(frozen=True, slots=True)
class HowToCarryOut:
    """What some rights need besides the request itself."""

    delivery: Delivery | None = None
    """Access and portability: how the package reaches the person (its renderer, where the
    download link points, how long it lasts)."""
    notice_version: str | None = None
    """Withdrawal and objection: the notice in force (default: the register's version)."""
    last_transaction: date | None = None
    """Erasure: the day of the subject's last transaction, for the tax hold's date."""
    corrections: Sequence[tuple[str, str]] = field(default=(), repr=False)
    """Rectification: (identifier kind, corrected value) pairs."""
    statement: str | None = field(default=None, repr=False)
    """Rectification: a supplementary statement."""
    decision: ObjectionOutcome | None = None
    """Objection to legitimate interests: the DCO's assessment."""
    reasoning: str | None = None
    """Objection: the DCO's reasons for compelling grounds."""


def _access(ctx: UseCase, request_id: UUID | str, how: HowToCarryOut) -> dict[str, Any] | None:
    fulfil_access(ctx, request_id, _delivery(how))
    return None


def _portability(ctx: UseCase, request_id: UUID | str, how: HowToCarryOut) -> dict[str, Any] | None:
    fulfil_portability(ctx, request_id, _delivery(how))
    return None


def _delivery(how: HowToCarryOut) -> Delivery:
    if how.delivery is None:
        raise RequestRefused("a copy is delivered by a download link: say how it is delivered")
    return how.delivery


def _erasure(ctx: UseCase, request_id: UUID | str, how: HowToCarryOut) -> dict[str, Any] | None:
    fulfil_erasure(ctx, request_id, last_transaction=how.last_transaction)
    return None


def _rectification(
    ctx: UseCase, request_id: UUID | str, how: HowToCarryOut
) -> dict[str, Any] | None:
    fulfil_rectification(ctx, request_id, Rectify(how.corrections, how.statement))
    return None


def _restriction(ctx: UseCase, request_id: UUID | str, how: HowToCarryOut) -> dict[str, Any] | None:
    del how  # a restriction takes its ground from the request
    fulfil_restriction(ctx, request_id)
    return None


def _objection(ctx: UseCase, request_id: UUID | str, how: HowToCarryOut) -> dict[str, Any] | None:
    """An objection to legitimate interests without the DCO's decision is recorded, pending:
    what was done is returned, and the request stays open."""
    notice = how.notice_version or ctx.register.policy.version
    asked = CarryOutObjection(notice, outcome=how.decision, reasoning=how.reasoning)
    result = fulfil_objection(ctx, request_id, asked)
    return as_outcome(result) if result.outcome is ObjectionOutcome.PENDING else None


def _withdrawal(ctx: UseCase, request_id: UUID | str, how: HowToCarryOut) -> dict[str, Any] | None:
    fulfil_withdrawal(ctx, request_id, how.notice_version or ctx.register.policy.version)
    return None


RIGHTS: Mapping[
    RequestType, Callable[[UseCase, UUID | str, HowToCarryOut], dict[str, Any] | None]
] = {
    RequestType.ACCESS: _access,
    RequestType.PORTABILITY: _portability,
    RequestType.ERASURE: _erasure,
    RequestType.RECTIFICATION: _rectification,
    RequestType.RESTRICTION: _restriction,
    RequestType.OBJECTION: _objection,
    RequestType.WITHDRAW_CONSENT: _withdrawal,
}
"""The service that carries out each right; a complaint is answered, not carried out."""


def carry_out(
    ctx: UseCase, request_id: UUID | str, how: HowToCarryOut
) -> tuple[RequestView, dict[str, Any]]:
    """Carry the request out with the service of its right; the request as it now stands and
    what was done."""
    check_day("last_transaction", how.last_transaction)
    view, _, _ = request_timeline(ctx, request_id)
    right = RIGHTS.get(view.request.type)
    if right is None:
        raise RequestRefused("a complaint is answered, not carried out: complete it")
    pending = right(ctx, request_id, how)
    view, _, _ = request_timeline(ctx, request_id)
    return view, pending if pending is not None else dict(view.outcome or {})
