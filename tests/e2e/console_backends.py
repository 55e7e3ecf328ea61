"""The console in fast tests: an installation on each backend served to `TestClient`s, one
signed-in client per staff role (an account made through the service as the DCO would, its
session from the real sign-in form), and the data the register pages show made through the
services."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from faker import Faker
from fastapi.testclient import TestClient

from dataward.bootstrap import Container, bootstrap
from dataward.config import Settings
from dataward.domain.audit_search import MAX_SEQ, AuditSearch, SearchSlice
from dataward.domain.clock import FixedClock
from dataward.domain.subjects import Actor
from dataward.entrypoints.api.app import create_app
from dataward.installation import initialise
from dataward.services.organisation.accounts import NewAccount, create_account
from tests.builders import a_tenant

PASSWORD = "a long enough test password"  # noqa: S105 - a test's own account
DCO = Actor("dco", "dco")
ROLES = {
    "dco": ("dco", None),
    "operator": ("operator", None),
    "support": ("support", None),
    "marketing": ("marketing", None),
    "auditor": ("auditor", None),
    "admin_a": ("tenant_admin", "tenant-a"),
}
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Console:
    container: Container
    app: Any
    fake: Faker
    clients: dict[str, TestClient] = field(default_factory=dict)

    def as_(self, who: str) -> TestClient:
        """A client signed in to the console as `who` (a key of `ROLES`)."""
        if who not in self.clients:
            self.clients[who] = self._signed_in(*ROLES[who])
        return self.clients[who]

    def _signed_in(self, role: str, tenant_id: str | None) -> TestClient:
        register = self.container.active_register.get(self.container.uow(read_only=True)).register
        email = self.fake.unique.company_email()
        create_account(
            self.container.use_case(DCO, register),
            NewAccount(email=email, role=role, tenant_id=tenant_id),
            self.container.passwords,
            PASSWORD,
        )
        client = TestClient(self.app, base_url="https://testserver", follow_redirects=False)
        client.get("/console/login")
        token = client.cookies.get("dw_csrf")
        signed = client.post(
            "/console/login", data={"csrf": token, "email": email, "password": PASSWORD}
        )
        assert signed.status_code == 303, signed.text
        return client

    def csrf(self, who: str, path: str) -> str:
        """The session's CSRF token, as a page of `path` carries it in its forms."""
        page = self.as_(who).get(path)
        assert page.status_code == 200, page.text
        found = _CSRF.search(page.text)
        assert found is not None
        return found.group(1)

    def ctx(self, actor: Actor = DCO) -> Any:
        return self.container.use_case(actor)

    def actions(self, action: str) -> int:
        """How many entries of `action` the audit log holds."""
        query = AuditSearch(None, None, action, None, None)
        with self.container.uow(read_only=True) as uow:
            return len(uow.audit.search(query, SearchSlice(None, MAX_SEQ, 10_000)))


@pytest.fixture(name="console")
def console_fixture(
    database_url: str, keystore_url: str, tmp_path: Path, clock: FixedClock, fake: Faker
) -> Iterator[Console]:
    settings = Settings(
        data_dir=tmp_path / "var", database_url=database_url, keystore_url=keystore_url
    )
    container = bootstrap(settings, clock=clock)
    initialise(container)
    with container.uow() as uow:
        for tenant_id in ("tenant-a", "tenant-b"):
            uow.tenants.add(a_tenant(tenant_id))
        uow.commit()
    served = Console(container, create_app(container), fake)
    try:
        yield served
    finally:
        for client in served.clients.values():
            client.close()
        container.close()
