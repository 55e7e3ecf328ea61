"""Fixtures of the API and command-line tests: a real embedded installation, a token per staff
role, and one fixed clock that both the API's container and every command's container read, so
the calendar cases these tests assert (a deadline, "overdue", "due this week") hold on any date.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from faker import Faker
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from dataward.bootstrap import Container, bootstrap
from dataward.config import Settings
from dataward.domain.clock import FixedClock
from dataward.domain.subjects import Actor
from dataward.entrypoints.api.app import create_app
from dataward.entrypoints.cli import common
from dataward.entrypoints.cli.main import app
from dataward.installation import initialise
from dataward.services.organisation.staff import IssueToken, issue_token
from tests.builders import NOW, a_tenant
from tests.support.installations import copy_initialised

SETUP = Actor(id="test-setup", role="dco")
"""Who issues the fixtures' tokens: a role with manage_staff."""

ROLES = {
    "dco": ("dco", None),
    "operator": ("operator", None),
    "support": ("support", None),
    "marketing": ("marketing", None),
    "auditor": ("auditor", None),
    "admin_a": ("tenant_admin", "tenant-a"),
    "admin_b": ("tenant_admin", "tenant-b"),
}


@dataclass
class Api:
    client: TestClient
    container: Container
    tokens: dict[str, str]

    def as_(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def create(self, who: str, body: dict[str, Any]) -> str:
        response = self.client.post("/api/v1/subjects", json=body, headers=self.as_(who))
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def read(self, who: str, subject_id: str, purpose: str) -> Any:
        return self.client.get(
            f"/api/v1/subjects/{subject_id}", params={"purpose": purpose}, headers=self.as_(who)
        )

    def lookup(self, who: str, **body: str) -> Any:
        """POST /api/v1/subjects/lookup: the identifier goes in the body, never the URL."""
        return self.client.post("/api/v1/subjects/lookup", json=body, headers=self.as_(who))


@pytest.fixture
def clock() -> FixedClock:
    """Today for these tests: Wednesday 25 November 2026, 10:00 UTC (`tests.builders.NOW`)."""
    return FixedClock(NOW)


@pytest.fixture(autouse=True)
def commands_read_the_clock(clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command's container reads the test's clock, as `bootstrap(clock=...)` allows."""

    def wired(settings: Settings | None = None) -> Container:
        return bootstrap(settings, clock=clock)

    monkeypatch.setattr(common, "bootstrap", wired)


@pytest.fixture
def api(tmp_path: Path, clock: FixedClock) -> Iterator[Api]:
    yield from served(bootstrap(Settings(data_dir=tmp_path / "var"), clock=clock))


def served(container: Container) -> Iterator[Api]:
    """`container` initialised, with the two tenants and a token per role, served; closed
    after."""
    copy_initialised(container.settings, container.clock.now())
    initialise(container)
    with container.uow() as uow:
        for tenant_id in ("tenant-a", "tenant-b"):
            uow.tenants.add(a_tenant(tenant_id))
        uow.commit()
    register = container.active_register.get(container.uow(read_only=True)).register
    tokens = {
        who: issue_token(container.use_case(SETUP, register), IssueToken(who, role, tenant)).token
        for who, (role, tenant) in ROLES.items()
    }
    with TestClient(create_app(container)) as client:
        yield Api(client, container, tokens)
    container.close()


@pytest.fixture
def fake() -> Faker:
    faker = Faker("en_GB")
    faker.seed_instance(99)
    return faker


runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: FixedClock) -> Path:
    """An initialised embedded installation the command line acts on, as the DCO."""
    folder = tmp_path / "var"
    monkeypatch.setenv("DATAWARD_DATA_DIR", str(folder))
    monkeypatch.setenv("DATAWARD_ACTOR", "dco-on-duty")
    monkeypatch.setenv("DATAWARD_ACTOR_ROLE", "dco")
    for name in ("DATAWARD_DATABASE_URL", "DATAWARD_MASTER_KEY", "DATAWARD_KEYSTORE_URL"):
        monkeypatch.delenv(name, raising=False)
    if not copy_initialised(Settings(), clock.now()):
        assert runner.invoke(app, ["init"]).exit_code == 0
    return folder


@pytest.fixture
def console(api: Api) -> Iterator[Any]:
    """Console accounts for every role of `ROLES`, beside the API's tokens (`console_client`)."""
    from tests.e2e.console_client import console_for

    yield from console_for(api.container)
