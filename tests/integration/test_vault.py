"""The vault on real databases: identifiers stored once, found by blind index, shredded for good."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from faker import Faker
from sqlalchemy import select

from dataward.adapters.keyfile import create_master_key_file, read_master_key_file
from dataward.adapters.sql.engine import checkpoint, make_engine
from dataward.adapters.sql.registry.tables import identifiers
from dataward.adapters.sql.uow import SqlUnitOfWork
from dataward.adapters.vault import crypto
from dataward.adapters.vault.keystore import MasterKeys, SqlVault
from dataward.adapters.vault.rotation import rotate_master_key
from dataward.domain.errors import (
    ConfigurationError,
    InvalidIdentifier,
    KeyUnavailable,
    NotFound,
)
from dataward.domain.identifiers import IdentifierType
from dataward.domain.processing.restrictions import RestrictionGround
from dataward.domain.subjects import Actor, Subject, SubjectStatus
from dataward.services.processing.erasure import (
    ErasureRefused,
    Shred,
    ShredReport,
    finish_erasures,
    shred,
)
from dataward.services.processing.restrictions import ApplyRestriction, apply_restriction
from dataward.services.subjects.registry import (
    DuplicateIdentifier,
    FindSubject,
    NewSubject,
    SubjectRefused,
    create_subject,
    find_subject,
)
from tests.builders import TENANT_A, TENANT_B
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")


def dco_shreds(world: World, subject_id: str, **options: Any) -> ShredReport:
    return shred(world.use_case(DCO), Shred(subject_id, **options))


def controller_shreds(world: World, subject_id: str, **options: Any) -> ShredReport:
    """A tenant's caller erased by the tenant's own administrator, the controller."""
    actor = world.who_erases(subject_id)
    return shred(world.use_case(actor), Shred(subject_id, **options))


def dco_creates(world: World, command: NewSubject) -> Subject:
    return create_subject(world.use_case(DCO), command)


def uk_mobile(fake: Faker) -> str:
    """A number in Ofcom's London range reserved for drama (020 7946 0000-0999): never real."""
    return f"020 7946 0{fake.random_int(0, 999):03d}"


def new_caller(world: World, phone: str, tenant: str = "tenant-a") -> str:
    subject = dco_creates(
        world,
        NewSubject(kind="caller", tenant_id=tenant, identifiers=[(IdentifierType.PHONE, phone)]),
    )
    return str(subject.id)


def test_a_number_written_any_way_finds_the_same_subject(world: World, fake: Faker) -> None:
    phone = uk_mobile(fake)
    subject_id = new_caller(world, phone)
    national = phone.replace(" ", "")
    for written in (phone, national, "+44" + national[1:], "0044 " + national[1:]):
        found = find_subject(
            world.uow(), world.vault, FindSubject("phone", written, tenant_id="tenant-a")
        )
        assert found is not None
        assert str(found.id) == subject_id
    assert (
        find_subject(world.uow(), world.vault, FindSubject("phone", phone, tenant_id="tenant-b"))
        is None
    )


def test_the_same_number_in_two_tenants_is_two_subjects(world: World, fake: Faker) -> None:
    phone = uk_mobile(fake)
    assert new_caller(world, phone, "tenant-a") != new_caller(world, phone, "tenant-b")
    with pytest.raises(DuplicateIdentifier):
        new_caller(world, phone, "tenant-a")


def test_an_invalid_number_is_refused_without_echoing_it(world: World) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        new_caller(world, "01632 9")
    assert "01632" not in str(caught.value)
    assert str(caught.value).startswith("invalid phone")


def test_callers_need_a_tenant_and_own_subjects_must_not_have_one(
    world: World, fake: Faker
) -> None:
    with pytest.raises(SubjectRefused):
        dco_creates(
            world,
            NewSubject(kind="caller", identifiers=[("phone", uk_mobile(fake))]),
        )
    with pytest.raises(SubjectRefused):
        dco_creates(
            world,
            NewSubject(kind="end_user", tenant_id=TENANT_A, identifiers=[("email", fake.email())]),
        )
    with pytest.raises(NotFound, match="tenant"):
        dco_creates(
            world,
            NewSubject(
                kind="caller", tenant_id="no-such-tenant", identifiers=[("phone", uk_mobile(fake))]
            ),
        )


def test_nothing_in_the_data_database_is_plain_text(world: World, fake: Faker) -> None:
    email = fake.email()
    dco_creates(
        world,
        NewSubject(kind="end_user", identifiers=[("email", email), ("name", fake.name())]),
    )
    with world.engine.connect() as connection:
        rows = connection.execute(select(identifiers.c.ciphertext, identifiers.c.blind_index)).all()
    assert len(rows) == 2
    for row in rows:
        assert email.lower().encode() not in row.ciphertext
        assert len(row.blind_index) == 32


def test_a_ciphertext_moved_to_another_subject_does_not_open(world: World, fake: Faker) -> None:
    first = new_caller(world, uk_mobile(fake))
    second = new_caller(world, uk_mobile(fake))
    with world.uow() as uow:
        (stored,) = uow.subjects.identifiers_of(first)
    assert world.vault.open(first, stored.ciphertext).startswith("+442079460")
    with pytest.raises(KeyUnavailable, match="wrong key, or the data was altered or moved"):
        world.vault.open(second, stored.ciphertext)


def test_a_child_is_flagged_for_the_dco(world: World, fake: Faker) -> None:
    subject = dco_creates(
        world,
        NewSubject(
            kind="end_user", identifiers=[("email", fake.email())], birth_date=date(2014, 1, 1)
        ),
    )
    assert subject.dco_flag is not None
    assert "minimum age of 13" in subject.dco_flag
    with world.uow() as uow:
        stored = uow.subjects.get(subject.id)
    assert stored is not None
    assert stored.dco_flag == subject.dco_flag


def test_shred_leaves_a_tombstone_and_nothing_to_find(world: World, fake: Faker) -> None:
    phone = uk_mobile(fake)
    subject_id = new_caller(world, phone)
    report = controller_shreds(
        world,
        subject_id,
        reason="erasure_request",
        request_ref="R-1",
    )
    assert report.key_destroyed
    assert report.removed["identifiers"] == 1
    assert (
        find_subject(world.uow(), world.vault, FindSubject("phone", phone, tenant_id="tenant-a"))
        is None
    )
    with world.uow() as uow:
        erased = uow.subjects.get(subject_id)
        stone = uow.subjects.tombstone(subject_id)
    assert erased is not None
    assert erased.status is SubjectStatus.ERASED
    assert stone is not None
    assert (stone.reason, stone.request_ref) == ("erasure_request", "R-1")
    again = controller_shreds(
        world,
        subject_id,
        reason="erasure_request",
    )
    assert again.already_erased
    assert not again.key_destroyed


def test_a_wrong_master_key_is_a_clear_error_not_garbage(world: World, fake: Faker) -> None:
    subject_id = new_caller(world, uk_mobile(fake))
    other = world.key_file.with_name("other.key")
    create_master_key_file(other)
    wrong = SqlVault(world.keystore, MasterKeys(read_master_key_file(other)), world.clock)
    with pytest.raises(ConfigurationError, match="does not match the key store"):
        wrong.data_key(subject_id)
    with pytest.raises(ConfigurationError, match="does not match the key store"):
        wrong.index_key()


def test_rotation_rewraps_every_key_and_resumes_after_an_interruption(world: World) -> None:
    subject_ids = [new_caller(world, f"020 7946 0{i:03d}") for i in range(7)]
    old_key = world.key_file.read_bytes()
    partial = rotate_master_key(
        world.keystore, world.key_file, world.clock, batch=2, stop_after_batches=2
    )
    assert partial.rewrapped == 1 + 4  # the index key and two batches of two
    assert world.key_file.read_bytes() == old_key  # not swapped until every key is done
    mid = SqlVault(
        world.keystore,
        MasterKeys(
            read_master_key_file(world.key_file),
            read_master_key_file(world.key_file.with_name("master.key.next")),
        ),
        world.clock,
    )
    assert all(mid.has_key(s) for s in subject_ids)
    mid.data_key(subject_ids[0])
    mid.data_key(subject_ids[-1])
    finished = rotate_master_key(world.keystore, world.key_file, world.clock, batch=2)
    assert finished.resumed
    assert finished.to_fingerprint == partial.to_fingerprint
    assert world.key_file.read_bytes() != old_key
    assert not world.key_file.with_name("master.key.next").exists()
    rotated = SqlVault(
        world.keystore, MasterKeys(read_master_key_file(world.key_file)), world.clock
    )
    with world.uow() as uow:
        for subject_id in subject_ids:
            (stored,) = uow.subjects.identifiers_of(subject_id)
            assert rotated.open(subject_id, stored.ciphertext).startswith("+442079460")
    old = SqlVault(world.keystore, MasterKeys(crypto.new_key()), world.clock)
    with pytest.raises(ConfigurationError):
        old.data_key(subject_ids[0])


def test_shredding_defeats_a_copy_of_the_database(
    world: World, fake: Faker, backend: str, tmp_path: Path
) -> None:
    """Copy the files first; after the shred nothing live opens the copy, and nothing is left."""
    if backend != "sqlite":
        pytest.skip("the byte scan reads database files; PostgreSQL is checked through SQL above")
    phone = uk_mobile(fake)
    email = fake.email()
    victim = dco_creates(
        world,
        NewSubject(kind="end_user", identifiers=[("phone", phone), ("email", email)]),
    )
    bystander = new_caller(world, uk_mobile(fake))
    data_file = Path(world.engine.url.database or "")
    key_store_file = Path(world.keystore.url.database or "")
    for engine in (world.engine, world.keystore):
        checkpoint(engine)
    backup = tmp_path / "backup.db"
    shutil.copy(data_file, backup)  # a backup of the data, taken before the erasure
    victim_id = str(victim.id)
    copy = make_engine(f"sqlite:///{backup}")
    with SqlUnitOfWork(copy, read_only=True) as uow:
        stolen = [s.ciphertext for s in uow.subjects.identifiers_of(victim_id)]
    copy.dispose()
    assert len(stolen) == 2
    index_values = [
        world.vault.blind_index("", "phone", "+44" + phone.replace(" ", "")[1:]),
        world.vault.blind_index("", "email", email.lower()),
    ]
    assert all(index_values)

    # The shred itself checkpoints both databases: nothing is left in a write-ahead log.
    dco_shreds(
        world,
        victim_id,
        reason="erasure_request",
    )
    world.vault.forget_cached_keys()

    for ciphertext in stolen:
        with pytest.raises(KeyUnavailable):
            world.vault.open(victim_id, ciphertext)
    live = b"".join(
        p.read_bytes()
        for p in (data_file, key_store_file)
        for p in [p, p.with_name(p.name + "-wal")]
        if p.exists()
    )
    national = phone.replace(" ", "")
    for secret in (
        national.encode(),
        ("+44" + national[1:]).encode(),
        email.encode(),
        email.lower().encode(),
        *index_values,
        *stolen,
    ):
        assert secret not in live
    # The bystander is untouched.
    with world.uow() as uow:
        (kept,) = uow.subjects.identifiers_of(bystander)
    assert world.vault.open(bystander, kept.ciphertext).startswith("+442079460")


def test_two_people_may_share_a_name_but_not_an_email(world: World, fake: Faker) -> None:
    name = fake.name()
    email = fake.email()
    for address in (email, fake.email()):
        dco_creates(
            world,
            NewSubject(kind="end_user", identifiers=[("name", name), ("email", address)]),
        )
    with pytest.raises(DuplicateIdentifier):
        dco_creates(
            world,
            NewSubject(kind="end_user", identifiers=[("name", fake.name()), ("email", email)]),
        )
    with pytest.raises(SubjectRefused, match="look a subject up by one of"):
        find_subject(world.uow(), world.vault, FindSubject("name", name))


def test_a_missing_or_unreadable_master_key_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="no master key file; run `dataward init`"):
        read_master_key_file(tmp_path / "absent.key")
    loose = tmp_path / "loose.key"
    create_master_key_file(loose)
    loose.chmod(0o644)
    with pytest.raises(ConfigurationError, match="readable by others"):
        read_master_key_file(loose)
    short = tmp_path / "short.key"
    short.write_text("c2hvcnQ=\n")
    short.chmod(0o600)
    with pytest.raises(ConfigurationError, match="must be 32 bytes"):
        read_master_key_file(short)


def test_a_restriction_that_keeps_the_data_refuses_erasure_until_lifted_or_overridden(
    world: World, fake: Faker
) -> None:
    subject_id = str(
        dco_creates(world, NewSubject(kind="end_user", identifiers=[("email", fake.email())])).id
    )
    apply_restriction(
        world.use_case(DCO),
        ApplyRestriction(UUID(subject_id), RestrictionGround.NEEDED_FOR_LEGAL_CLAIMS),
    )
    world.clock.advance(timedelta(minutes=1))
    with pytest.raises(ErasureRefused, match="needed_for_legal_claims"):
        dco_shreds(
            world,
            subject_id,
            reason="erasure_request",
        )
    assert world.vault.has_key(subject_id)
    with pytest.raises(SubjectRefused, match="override: a reference"):
        dco_shreds(
            world,
            subject_id,
            reason="erasure_request",
            override="the claim settled, says J. Smith",
        )
    report = dco_shreds(
        world,
        subject_id,
        reason="erasure_request",
        override="DCO-ASSESS-17",
    )
    assert report.key_destroyed


def test_free_text_reasons_are_refused(world: World, fake: Faker) -> None:
    subject_id = new_caller(world, uk_mobile(fake))
    with pytest.raises(SubjectRefused, match="reason: one of"):
        dco_shreds(
            world,
            subject_id,
            reason="asked by someone on the phone",
        )
    with pytest.raises(SubjectRefused, match="request_ref: a reference"):
        dco_shreds(
            world,
            subject_id,
            reason="erasure_request",
            request_ref="email from a person",
        )
    assert world.vault.has_key(subject_id)


def test_an_interrupted_shred_is_finished_by_the_sweep(
    world: World, fake: Faker, monkeypatch: pytest.MonkeyPatch
) -> None:
    subject_id = new_caller(world, uk_mobile(fake))

    def power_cut(*_key_ids: object) -> int:
        raise OSError("the key store went away")

    monkeypatch.setattr(world.vault, "destroy_key", power_cut)
    monkeypatch.setattr(world.vault, "destroy_keys", power_cut)  # the shred's doomed keys
    with pytest.raises(OSError, match="went away"):
        controller_shreds(
            world,
            subject_id,
            reason="erasure_request",
        )
    monkeypatch.undo()
    with world.uow() as uow:
        assert uow.subjects.tombstone(subject_id) is not None
        assert uow.subjects.identifiers_of(subject_id) == []
    assert world.vault.has_key(subject_id)  # the one thing left
    assert finish_erasures(world.uow(), world.vault) == 1
    assert not world.vault.has_key(subject_id)
    assert finish_erasures(world.uow(), world.vault) == 0


def test_a_duplicate_does_not_say_whose_it_is(world: World, fake: Faker) -> None:
    phone = uk_mobile(fake)
    subject_id = new_caller(world, phone)
    with pytest.raises(DuplicateIdentifier) as caught:
        new_caller(world, phone)
    assert subject_id not in str(caught.value)
    assert "belongs to a subject" in str(caught.value)


def test_reprs_of_new_subjects_carry_no_identifier(fake: Faker) -> None:
    email = fake.email()
    command = NewSubject(kind="end_user", identifiers=[("email", email)])
    assert email not in repr(command)


def test_one_number_in_two_tenants_has_unrelated_blind_indexes(world: World, fake: Faker) -> None:
    phone = uk_mobile(fake)
    for tenant in (TENANT_A, TENANT_B):
        new_caller(world, phone, tenant)
    with world.engine.connect() as connection:
        indexes = {row.blind_index for row in connection.execute(select(identifiers))}
    assert len(indexes) == 2
