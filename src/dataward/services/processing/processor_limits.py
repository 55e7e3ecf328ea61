"""What our own staff may not do to a tenant's caller on their own (UK GDPR Art. 28(3)(a)).

A tenant's call data, and the callers in it, are the tenant's: we process them only on its
documented instructions. A tenant's caller is therefore erased

- by the tenant itself: its administrator, directly or by instructing us on a request
  forwarded to it (`services.rights.processor.carry_out_instruction`, which acts as that
  administrator and records the instruction); or
- by retention: once the caller is past the tenant's call retention (the instruction its
  contract gives), counted from the later of the caller's last call and the day we came to
  hold them, the same reckoning as the call store's (`services.calls.writer`); our staff erase
  it then with the reason `no_longer_needed`.

Our own staff (a role with no tenant, the DCO included) erasing a live caller any other way
are refused with `ControllerInstructionRequired`, before anything is erased, whatever reason
or reference they give: a reference is only a word, an instruction is the tenant's act.
"""

from __future__ import annotations

from datetime import UTC, date

from dataward.domain.errors import ActionNotAllowed
from dataward.domain.processing.retention import add_duration_or_last
from dataward.domain.subjects import Actor, ErasureReason, Subject
from dataward.services.ports import UnitOfWork


class ControllerInstructionRequired(ActionNotAllowed):
    """Our staff tried to erase a tenant's caller that its tenant did not erase or instruct
    us to, and that is not past the tenant's retention."""

    code = "controller_instruction_required"

    def __init__(self, action: str = "erase_subjects", why: str | None = None) -> None:
        super().__init__(
            action,
            why
            or "a customer's caller is erased by the customer (its administrator, directly or "
            "by instructing us on the request forwarded to it), or by us only once past the "
            "customer's call retention (reason no_longer_needed): we are its processor "
            "(UK GDPR Art. 28(3)(a))",
        )


def require_controller_restricts(actor: Actor, subject: Subject) -> None:
    """Refuse our own staff restricting a tenant's caller, or lifting its restriction: the
    tenant, its controller, decides (its administrator does it, directly or on the request
    forwarded to it)."""
    if subject.tenant_id is None or actor.tenant_id == subject.tenant_id:
        return
    raise ControllerInstructionRequired(
        "manage_restrictions",
        "a customer's caller is restricted, and its restriction lifted, by the customer (its "
        "administrator, directly or on the request forwarded to it): we are its processor "
        "(UK GDPR Art. 28(3)(a))",
    )


def require_controller_say(
    uow: UnitOfWork,
    actor: Actor,
    subject: Subject,
    reason: ErasureReason,
    today: date,
) -> None:
    """Refuse (call inside the unit of work) an erasure of a live tenant's caller by our own
    staff, unless it is past the tenant's retention and erased for that reason."""
    if subject.tenant_id is None or actor.tenant_id == subject.tenant_id or subject.erased:
        return
    if reason is ErasureReason.NO_LONGER_NEEDED and past_retention(uow, subject, today):
        return
    raise ControllerInstructionRequired()


def past_retention(uow: UnitOfWork, subject: Subject, today: date) -> bool:
    """Whether a tenant's caller is past the tenant's call retention today: the retention,
    counted from the later of the caller's last call and the day we came to hold them, ended
    before today."""
    assert subject.tenant_id is not None  # noqa: S101 - a caller, checked by the caller
    tenant = uow.tenants.get(subject.tenant_id)
    if tenant is None:
        return False
    days = [subject.created_at.astimezone(UTC).date()]
    days += [
        call.started_at.astimezone(UTC).date()
        for call in uow.calls.calls_of(subject.tenant_id, str(subject.id))
    ]
    return add_duration_or_last(max(days), tenant.retention) < today
