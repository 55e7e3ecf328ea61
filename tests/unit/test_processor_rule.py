"""The processor's rule, in the request state machine: a request about a tenant's call data is
the tenant's to answer; we only forward one we received, or close it; one the tenant recorded
is its own. Pure."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from dataward.domain.requests.workflow import (
    RequestEvent,
    RequestRefused,
    RequestState,
    RequestType,
    RightsRequest,
    require_may_move,
)

E = RequestEvent


def a_request(**kw: object) -> RightsRequest:
    return RightsRequest(
        id=uuid.uuid4(),
        type=RequestType.ACCESS,
        state=RequestState.RECEIVED,
        received=date(2026, 11, 20),
        channel="email",
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("event", list(E))
def test_our_staff_only_forward_or_close_a_request_about_a_tenants_calls(event: E) -> None:
    received = a_request(tenant_id="tenant-a")
    if event in (E.FORWARD, E.WITHDRAW):
        require_may_move(received, event, by_tenant=False)
    else:
        with pytest.raises(RequestRefused, match="forward it"):
            require_may_move(received, event, by_tenant=False)
    require_may_move(received, event, by_tenant=True)  # the tenant answers it


@pytest.mark.parametrize("event", list(E))
def test_a_request_the_tenant_recorded_is_its_own_alone(event: E) -> None:
    recorded = a_request(tenant_id="tenant-a", by_controller=True)
    with pytest.raises(RequestRefused, match="its controller's to answer"):
        require_may_move(recorded, event, by_tenant=False)
    require_may_move(recorded, event, by_tenant=True)


@pytest.mark.parametrize("by_tenant", [True, False])
def test_a_request_of_ours_is_not_the_rules_business(by_tenant: bool) -> None:
    for event in E:
        require_may_move(a_request(), event, by_tenant=by_tenant)
