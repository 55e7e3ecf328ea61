"""Vault benchmarks: find a subject by phone, and shred one, as the subject count grows.

Goals (issue: vault): find by phone among 1M subjects, decryption included, p99 <= 1 ms against
the baseline of an unindexed scan; shred one subject, durably committed, p99 <= 2 ms and flat
from 10k to 1M subjects against the baseline of rewriting the subject's rows to null.

    python bench/bench_vault.py [--sizes 10000,100000,1000000] [--samples 300]

Subjects are created through the real bulk path (normalise, blind index, per-subject key,
AES-GCM), in batches, so the set-up time is itself a figure worth reading.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from bench.timing import Timing, measure, report
from dataward.adapters.keyfile import create_master_key_file, read_master_key_file
from dataward.adapters.register_file import load_register_file
from dataward.adapters.sql import migrate
from dataward.adapters.sql.engine import make_engine
from dataward.adapters.sql.uow import SqlUnitOfWork
from dataward.adapters.vault.keystore import MasterKeys, SqlVault
from dataward.domain.calendar import bank_holidays
from dataward.domain.clock import FixedClock
from dataward.domain.subjects import Actor
from dataward.domain.tenants import Tenant
from dataward.services.context import UseCase
from dataward.services.processing.erasure import Shred, shred
from dataward.services.subjects.registry import (
    FindSubject,
    NewSubject,
    create_subjects,
    find_subject,
)

TENANT = "bench-tenant"
ACTOR = Actor(id="bench", role="dco")
ADMIN = Actor(id="bench-admin", role="tenant_admin", tenant_id=TENANT)
"""The tenant's administrator: its callers are the tenant's to erase (we are its processor)."""
BATCH = 10_000


def phone(i: int) -> str:
    """Distinct valid UK mobile numbers, 07400 000000 upwards (a block phonenumbers accepts)."""
    return f"07400 {i:06d}"


class Store:
    def __init__(self, folder: Path) -> None:
        self.engine = make_engine(f"sqlite:///{folder / 'data.db'}")
        self.keystore = make_engine(f"sqlite:///{folder / 'keys.db'}")
        migrate.upgrade(self.engine)
        migrate.upgrade(self.keystore, store="keystore")
        key_file = folder / "master.key"
        create_master_key_file(key_file)
        self.clock = FixedClock(datetime(2026, 11, 25, tzinfo=UTC))
        self.vault = SqlVault(self.keystore, MasterKeys(read_master_key_file(key_file)), self.clock)
        self.vault.ensure_index_key()
        with SqlUnitOfWork(self.engine) as uow:
            uow.tenants.add(
                Tenant(
                    id=TENANT,
                    name="Benchmark tenant",
                    region="GB",
                    timezone="Europe/London",
                    call_retention="P13M",
                    service_level_seconds=20,
                    short_abandon_seconds=5,
                    created_at=self.clock.now(),
                )
            )
            uow.commit()
        self.register = load_register_file().register
        self.count = 0
        self.ids: list[str] = []
        self.dead: set[int] = set()

    def grow_to(self, size: int) -> float:
        start = time.perf_counter()
        while self.count < size:
            n = min(BATCH, size - self.count)
            commands = [
                NewSubject(kind="caller", tenant_id=TENANT, identifiers=[("phone", phone(i))])
                for i in range(self.count, self.count + n)
            ]
            made = create_subjects(
                UseCase(
                    SqlUnitOfWork(self.engine),
                    self.vault,
                    self.clock,
                    bank_holidays(),
                    self.register,
                    ACTOR,
                ),
                commands,
            )
            self.ids.extend(str(s.id) for s in made)
            self.count += n
        return time.perf_counter() - start

    def find_and_open(self, i: int) -> str:
        found = find_subject(
            SqlUnitOfWork(self.engine, read_only=True),
            self.vault,
            FindSubject("phone", phone(i), tenant_id=TENANT),
        )
        assert found is not None  # noqa: S101 - a benchmark that finds nothing measures nothing
        with SqlUnitOfWork(self.engine, read_only=True) as uow:
            (stored,) = uow.subjects.identifiers_of(found.id)
        return self.vault.open(str(found.id), stored.ciphertext)

    def unindexed_find(self, i: int) -> str:
        index = self.vault.blind_index(TENANT, "phone", "+44" + phone(i).replace(" ", "")[1:])
        with self.engine.connect() as connection:
            row = connection.execute(
                text(
                    "SELECT subject_id, ciphertext FROM identifiers NOT INDEXED "
                    "WHERE scope = :scope AND type = 'phone' AND blind_index = :index"
                ),
                {"scope": TENANT, "index": index},
            ).one()
        return self.vault.open(row.subject_id, row.ciphertext)

    def null_rows(self, subject_id: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                text(
                    "UPDATE identifiers SET ciphertext = x'', blind_index = randomblob(32) "
                    "WHERE subject_id = :id"
                ),
                {"id": subject_id},
            )
            connection.execute(
                text("UPDATE subjects SET birth_date = NULL, dco_flag = NULL WHERE id = :id"),
                {"id": subject_id},
            )


def shred_timing(store: Store, victims: list[str], *, purge: bool) -> Timing:
    samples = []
    for subject_id in victims:
        begin = time.perf_counter()
        shred(
            UseCase(
                SqlUnitOfWork(store.engine),
                store.vault,
                store.clock,
                bank_holidays(),
                store.register,
                ADMIN,
            ),
            Shred(subject_id, "erasure_request", purge=purge),
        )
        samples.append(time.perf_counter() - begin)
    what = "shred + WAL purge" if purge else "shred, durably committed"
    return Timing(f"{what} at {store.count:,} subjects", samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rng = random.Random(20261125)
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder))
        shreds: list[Timing] = []
        for size in sizes:
            seconds = store.grow_to(size)
            print(f"-- {size:,} subjects (grew in {seconds:.1f} s)", flush=True)
            live = [i for i in range(store.count) if i not in store.dead]
            picks = rng.sample(live, min(args.samples, len(live)))
            report(
                measure(
                    f"find by phone + decrypt, {size:,} subjects",
                    lambda picks=picks: store.find_and_open(rng.choice(picks)),
                    repeat=args.samples,
                ),
                measure(
                    "unindexed scan + decrypt",
                    lambda picks=picks: store.unindexed_find(rng.choice(picks)),
                    repeat=max(5, min(30, args.samples // 10)),
                    warmup=1,
                ),
                goal="p99 <= 1 ms at 1M",
            )
            chosen = rng.sample(picks, min(300, len(picks)))
            third = len(chosen) // 3
            victims, purged, nulled_ones = (
                chosen[:third],
                chosen[third : 2 * third],
                chosen[2 * third :],
            )
            shredded = shred_timing(store, [store.ids[i] for i in victims], purge=False)
            store.vault.purge_freed_pages()
            SqlUnitOfWork(store.engine).purge_freed_pages()
            with_purge = shred_timing(store, [store.ids[i] for i in purged], purge=True)
            nulled = Timing("rewrite the subject's rows to null", [])
            for i in nulled_ones:
                begin = time.perf_counter()
                store.null_rows(store.ids[i])
                nulled.samples.append(time.perf_counter() - begin)
            report(shredded, nulled, goal="p99 <= 2 ms, flat from 10k to 1M")
            report(with_purge, nulled, goal="the cost of truncating both WALs after each shred")
            shreds.append(shredded)
            store.dead.update(chosen)
        if len(shreds) > 1:
            first, last = shreds[0], shreds[-1]
            print(
                f"shred p99 flatness: {last.percentile(99) / first.percentile(99):.2f}x "
                f"from {sizes[0]:,} to {sizes[-1]:,} subjects (goal: about 1x)"
            )


if __name__ == "__main__":
    main()
