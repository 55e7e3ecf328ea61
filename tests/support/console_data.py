"""What the console's tests find in place: tenants with a controller contact, their callers,
and requests recorded through the services as staff would record them."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from faker import Faker
from tests.builders import SAMPLE_RETENTION

from dataward.bootstrap import Container
from dataward.domain.requests.workflow import UK, RequestType
from dataward.domain.subjects import Actor
from dataward.services.context import UseCase
from dataward.services.organisation.tenants import ControllerContact, NewTenant, create_tenant
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.rights.requests import RequestView
from dataward.services.subjects.registry import NewSubject, create_subject

DCO = Actor(id="dco-setup", role="dco")
_REQUESTERS = Faker("en_GB")
_REQUESTERS.seed_instance(17)


def as_dco(container: Container) -> UseCase:
    register = container.active_register.get(container.uow(read_only=True)).register
    return container.use_case(DCO, register)


def today(container: Container) -> date:
    return container.clock.now().astimezone(UK).date()


def a_tenant(container: Container, fake: Faker, tenant_id: str) -> None:
    """A tenant whose controller contact is a Faker address, so requests can be forwarded."""
    contact = ControllerContact(name=fake.name(), email=fake.company_email())
    create_tenant(
        as_dco(container),
        NewTenant(
            name=f"Tenant {tenant_id}",
            id=tenant_id,
            contact=contact,
            call_retention=SAMPLE_RETENTION,
        ),
    )


def a_caller(container: Container, fake: Faker, tenant_id: str) -> UUID:
    number = f"020 7946 0{fake.unique.random_int(0, 999):03d}"
    subject = create_subject(
        as_dco(container),
        NewSubject(kind="caller", identifiers=[("phone", number)], tenant_id=tenant_id),
    )
    return subject.id


def an_end_user(container: Container, email: str) -> UUID:
    subject = create_subject(
        as_dco(container), NewSubject(kind="end_user", identifiers=[("email", email)])
    )
    return subject.id


def a_request(
    container: Container,
    kind: RequestType = RequestType.ERASURE,
    *,
    tenant_id: str | None = None,
    subject_id: UUID | None = None,
    days_ago: int = 2,
) -> RequestView:
    """A request received by e-mail `days_ago`, with a Faker requester's address and name."""
    return receive_request(
        as_dco(container),
        NewRequest(
            type=kind,
            received=today(container) - timedelta(days=days_ago),
            channel="email",
            tenant_id=tenant_id,
            subject_id=subject_id,
            contact_email=_REQUESTERS.email(),
            contact_name=_REQUESTERS.name(),
        ),
    )
