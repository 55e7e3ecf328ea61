"""A request a person makes themselves through the public form (`/requests/new`): recorded as
received today through the portal, with an address for the letters, and nothing taken from
the form about whom it concerns.
"""

from __future__ import annotations

from dataclasses import replace

from dataward.domain.requests.workflow import RequestRefused, uk_date
from dataward.domain.subjects import Actor
from dataward.services.context import UseCase
from dataward.services.rights.intake import NewRequest, record_request
from dataward.services.rights.requests import RequestView

PUBLIC = Actor(id="public-form", role="requester")
"""Who records a request a person makes themselves through the public form."""


def receive_public_request(
    ctx: UseCase, command: NewRequest, *, repeat_window_days: int = 90
) -> RequestView:
    """A request a person makes through the public form: received today, by the portal,
    with an address for the letters; no tenant or subject is taken from the form: whom it
    is about is matched by the address, and who is asking verified afterwards. It is
    recorded by `PUBLIC`, whoever `ctx.actor` is."""
    if not command.contact_email:
        raise RequestRefused("contact_email: needed, to send you the answer")
    public = NewRequest(
        type=command.type,
        received=uk_date(ctx.clock.now()),
        channel="portal",
        contact_email=command.contact_email,
        contact_name=command.contact_name,
        representative=command.representative,
        scope=command.scope,
    )
    return record_request(replace(ctx, actor=PUBLIC), public, repeat_window_days=repeat_window_days)
