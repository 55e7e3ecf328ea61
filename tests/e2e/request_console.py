"""A console in a test client for the request and subject pages: an initialised embedded
installation with two tenants that name their controller contacts (so requests can be
forwarded), and a client signed in for each role a test asks for (its account made and signed
in through the services, as `dataward staff create` and the sign-in page would)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from faker import Faker
from fastapi import FastAPI
from fastapi.testclient import TestClient

from dataward.bootstrap import Container, bootstrap
from dataward.config import Settings
from dataward.domain.clock import FixedClock
from dataward.domain.requests.workflow import RequestState
from dataward.entrypoints.api.app import create_app
from dataward.entrypoints.api.console.web import SESSION_COOKIE
from dataward.installation import initialise
from dataward.services.organisation.accounts import (
    Credentials,
    NewAccount,
    create_account,
    login,
)
from dataward.services.rights.requests import request_timeline
from tests.builders import NOW
from tests.support.console_data import a_tenant, as_dco

PASSWORD = "a long enough test password"  # noqa: S105 - a test's own account
ROLES = {
    "dco": ("dco", None),
    "operator": ("operator", None),
    "support": ("support", None),
    "marketing": ("marketing", None),
    "auditor": ("auditor", None),
    "admin_a": ("tenant_admin", "tenant-a"),
    "admin_b": ("tenant_admin", "tenant-b"),
}
HOSTILE = '<script>pwned("x")</script>\'"&'


@dataclass
class Signed:
    client: TestClient
    csrf: str

    def post(self, path: str, data: dict[str, str], *, csrf: str | None = None) -> Any:
        fields = {**data, "csrf": self.csrf if csrf is None else csrf}
        return self.client.post(path, data=fields, follow_redirects=False)


@dataclass
class Console:
    container: Container
    app: FastAPI
    fake: Faker
    signed: dict[str, Signed]

    def as_(self, name: str) -> Signed:
        """A client signed in with a new account of the role named in `ROLES`."""
        if name not in self.signed:
            role, tenant = ROLES[name]
            email = self.fake.unique.company_email()
            account = NewAccount(email=email, role=role, tenant_id=tenant)
            container = self.container
            create_account(as_dco(container), account, container.passwords, PASSWORD)
            signed = login(
                container.uow(), container.clock, container.passwords, Credentials(email, PASSWORD)
            )
            client = TestClient(
                self.app, base_url="https://testserver", cookies={SESSION_COOKIE: signed.token}
            )
            self.signed[name] = Signed(client, signed.csrf_token)
        return self.signed[name]


def served_console(tmp_path: Path) -> Iterator[Console]:
    """The test modules' `console` fixture: the installation under `tmp_path`, closed after."""
    container = bootstrap(Settings(data_dir=tmp_path / "var"), clock=FixedClock(NOW))
    initialise(container)
    staff = Faker("en_GB")
    staff.seed_instance(31)
    for tenant in ("tenant-a", "tenant-b"):
        a_tenant(container, staff, tenant)
    yield Console(container, create_app(container), staff, {})
    container.close()


def state_of(console: Console, request_id: object) -> RequestState:
    view, _, _ = request_timeline(as_dco(console.container), str(request_id))
    return view.request.state
