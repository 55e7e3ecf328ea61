"""Rotating the master key as a use case: who may, what is asked of the key store, the record."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from dataward.domain.audit import AuditAction
from dataward.domain.clock import FixedClock
from dataward.domain.errors import ActionNotAllowed
from dataward.services.keys.rotation import rotate_master_key
from tests.builders import NOW, an_actor, shipped_register
from tests.fakes import FakeUnitOfWork, use_case

REGISTER = shipped_register()


@dataclass(frozen=True)
class _Rotated:
    from_fingerprint: str = "aaaa"
    to_fingerprint: str = "bbbb"
    rewrapped: int = 3
    resumed: bool = False


@pytest.mark.parametrize(("role", "tenant"), [("operator", None), ("tenant_admin", "alpha")])
def test_a_role_that_may_not_rotate_is_refused_before_the_key_store_is_touched(
    role: str, tenant: str | None
) -> None:
    uow, asked = FakeUnitOfWork(), []

    def rewrap() -> _Rotated:
        asked.append(True)
        raise AssertionError("the key store was asked to rotate")

    ctx = use_case(uow, FixedClock(NOW), REGISTER, an_actor(role, tenant))
    with pytest.raises(ActionNotAllowed):
        rotate_master_key(ctx, rewrap)
    assert asked == []
    assert uow.audit.count() == 0


def test_a_rotation_is_audited_with_the_keys_fingerprints_once_it_has_finished() -> None:
    uow = FakeUnitOfWork()
    ctx = use_case(uow, FixedClock(NOW), REGISTER, an_actor("dco"))
    result = rotate_master_key(ctx, _Rotated)
    assert result.rewrapped == 3
    (entry,) = list(uow.audit.iter_entries())
    assert entry.action == AuditAction.KEYS_ROTATED
    assert dict(entry.details) == {
        "from_master": "aaaa",
        "to_master": "bbbb",
        "rewrapped": 3,
        "resumed": False,
    }
