"""Signing in to the console from a `TestClient`, and a world for the console's pages: an
installation with two tenants, calls ingested for the first through the ingest service (the
real sample file, made k times larger so the report's cells are shown), and a quarantined
line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from faker import Faker
from fastapi.testclient import TestClient
from tests.builders import a_tenant
from tests.samples import sample
from tests.support.copies import K, asterisk_copies

from dataward.adapters.ingest.files import text_source
from dataward.bootstrap import Container
from dataward.domain.subjects import Actor
from dataward.entrypoints.api.app import create_app
from dataward.installation import initialise
from dataward.services.calls.ingest import IngestCalls, ingest
from dataward.services.organisation.accounts import NewAccount, create_account

PASSWORD = "a long enough test password"  # noqa: S105 - a test's own account
QUEUE_LOG = "asterisk_queue_log__assembled_from_public_examples.txt"
BAD_LINE = "1764000000x|1.1|sales|NONE|ENTERQUEUE||07700900123|1\n"
"""A queue_log line with a broken time (the number is of the range kept for drama)."""
GOOD_LINE = "1764000001|2.1|sales|NONE|ENTERQUEUE||07700900124|1\n"
DCO = Actor("dco", "dco")
OPERATOR = Actor("ingest-operator", "operator")
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class World:
    container: Container
    quarantined_ingest: int
    """The tenant-a ingest whose bad line waits in the quarantine."""


def build_world(container: Container, hostile_name: str | None = None) -> World:
    """`container` initialised and seeded (`seed`)."""
    initialise(container)
    return seed(container, hostile_name)


def seed(container: Container, hostile_name: str | None = None) -> World:
    """Tenant-a (named `hostile_name` if given) and tenant-b, the sample calls ingested for
    tenant-a k times over, and one quarantined line."""
    with container.uow() as uow:
        first = a_tenant("tenant-a")
        if hostile_name is not None:
            from dataclasses import replace

            first = replace(first, name=hostile_name)
        uow.tenants.add(first)
        uow.tenants.add(a_tenant("tenant-b"))
        uow.commit()
    calls = asterisk_copies(sample(QUEUE_LOG).read_text(encoding="utf-8"), K)
    ctx = container.use_case(OPERATOR)
    ingest(ctx, IngestCalls("tenant-a", [text_source(calls, name="batch")]))
    report = ingest(
        container.use_case(OPERATOR),
        IngestCalls(
            "tenant-a",
            [text_source(BAD_LINE + GOOD_LINE, name="batch", format_name="asterisk-queue-log")],
            quarantine=True,
        ),
    )
    return World(container, report.ingest_ids[-1])


def account(container: Container, fake: Faker, role: str, tenant_id: str | None = None) -> str:
    """A console account's e-mail address, its password `PASSWORD`."""
    email: str = fake.unique.company_email()
    create_account(
        container.use_case(DCO),
        NewAccount(email=email, role=role, tenant_id=tenant_id),
        container.passwords,
        PASSWORD,
    )
    return email


def client_of(container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(container), base_url="https://testserver") as client:
        yield client


def sign_in(client: TestClient, email: str) -> None:
    client.cookies.clear()
    client.get("/console/login")
    token = client.cookies.get("dw_csrf")
    answer = client.post(
        "/console/login",
        data={"email": email, "password": PASSWORD, "csrf": token or ""},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


def csrf_of(html: str) -> str:
    """The session's CSRF token, as a page's forms carry it."""
    found = _CSRF.search(html)
    assert found is not None
    return found.group(1)
