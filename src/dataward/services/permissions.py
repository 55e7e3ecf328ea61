"""Staff actions on a subject's records: the register's action, within the subject's tenant."""

from __future__ import annotations

from uuid import UUID

from dataward.domain.permissions import require
from dataward.domain.register.model import Register, StaffAction
from dataward.domain.subjects import Actor
from dataward.services.ports import UnitOfWork


def require_on_subject(
    uow: UnitOfWork, register: Register, actor: Actor, action: StaffAction, subject_id: UUID
) -> None:
    """Inside `with uow`: may `actor` take `action` on this subject's records (an erased or
    unknown subject counts as our own, outside any tenant)?"""
    subject = uow.subjects.get(subject_id)
    require(register, actor, action, tenant_id=subject.tenant_id if subject else None)
