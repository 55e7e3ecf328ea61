"""Each download link's package is sealed under a key of the link's own, destroyed once the
package is no longer needed: the link swept, used, cleared as expired, withdrawn, or deleted by
its subject's erasure; a copy of its row kept from before then opens with nothing. A package
sealed before links had keys (under its subject's key) is still served, and swept. The key
sweep keeps the key of a link that landed and destroys the key of one that never did. A sweep
that could not purge the write-ahead log says so."""

from __future__ import annotations

import base64
import uuid
from datetime import timedelta

import pytest
from faker import Faker

from dataward.adapters.sql.uow import SqlUnitOfWork
from dataward.domain.errors import KeyUnavailable
from dataward.domain.retention.sweeps import SweepStore
from dataward.services.keys.batches import DOWNLOAD, KeyBatch
from dataward.services.keys.orphans import destroy_orphan_keys
from dataward.services.processing.erasure import Shred, shred
from dataward.services.retention.sweep import SweepRetention, sweep_retention
from dataward.services.rights.download_ports import NewDownload
from dataward.services.rights.downloads import (
    DownloadGone,
    NewLink,
    add_link,
    clear_expired_downloads,
    new_token,
    redeem_download,
    token_hash,
)
from tests.integration.test_retention_downloads import (
    BASE,
    DCO,
    ISSUED,
    _links,
    _sealed,
    _swept,
    _token,
)
from tests.integration.world import World


def _gone(world: World, link_id: str, sealed: bytes) -> bool:
    """The link's key is destroyed and its sealed package, as a backup kept it, opens no more."""
    world.vault.forget_cached_keys()
    if world.vault.has_key(link_id):
        return False
    with pytest.raises(KeyUnavailable):
        world.vault.open(link_id, sealed)
    return True


def test_a_used_or_cleared_link_loses_its_key(world: World, fake: Faker) -> None:
    _subject, (used, expired) = _links(world, fake, timedelta(days=7), timedelta(days=1))
    copies = {link.download_id: _sealed(world, link.download_id) for link in (used, expired)}
    world.clock.current = ISSUED + timedelta(hours=1)
    served = redeem_download(world.uow(), world.vault, world.clock, _token(used))
    assert served.content
    assert _gone(world, used.download_id, copies[used.download_id])

    world.clock.current = expired.expires_at
    assert clear_expired_downloads(world.uow(), world.vault, world.clock) == 1
    assert _gone(world, expired.download_id, copies[expired.download_id])
    with pytest.raises(DownloadGone):
        redeem_download(world.uow(), world.vault, world.clock, _token(expired))


def test_a_package_sealed_before_links_had_keys_is_served_and_swept(
    world: World, fake: Faker
) -> None:
    subject, (made,) = _links(world, fake, timedelta(days=7))  # for its subject and request
    content = fake.paragraph().encode()
    token = new_token(world.vault)
    digest = token_hash(world.vault, token)
    assert digest is not None
    old_id = str(uuid.uuid4())
    with world.uow() as uow:  # as the code before this change stored a link
        uow.downloads.add(
            NewDownload(
                download_id=old_id,
                request_id=str(uuid.uuid4()),
                subject_id=subject,
                kind="access",
                token_hash=digest,
                filename="access.zip",
                created_at=ISSUED,
                expires_at=ISSUED + timedelta(days=2),
                package=world.vault.seal(subject, base64.b64encode(content).decode("ascii")),
            )
        )
        uow.commit()
    world.clock.current = ISSUED + timedelta(days=1)
    assert redeem_download(world.uow(), world.vault, world.clock, token).content == content
    assert world.vault.has_key(subject)

    world.clock.current = ISSUED + timedelta(days=3)
    assert _swept(world).removed == 1  # the old link, expired; the new one still works
    assert world.vault.has_key(made.download_id)


def test_the_key_sweep_keeps_a_live_links_key_and_destroys_a_lost_ones(
    world: World, fake: Faker
) -> None:
    subject, _made = _links(world, fake, timedelta(days=7))
    keys = KeyBatch(world.vault, DOWNLOAD)  # left open: as if the process died after its commit
    ctx = world.use_case(DCO)
    with ctx.uow:
        keys.join(ctx.uow)
        new = NewLink(str(uuid.uuid4()), subject, "access", "a.zip", b"{}", BASE)
        landed = add_link(ctx, new, keys)
        keys.commit(ctx.uow)
    lost_keys = KeyBatch(world.vault, DOWNLOAD)
    with ctx.uow:  # never committed: rolled back
        lost_keys.join(ctx.uow)
        lost = add_link(ctx, new, lost_keys)
    world.clock.current += timedelta(hours=2)
    swept = destroy_orphan_keys(world.uow(), world.vault, world.clock)
    assert (swept.batches, swept.kept, swept.destroyed) == (2, 1, 1)
    assert world.vault.has_key(landed.download_id)
    assert not world.vault.has_key(lost.download_id)


def test_erasing_the_subject_destroys_its_links_keys(world: World, fake: Faker) -> None:
    subject, links = _links(world, fake, timedelta(days=7), timedelta(days=1))
    copies = {link.download_id: _sealed(world, link.download_id) for link in links}
    shred(world.use_case(DCO), Shred(subject, "erasure_request"))
    for link_id, sealed in copies.items():
        assert _gone(world, link_id, sealed)


def test_a_sweep_that_could_not_purge_says_so(
    world: World, fake: Faker, monkeypatch: pytest.MonkeyPatch
) -> None:
    _subject, (link,) = _links(world, fake, timedelta(days=1))
    world.clock.current = link.expires_at
    monkeypatch.setattr(SqlUnitOfWork, "purge_freed_pages", lambda _self: False)  # a reader
    records = sweep_retention(world.use_case(DCO), SweepRetention())
    [record] = [r for r in records if r.target.store is SweepStore.DOWNLOADS]
    assert (record.removed, record.purged) == (1, False)
    with world.uow() as uow:
        [entry] = [
            e
            for e in uow.audit.iter_entries()
            if e.action == "retention_swept" and e.details["store"] == "downloads"
        ]
    assert entry.details["purged"] is False
    assert not world.vault.has_key(link.download_id)  # the key went all the same
