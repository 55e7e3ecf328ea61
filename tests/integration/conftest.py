"""Integration fixtures: a wired system (`world`) on each backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from faker import Faker

from tests.integration.world import World, make_world


@pytest.fixture
def world(database_url: str, keystore_url: str, tmp_path: Path) -> Iterator[World]:
    yield from make_world(database_url, keystore_url, tmp_path)


@pytest.fixture
def fake() -> Faker:
    faker = Faker("en_GB")
    faker.seed_instance(1234)
    return faker
