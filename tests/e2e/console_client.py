"""Signing in to the console through a test client: accounts per role on a served container,
each signed in on a client of its own (cookies are Secure, so the clients speak https)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from dataward.adapters.passwords import Argon2Passwords
from dataward.bootstrap import Container
from dataward.entrypoints.api.app import create_app
from dataward.services.organisation.accounts import NewAccount, create_account
from tests.e2e.conftest import ROLES, SETUP

PASSWORD = "several unrelated words here"  # noqa: S105 - a test's own account
BASE = "https://testserver"
CHEAP = Argon2Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
"""Real argon2id, at a cost a test can afford."""
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found is not None, "the page has no CSRF field"
    return found.group(1)


@dataclass
class Console:
    container: Container
    emails: dict[str, str] = field(default_factory=dict)

    def client(self) -> TestClient:
        return TestClient(create_app(self.container), base_url=BASE, follow_redirects=False)

    def signed_in(self, who: str) -> TestClient:
        """A client signed in as the account of role key `who` (see `ROLES`)."""
        client = self.client()
        sign_in(client, self.emails[who], PASSWORD)
        return client


def sign_in(client: TestClient, email: str, password: str) -> None:
    page = client.get("/console/login")
    answer = client.post(
        "/console/login",
        data={"csrf": csrf_of(page.text), "email": email, "password": password},
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/console"


def console_for(container: Container) -> Iterator[Console]:
    """An account with its password set for each role of `ROLES`, on a served container."""
    container.passwords = CHEAP
    register = container.active_register.get(container.uow(read_only=True)).register
    console = Console(container)
    for who, (role, tenant) in ROLES.items():
        email = f"{who.replace('_', '-')}@staff.example"
        command = NewAccount(
            email=email, role=role, tenant_id=tenant, actor_id=f"user-{who}".replace("_", "-")
        )
        create_account(container.use_case(SETUP, register), command, CHEAP, PASSWORD)
        console.emails[who] = email
    yield console
