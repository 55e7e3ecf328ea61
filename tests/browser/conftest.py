"""A live server on an embedded installation, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from argon2 import PasswordHasher
from faker import Faker

from dataward.adapters.passwords import Argon2Passwords
from dataward.bootstrap import Container, bootstrap
from dataward.config import Settings
from dataward.domain.clock import FixedClock
from dataward.domain.subjects import Actor
from dataward.entrypoints.api.app import create_app
from dataward.installation import initialise
from dataward.services.organisation.accounts import NewAccount, create_account
from tests.browser.checks import axe_violations
from tests.builders import NOW

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class Live:
    url: str
    container: Container
    first_link: str | None = None
    """The path of the one-time link `dataward init` made for the first DCO account."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(settings: Settings) -> Iterator[Live]:
    container = bootstrap(settings, clock=FixedClock(NOW))
    container.passwords = CHEAP
    first = initialise(container).first_account
    link = f"/console/password/{first.link_token}" if first and first.link_token else None
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(container), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield Live(f"http://127.0.0.1:{port}", container, link)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        container.close()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    """A live server on the embedded default (SQLite)."""
    yield from _serve(Settings(data_dir=tmp_path / "var", public_form_per_hour=3))


@pytest.fixture
def live_db(tmp_path: Path, database_url: str, keystore_url: str) -> Iterator[Live]:
    """A live server on each backend: SQLite, and PostgreSQL where the tests have one."""
    yield from _serve(
        Settings(
            data_dir=tmp_path / "var",
            database_url=database_url,
            keystore_url=keystore_url,
            public_form_per_hour=3,
        )
    )


PASSWORD = "a long enough test password"  # noqa: S105 - a test's own account
CHEAP = Argon2Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
"""Real argon2id, at a cost a test can afford."""


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    actor: Actor


def console_account(live: Live, fake: Faker, role: str, tenant_id: str | None = None) -> Account:
    """A console account with its password set, made through the service as the DCO would."""
    container = live.container
    register = container.active_register.get(container.uow(read_only=True)).register
    ctx = container.use_case(Actor("dco", "dco"), register)
    email = fake.unique.company_email()
    created = create_account(
        ctx, NewAccount(email=email, role=role, tenant_id=tenant_id), container.passwords, PASSWORD
    )
    return Account(email, PASSWORD, created.actor)


def sign_in(page: Any, live: Live, account: Account) -> None:
    """Sign `account` in to the console in the browser's `page`, and land on the dashboard."""
    page.goto(f"{live.url}/console/login")
    page.get_by_label("E-mail address").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live.url}/console")


@pytest.fixture
def browser() -> Iterator[object]:
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def fake() -> Faker:
    faker = Faker("en_GB")
    faker.seed_instance(7)
    return faker


def checked_page(page: Any, shots: Path, name: str) -> None:
    """The page as it stands: a screenshot kept under `shots`, and no axe-core violation."""
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    assert axe_violations(page) == [], name
