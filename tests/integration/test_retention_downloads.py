"""Download links under their own expiry: the plan counts the links expired by now (by a day's
end, looking ahead), the sweep deletes each whole (token hash, sealed package, references),
used or not, the instant it has expired and not before, with evidence and an audit entry that
name no person; nothing of a package is left in the database's files, and each link's own key
is destroyed, so a copy of its row left anywhere opens with nothing; a package sealed before
links had keys (under its subject's) is still served and swept; the key sweep keeps a live
link's key and destroys one whose link never landed; an erasure destroys its subject's links'
keys; an interrupted sweep goes on with its record, and a second finds nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from faker import Faker
from sqlalchemy import func, select

from dataward.adapters.sql.retention.repository import SqlRetentionRepository
from dataward.adapters.sql.rights.downloads import access_downloads
from dataward.domain.errors import KeyUnavailable
from dataward.domain.requests.terms import RequestType
from dataward.domain.retention.sweeps import (
    START_DIGEST,
    PlanLine,
    SweepRecord,
    SweepState,
    SweepStore,
    add_digest,
    set_digest,
)
from dataward.domain.subjects import Actor
from dataward.services.keys.batches import DOWNLOAD, enrolling
from dataward.services.retention.history import retention_history
from dataward.services.retention.plan import retention_plan
from dataward.services.retention.sweep import SweepRetention, sweep_retention
from dataward.services.rights.downloads import (
    DownloadNotFound,
    IssuedLink,
    NewLink,
    add_link,
    redeem_download,
)
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
BASE = "https://privacy.example.test"
ISSUED = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)


def _links(world: World, fake: Faker, *ttls: timedelta) -> tuple[str, list[IssuedLink]]:
    """A subject, an access request about it, and a link of each lifetime, issued at ISSUED."""
    world.clock.current = ISSUED
    subject = create_subject(
        world.use_case(DCO), NewSubject(kind="end_user", identifiers=[("email", fake.email())])
    )
    view = receive_request(
        world.use_case(DCO),
        NewRequest(
            type=RequestType.ACCESS,
            received=ISSUED.date(),
            channel="email",
            subject_id=subject.id,
            contact_email=fake.email(),
            contact_name=fake.name(),
        ),
    )
    issued = []
    for ttl in ttls:
        ctx = world.use_case(DCO)
        with enrolling(world.vault, DOWNLOAD) as keys, ctx.uow:
            keys.join(ctx.uow)
            content = fake.paragraph().encode()
            new = NewLink(view.request.id, subject.id, "access", "access.zip", content, BASE, ttl)
            issued.append(add_link(ctx, new, keys))
            keys.commit(ctx.uow)
    return str(subject.id), issued


def _sealed(world: World, link_id: str) -> bytes:
    """A copy of the link's sealed package, as a backup of its row would keep it."""
    with world.engine.connect() as connection:
        sealed = connection.execute(
            select(access_downloads.c.package_ciphertext).where(access_downloads.c.id == link_id)
        ).scalar_one()
    return bytes(sealed)


def _token(link: IssuedLink) -> str:
    return link.url.rsplit("/", 1)[1]


def _left(world: World) -> set[str]:
    with world.engine.connect() as connection:
        return set(connection.execute(select(access_downloads.c.id)).scalars())


def _line(world: World, as_of: date | None = None) -> PlanLine:
    plan = retention_plan(world.use_case(DCO), as_of)
    [line] = [line for line in plan.lines if line.target.store is SweepStore.DOWNLOADS]
    return line


def _swept(world: World, batch_size: int = 5000) -> SweepRecord:
    records = sweep_retention(world.use_case(DCO), SweepRetention(batch_size=batch_size))
    [record] = [r for r in records if r.target.store is SweepStore.DOWNLOADS]
    return record


def _digest(*links: IssuedLink) -> str:
    return add_digest(START_DIGEST, set_digest(uuid.UUID(x.download_id).bytes for x in links))


def test_a_link_goes_the_instant_it_has_expired_used_or_not(world: World, fake: Faker) -> None:
    subject, (short, week, used) = _links(
        world, fake, timedelta(days=1), timedelta(days=7), timedelta(days=7)
    )
    world.clock.current = ISSUED + timedelta(hours=1)
    redeem_download(world.uow(), world.vault, world.clock, _token(used))  # used: no package left

    world.clock.current = short.expires_at - timedelta(seconds=1)
    line = _line(world)
    assert (line.due, line.held, line.waiting) == (0, (), 0)
    assert line.target.retention == "until the link expires"
    assert line.target.rule == "rights_records"
    assert _swept(world).removed == 0
    assert len(_left(world)) == 3

    world.clock.current = short.expires_at
    assert (_line(world).due, _line(world).oldest) == (1, date(2026, 7, 2))
    assert _line(world, date(2026, 7, 8)).due == 3  # looking ahead: expired by that day's end
    record = _swept(world)
    assert (record.removed, record.oldest, record.held) == (1, date(2026, 7, 2), 0)
    assert record.digest == _digest(short)
    assert _left(world) == {week.download_id, used.download_id}
    with pytest.raises(DownloadNotFound):  # gone whole: not even its token's hash is left
        redeem_download(world.uow(), world.vault, world.clock, _token(short))

    world.clock.current = week.expires_at
    record = _swept(world)
    assert (record.removed, record.digest) == (2, _digest(week, used))
    assert _left(world) == set()
    again = _swept(world)
    assert (again.removed, again.state) == (0, SweepState.DONE)  # safe twice, and recorded
    assert world.vault.has_key(subject)  # the subject's key is not the packages': it stays
    assert not any(world.vault.has_key(x.download_id) for x in (short, week, used))

    with world.uow() as uow:
        entries = [
            e
            for e in uow.audit.iter_entries()
            if e.action == "retention_swept" and e.details["store"] == "downloads"
        ]
    assert [e.details["removed"] for e in entries] == [0, 1, 2, 0]
    text = " ".join(f"{e.subject_ref} {e.details!r}" for e in entries)
    text += " ".join(repr(r) for r in retention_history(world.use_case(DCO)))
    for secret in (subject, short.download_id, _token(short), _token(week)):
        assert secret not in text


def test_nothing_of_a_package_is_left_in_the_database_files(
    world: World, fake: Faker, backend: str
) -> None:
    _subject, (link,) = _links(world, fake, timedelta(days=2))
    sealed = _sealed(world, link.download_id)  # a backup's copy of the row, taken before
    assert world.vault.open(link.download_id, sealed)  # it opens, while the link lives
    database = Path(str(world.engine.url.database))

    def stored() -> bytes:
        files = [database, Path(f"{database}-wal")]
        return b"".join(path.read_bytes() for path in files if path.exists())

    if backend == "sqlite":
        assert sealed[16:80] in stored()  # the look below can see a package
    world.clock.current = link.expires_at + timedelta(minutes=1)
    assert _swept(world).removed == 1
    with world.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(access_downloads)).scalar() == 0
    if backend == "sqlite":  # (PostgreSQL's files are the server's: the row is gone)
        assert sealed[16:80] not in stored()  # overwritten (secure_delete), the log folded in
    world.vault.forget_cached_keys()
    assert not world.vault.has_key(link.download_id)
    with pytest.raises(KeyUnavailable):  # whatever copy is left, on either backend
        world.vault.open(link.download_id, sealed)


def test_an_interrupted_sweep_goes_on_with_its_record(
    world: World, fake: Faker, monkeypatch: pytest.MonkeyPatch
) -> None:
    _subject, links = _links(world, fake, *(timedelta(days=1) for _ in range(3)))
    world.clock.current = ISSUED + timedelta(days=3)
    real = SqlRetentionRepository.delete_downloads
    batches: list[int] = []

    def failing(self: SqlRetentionRepository, bound: datetime, limit: int) -> object:
        if len(batches) == 1:
            raise RuntimeError("killed")
        batches.append(limit)
        return real(self, bound, limit)

    monkeypatch.setattr(SqlRetentionRepository, "delete_downloads", failing)
    with pytest.raises(RuntimeError):
        _swept(world, batch_size=1)
    monkeypatch.undo()
    [interrupted] = [
        r for r in retention_history(world.use_case(DCO)) if r.target.store is SweepStore.DOWNLOADS
    ]
    assert (interrupted.state, interrupted.removed) == (SweepState.RUNNING, 1)
    assert len(_left(world)) == 2  # the batch landed whole

    record = _swept(world, batch_size=1)
    assert record.id == interrupted.id
    assert (record.state, record.removed, record.batches) == (SweepState.DONE, 3, 3)
    assert record.digest == _digest(*links)
