"""The vault shared by several processes: rotation, shredding and purging hold for all of them."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select, text

from dataward.adapters.keyfile import create_master_key_file, read_master_key_file
from dataward.adapters.sql import migrate
from dataward.adapters.sql.engine import READ_ONLY, checkpoint, make_engine
from dataward.adapters.vault import crypto, rotation
from dataward.adapters.vault.keystore import KeyCache, MasterKeys, SqlVault, rotation_lock
from dataward.adapters.vault.keystore_tables import data_keys
from dataward.adapters.vault.rotation import rotate_master_key
from dataward.bootstrap import Container, bootstrap
from dataward.config import Settings
from dataward.domain.clock import FixedClock
from dataward.domain.errors import ConfigurationError, KeyUnavailable


@dataclass
class KeyStore:
    """A key store, its master key file, and what each subject's identifier was sealed to."""

    engine: Engine
    url: str
    key_file: Path
    data_dir: Path
    clock: FixedClock
    sealed: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    _numbers: Iterator[int] = field(default_factory=lambda: iter(range(1000)))
    _containers: list[Container] = field(default_factory=list)

    def process(self, **vault_options: Any) -> SqlVault:
        """The vault of another process, wired by `bootstrap`: master keys read at its start."""
        settings = Settings(
            data_dir=self.data_dir,
            database_url=None,
            keystore_url=self.url,
            master_key_file=self.key_file,
            master_key=None,
        )
        container = bootstrap(settings, clock=self.clock)
        self._containers.append(container)
        if not vault_options:
            return container.vault()
        return SqlVault(
            container.keystore_engine,
            container.master_keys(),
            self.clock,
            reload=container.master_keys,
            **vault_options,
        )

    def enrol(self, vault: SqlVault) -> str:
        """A new subject whose one identifier is a number from Ofcom's drama range."""
        subject_id = str(uuid.uuid4())
        phone = f"+442079460{next(self._numbers):03d}"
        (ciphertext,) = vault.enrol({subject_id: [phone]})[subject_id]
        self.sealed[subject_id] = (phone, ciphertext)
        return subject_id

    def fingerprints(self) -> set[str]:
        with self.engine.connect() as connection:
            return set(connection.execute(select(data_keys.c.master_fingerprint)).scalars())

    def close(self) -> None:
        for container in self._containers:
            container.close()
        self.engine.dispose()


@pytest.fixture
def store(keystore_url: str, tmp_path: Path) -> Iterator[KeyStore]:
    engine = make_engine(keystore_url)
    migrate.upgrade(engine, store="keystore")
    key_file = tmp_path / "keys" / "master.key"
    create_master_key_file(key_file)
    clock = FixedClock(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    SqlVault(engine, MasterKeys(read_master_key_file(key_file)), clock).ensure_index_key()
    world = KeyStore(engine, keystore_url, key_file, tmp_path / "var", clock)
    yield world
    world.close()


# -- 1. rotation while other processes write keys ---------------------------------------------


def test_keys_written_by_other_processes_during_and_after_a_rotation_survive_it(
    store: KeyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    early = store.process()  # running before the rotation, writing keys throughout
    idle = store.process()  # also started before it, but first used after it
    for _ in range(4):
        store.enrol(early)
    old = read_master_key_file(store.key_file)

    rotate_master_key(store.engine, store.key_file, store.clock, batch=1, stop_after_batches=1)
    store.enrol(early)  # between batches
    early.forget_cached_keys()
    for subject_id, (phone, ciphertext) in store.sealed.items():
        assert early.open(subject_id, ciphertext) == phone  # re-wrapped ones too
    rotate_master_key(store.engine, store.key_file, store.clock, batch=1, stop_after_batches=2)
    store.enrol(early)

    # A writer that chose the old master key before the rotation was recorded commits just
    # after the last batch: the rotation must see its key before it swaps the key files.
    real_batch = rotation._rewrap_batch
    late: list[str] = []

    def batch_then_a_late_writer(*args: Any, **kwargs: Any) -> int:
        done = real_batch(*args, **kwargs)
        if done == 0 and not late:
            late.append(_write_key_under(store, old))
        return done

    monkeypatch.setattr(rotation, "_rewrap_batch", batch_then_a_late_writer)
    finished = rotate_master_key(store.engine, store.key_file, store.clock, batch=1)
    assert finished.resumed
    assert late

    store.enrol(early)  # after the rotation
    store.enrol(idle)
    for vault in (early, idle):
        vault.forget_cached_keys()
        for subject_id, (phone, ciphertext) in store.sealed.items():
            assert vault.open(subject_id, ciphertext) == phone

    new = read_master_key_file(store.key_file)
    assert store.fingerprints() == {crypto.fingerprint(new)}
    new_only = SqlVault(store.engine, MasterKeys(new), store.clock)
    old_only = SqlVault(store.engine, MasterKeys(old), store.clock)
    assert len(store.sealed) == 4 + 2 + 1 + 2  # before, during, the late one, after
    for subject_id, (phone, ciphertext) in store.sealed.items():
        assert new_only.open(subject_id, ciphertext) == phone
        with pytest.raises(ConfigurationError, match="does not match the key store"):
            old_only.data_key(subject_id)


def _write_key_under(store: KeyStore, master: bytes) -> str:
    subject_id = str(uuid.uuid4())
    phone = "+442079460999"
    key = crypto.new_key()
    fp = crypto.fingerprint(master)
    with store.engine.begin() as connection:
        connection.execute(
            insert(data_keys).values(
                subject_id=subject_id,
                wrapped_key=crypto.seal(master, key, crypto.data_key_context(subject_id, fp)),
                master_fingerprint=fp,
                created_at=store.clock.now(),
            )
        )
    ciphertext = crypto.seal(key, phone.encode(), crypto.identifier_context(subject_id))
    store.sealed[subject_id] = (phone, ciphertext)
    return subject_id


def test_a_process_that_cannot_reload_will_not_wrap_under_a_retired_master_key(
    store: KeyStore,
) -> None:
    stale = SqlVault(store.engine, MasterKeys(read_master_key_file(store.key_file)), store.clock)
    rotate_master_key(store.engine, store.key_file, store.clock)
    subject_id = str(uuid.uuid4())
    with pytest.raises(ConfigurationError, match=r"rotated to master key .* restart it"):
        stale.enrol({subject_id: ["+442079460100"]})
    assert not stale.has_key(subject_id)


def test_writers_of_keys_wait_for_the_last_step_of_a_rotation(store: KeyStore) -> None:
    vault = store.process()
    written = threading.Event()

    def write() -> None:
        store.enrol(vault)
        written.set()

    writer = threading.Thread(target=write)
    with store.engine.begin() as connection:
        rotation_lock(connection, exclusive=True)
        writer.start()
        assert not written.wait(0.3)
    writer.join(10)
    assert written.is_set()


# -- 2. a shred in one process reaches the others' caches -------------------------------------


def test_a_key_shredded_by_one_process_stops_opening_in_another_after_the_ttl(
    store: KeyStore,
) -> None:
    shredder = store.process()
    quick = store.process(cache=KeyCache(ttl=0.2))
    default = store.process()
    subject_id = store.enrol(shredder)
    phone, ciphertext = store.sealed[subject_id]
    assert quick.open(subject_id, ciphertext) == phone
    assert default.open(subject_id, ciphertext) == phone
    assert shredder.destroy_key(subject_id)
    assert default.open(subject_id, ciphertext) == phone  # cached, for up to 30 s
    time.sleep(0.3)
    with pytest.raises(KeyUnavailable, match="erased"):
        quick.open(subject_id, ciphertext)


# -- 3. and 4. purging freed pages says whether it could --------------------------------------


def test_a_checkpoint_says_when_readers_kept_the_wal(engine: Engine, backend: str) -> None:
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE scratch (n INTEGER)"))
        connection.execute(text("INSERT INTO scratch VALUES (1)"))
    if backend != "sqlite":
        assert checkpoint(engine) is True
        return
    wal = Path(f"{engine.url.database}-wal")
    with engine.connect().execution_options(**{READ_ONLY: True}) as reader:
        assert reader.execute(text("SELECT count(*) FROM scratch")).scalar() == 1
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO scratch VALUES (2)"))
        started = time.monotonic()
        assert checkpoint(engine, attempts=3, wait=0.02) is False
        assert time.monotonic() - started < 5  # no 30 s busy wait per reader
        assert wal.stat().st_size > 0
    assert checkpoint(engine) is True
    assert wal.stat().st_size == 0


def test_purging_the_key_store_reports_its_outcome(store: KeyStore, backend: str) -> None:
    vault = store.process()
    subject_id = store.enrol(vault)
    assert vault.destroy_key(subject_id)
    if backend == "postgresql":
        before = _vacuum_count(store.engine)
        assert vault.purge_freed_pages() is True
        assert _vacuum_count(store.engine) == before + 1
        return
    with store.engine.connect().execution_options(**{READ_ONLY: True}) as reader:
        reader.execute(select(data_keys.c.subject_id)).all()
        store.enrol(vault)
        assert vault.purge_freed_pages() is False
    assert vault.purge_freed_pages() is True


def _vacuum_count(engine: Engine) -> int:
    with engine.connect() as connection:
        count = connection.execute(
            text("SELECT vacuum_count FROM pg_stat_user_tables WHERE relid = 'data_keys'::regclass")
        ).scalar_one()
    return int(count)


# -- 5. the key store must not be the data's database -----------------------------------------


@pytest.mark.parametrize(
    ("data", "keys"),
    [
        (
            "postgresql+psycopg://dataward:data-pass@db.example/dataward",
            "postgresql://dataward:keys-pass@DB.example:5432/dataward",
        ),
        ("sqlite:///{tmp}/var/dataward.db", "sqlite:///{tmp}/var/../var/dataward.db"),
    ],
    ids=["postgresql", "sqlite"],
)
def test_a_key_store_in_the_data_database_is_refused(data: str, keys: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="same database") as caught:
        Settings(database_url=data.format(tmp=tmp_path), keystore_url=keys.format(tmp=tmp_path))
    assert "pass" not in str(caught.value)  # no password is echoed


def test_the_default_and_separate_stores_are_accepted_and_bootstrap_checks_again(
    tmp_path: Path,
) -> None:
    Settings(data_dir=tmp_path, database_url=None, keystore_url=None)
    Settings(
        database_url="postgresql+psycopg://dataward@db.example/dataward?sslmode=verify-full",
        keystore_url="postgresql+psycopg://dataward@db.example/dataward_keys?sslmode=verify-full",
    )
    Settings(database_url="sqlite://", keystore_url="sqlite://")  # two private in-memory ones
    settings = Settings(data_dir=tmp_path, database_url=None, keystore_url=None)
    settings.keystore_url = f"sqlite:///{tmp_path / 'dataward.db'}"
    with pytest.raises(ConfigurationError, match="same database"):
        bootstrap(settings, clock=FixedClock())


def test_a_malformed_database_url_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="DATAWARD_KEYSTORE_URL is not a valid"):
        Settings(database_url="sqlite://", keystore_url="keys.db")
