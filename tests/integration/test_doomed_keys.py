"""Every path that lets rows go whose keys must then be destroyed (a subject's erasure with a
live download link, the retention shred, the download sweep, a withdrawn link, the
rights-records sweep) lists those keys in the transaction that deletes the rows: a process that
dies right after that commit leaves them listed, and the key sweep destroys them, so no copy of
what they sealed opens; the normal path leaves nothing listed."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from faker import Faker
from sqlalchemy import select

from dataward.adapters.sql.registry.doomed_keys import doomed_keys
from dataward.adapters.sql.uow import SqlUnitOfWork
from dataward.domain.clock import FixedClock
from dataward.domain.errors import KeyUnavailable
from dataward.services.context import UseCase
from dataward.services.keys.batches import DOWNLOAD, enrolling
from dataward.services.keys.sweep import sweep_keys
from dataward.services.processing.erasure import Shred, shred
from dataward.services.retention.sweep import SweepRetention, sweep_retention
from dataward.services.rights.downloads import NewLink, add_link, withdraw_link
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.integration.test_retention_downloads import BASE, DCO, _links, _sealed
from tests.integration.test_retention_requests import _closed
from tests.integration.world import World


class ProcessDied(BaseException):
    """The process ended between a commit and the destruction of the keys it listed."""


@dataclass
class Path:
    keys: list[str]
    """The keys the path must destroy."""
    copies: dict[str, bytes]
    """A value sealed under each, as a backup would keep it."""
    run: Callable[[], object]


def _copies(world: World, keys: Sequence[str]) -> dict[str, bytes]:
    return {key: world.vault.seal(key, "a copy kept in a backup") for key in keys}


def _erasure(world: World, fake: Faker) -> Path:
    subject, (link,) = _links(world, fake, timedelta(days=7))  # live
    copies = {**_copies(world, [subject]), link.download_id: _sealed(world, link.download_id)}
    return Path(
        [subject, link.download_id],
        copies,
        lambda: shred(world.use_case(DCO), Shred(subject, "erasure_request")),
    )


def _retention_shred(world: World, fake: Faker) -> Path:
    world.clock.current = datetime(2015, 1, 5, 10, 0, tzinfo=UTC)
    made = create_subject(
        world.use_case(DCO),
        NewSubject(kind="customer_contact", identifiers=[("email", fake.email())]),
    )
    subject = str(made.id)
    with world.uow() as uow:  # past the customer-records rule by 2026-01-01
        uow.subjects.set_relationship(
            made.id, ended=date(2018, 1, 10), last_transaction=date(2019, 12, 31)
        )
        uow.commit()
    world.clock.current = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    return Path(
        [subject],
        _copies(world, [subject]),
        lambda: sweep_retention(world.use_case(DCO), SweepRetention()),
    )


def _download_sweep(world: World, fake: Faker) -> Path:
    _subject, (link,) = _links(world, fake, timedelta(days=1))
    copies = {link.download_id: _sealed(world, link.download_id)}
    world.clock.current = link.expires_at
    return Path(
        [link.download_id],
        copies,
        lambda: sweep_retention(world.use_case(DCO), SweepRetention()),
    )


def _withdrawn(world: World, fake: Faker) -> Path:
    _subject, (link,) = _links(world, fake, timedelta(days=7))
    copies = {link.download_id: _sealed(world, link.download_id)}
    return Path(
        [link.download_id],
        copies,
        lambda: withdraw_link(world.uow(), world.vault, world.clock, link.download_id),
    )


def _rights_records(world: World, fake: Faker) -> Path:
    closed_at = datetime(2020, 2, 3, 10, 0, tzinfo=UTC)
    made = create_subject(
        world.use_case(DCO), NewSubject(kind="end_user", identifiers=[("email", fake.email())])
    )
    request = _closed(world, fake, closed_at, str(made.id))
    ctx = world.use_case(DCO)
    with enrolling(world.vault, DOWNLOAD) as keys, ctx.uow:  # one still working: goes with it
        keys.join(ctx.uow)
        new = NewLink(request, made.id, "access", "a.zip", b"{}", BASE, timedelta(days=4000))
        link = add_link(ctx, new, keys)
        keys.commit(ctx.uow)
    copies = {**_copies(world, [request]), link.download_id: _sealed(world, link.download_id)}
    world.clock.current = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    return Path(
        [request, link.download_id],
        copies,
        lambda: sweep_retention(world.use_case(DCO), SweepRetention()),
    )


PATHS = {
    "erasure": _erasure,
    "retention_shred": _retention_shred,
    "download_sweep": _download_sweep,
    "withdrawn_link": _withdrawn,
    "rights_records": _rights_records,
}


def _listed(world: World) -> set[str]:
    with world.engine.connect() as connection:
        return set(connection.execute(select(doomed_keys.c.key_id)).scalars())


def _gone(world: World, path: Path) -> None:
    world.vault.forget_cached_keys()
    for key, sealed in path.copies.items():
        assert not world.vault.has_key(key)
        with pytest.raises(KeyUnavailable):
            world.vault.open(key, sealed)


def _dies_after_commit(world: World, keys: Sequence[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The first destruction of any of `keys` never happens: the process died first."""
    real = world.vault.destroy_keys
    died: list[Sequence[str]] = []

    def destroy_keys(key_ids: Sequence[str]) -> int:
        if not died and set(keys) & set(key_ids):
            died.append(key_ids)
            raise ProcessDied
        return real(key_ids)

    monkeypatch.setattr(world.vault, "destroy_keys", destroy_keys)


def _key_sweep(world: World) -> int:
    reading = UseCase(
        SqlUnitOfWork(world.engine, read_only=True),
        world.vault,
        FixedClock(world.clock.now()),
        world.use_case(DCO).holidays,
        world.register,
        DCO,
    )
    return sweep_keys(world.use_case(DCO), reading, world.vault).destroyed


@pytest.mark.parametrize("name", sorted(PATHS))
def test_keys_listed_before_a_death_are_destroyed_by_the_key_sweep(
    world: World, fake: Faker, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    path = PATHS[name](world, fake)
    _dies_after_commit(world, path.keys, monkeypatch)
    with pytest.raises(ProcessDied):
        path.run()
    assert set(path.keys) <= _listed(world)  # committed with the deletion
    assert all(world.vault.has_key(key) for key in path.keys)  # and still there
    monkeypatch.undo()

    assert _key_sweep(world) >= len(path.keys)
    _gone(world, path)
    assert _listed(world) == set()


@pytest.mark.parametrize("name", sorted(PATHS))
def test_the_normal_path_destroys_the_keys_and_leaves_nothing_listed(
    world: World, fake: Faker, name: str
) -> None:
    path = PATHS[name](world, fake)
    path.run()
    _gone(world, path)
    assert _listed(world) == set()


def test_a_key_listed_twice_is_listed_once(world: World) -> None:
    key = str(uuid.uuid4())
    for _ in range(2):
        with world.uow() as uow:
            uow.doomed_keys.add([key, key], world.clock.now())
            uow.commit()
    assert _listed(world) == {key}
