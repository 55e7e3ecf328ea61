"""One door to carry out any right: the request's type picks the service that does it.

The command line and the API both come through here, so a request is carried out the same
way whichever door staff use. Each right checks its own preconditions (started, about a known
subject, identity verified), does its work through the services every other door uses, and
completes the request with its letter and its stored outcome; this module only chooses and
passes on what that right needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from dataward.domain.bounds import check_day
from dataward.domain.calendar import HolidayCalendar
from dataward.domain.clock import Clock
from dataward.domain.processing.restrictions import ObjectionOutcome
from dataward.domain.register.model import Register
from dataward.domain.requests.workflow import RequestRefused, RequestType
from dataward.domain.subjects import Actor
from dataward.services.ports import UnitOfWork, Vault
from dataward.services.rights.downloads import DEFAULT_TTL
from dataward.services.rights.fulfilment import as_outcome
from dataward.services.rights.requests import RequestView, request_timeline


@dataclass(frozen=True, slots=True)
class HowToCarryOut:
    """What some rights need besides the request itself."""

    base_url: str = "http://127.0.0.1:8000"
    """Access and portability: where the download link points."""
    ttl: timedelta = DEFAULT_TTL
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


def carry_out(
    uow: UnitOfWork,
    vault: Vault,
    clock: Clock,
    holidays: HolidayCalendar,
    register: Register,
    actor: Actor,
    request_id: UUID | str,
    how: HowToCarryOut,
) -> tuple[RequestView, dict[str, Any]]:
    """Carry the request out with the service of its right; the request as it now stands and
    what was done."""
    check_day("last_transaction", how.last_transaction)
    view, _, _ = request_timeline(uow, register, actor, request_id)
    kind = view.request.type
    common = (uow, clock, holidays, register, actor, request_id)
    notice = how.notice_version or register.policy.version
    outcome: dict[str, Any]
    if kind is RequestType.ACCESS:
        from dataward.services.rights.access import fulfil_access

        fulfil_access(
            uow, vault, clock, holidays, register, actor, request_id,
            base_url=how.base_url, ttl=how.ttl,
        )  # fmt: skip
    elif kind is RequestType.PORTABILITY:
        from dataward.services.rights.portability import fulfil_portability

        fulfil_portability(
            uow, vault, clock, holidays, register, actor, request_id,
            base_url=how.base_url, ttl=how.ttl,
        )  # fmt: skip
    elif kind is RequestType.ERASURE:
        from dataward.services.rights.erasure import fulfil_erasure

        fulfil_erasure(
            uow, vault, clock, holidays, register, actor, request_id,
            last_transaction=how.last_transaction,
        )  # fmt: skip
    elif kind is RequestType.RECTIFICATION:
        from dataward.services.rights.rectification import fulfil_rectification

        fulfil_rectification(
            uow, vault, clock, holidays, register, actor, request_id,
            corrections=how.corrections, statement=how.statement,
        )  # fmt: skip
    elif kind is RequestType.RESTRICTION:
        from dataward.services.rights.restriction import fulfil_restriction

        fulfil_restriction(uow, vault, clock, holidays, register, actor, request_id)
    elif kind is RequestType.OBJECTION:
        from dataward.services.rights.objection import fulfil_objection

        result = fulfil_objection(
            *common, notice_version=notice, outcome=how.decision, reasoning=how.reasoning
        )
        if result.outcome is ObjectionOutcome.PENDING:  # recorded; the DCO decides next
            view, _, _ = request_timeline(uow, register, actor, request_id)
            return view, as_outcome(result)
    elif kind is RequestType.WITHDRAW_CONSENT:
        from dataward.services.rights.fulfilment import fulfil_withdrawal

        fulfil_withdrawal(*common, notice_version=notice)
    else:
        raise RequestRefused("a complaint is answered, not carried out: complete it")
    view, _, _ = request_timeline(uow, register, actor, request_id)
    outcome = dict(view.outcome or {})
    return view, outcome
