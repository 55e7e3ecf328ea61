"""A live server on an embedded installation, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from faker import Faker

from dataward.bootstrap import Container, bootstrap
from dataward.config import Settings
from dataward.domain.clock import FixedClock
from dataward.entrypoints.api.app import create_app
from dataward.installation import initialise
from tests.builders import NOW

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class Live:
    url: str
    container: Container


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    """A live server on SQLite files under the test's folder."""
    yield from serve(Settings(data_dir=tmp_path / "var", public_form_per_hour=3))


@pytest.fixture
def live_on_backend(database_url: str, keystore_url: str, tmp_path: Path) -> Iterator[Live]:
    """A live server on each backend (PostgreSQL where DATAWARD_TEST_POSTGRES_URL is set)."""
    settings = Settings(
        data_dir=tmp_path / "var",
        database_url=database_url,
        keystore_url=keystore_url,
        public_form_per_hour=3,
    )
    yield from serve(settings)


def serve(settings: Settings) -> Iterator[Live]:
    """An installation made with `settings`, served on a free port until the test ends."""
    container = bootstrap(settings, clock=FixedClock(NOW))
    initialise(container)
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
        yield Live(f"http://127.0.0.1:{port}", container)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        container.close()


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
