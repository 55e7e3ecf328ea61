"""Master key rotation: re-wrap every data key under a new master key, resumably.

1. A new key is written beside the current one (`master.key.next`, mode 0600, fsynced) and the
   rotation is recorded, before anything is re-wrapped; from then on both keys can open keys.
2. Data keys (and the index key) are re-wrapped in batches, each batch its own transaction; a
   key's row names the master key that wraps it, so a batch interrupted half-way is harmless.
3. When none is left under the old key, the new key file replaces the old one atomically and the
   rotation is marked finished. Running the command again after an interruption at any point
   carries on from where it stopped. The data (identifiers) is never touched.

Other processes keep writing keys meanwhile. Once the rotation is recorded they wrap new keys
under the new master key (`SqlVault` reloads its master keys when the key store names one it
lacks). A key written under the old one by a writer that decided before that is caught by the
last step: in one transaction that shuts writers out (`rotation_lock`; on SQLite the write lock)
it checks that no key is left under the old master key, and only then swaps the key files and
marks the rotation finished; if one appeared it re-wraps again and checks again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine, insert, select, update

from dataward.adapters.keyfile import create_master_key_file, read_master_key_file
from dataward.adapters.vault import crypto
from dataward.adapters.vault.keystore import rotation_lock
from dataward.adapters.vault.keystore_tables import data_keys, index_keys, key_rotations
from dataward.domain.clock import Clock
from dataward.domain.errors import ConfigurationError


@dataclass(frozen=True, slots=True)
class _Rotation:
    """A rotation under way: its row, and the master keys it moves from and to."""

    id: int
    old_fp: str
    old: bytes = field(repr=False)
    new_fp: str
    new: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class RotationResult:
    from_fingerprint: str
    to_fingerprint: str
    rewrapped: int
    resumed: bool


def rotate_master_key(
    engine: Engine,
    key_file: Path,
    clock: Clock,
    *,
    batch: int = 1000,
    stop_after_batches: int | None = None,
) -> RotationResult:
    """Rotate to a new master key. `stop_after_batches` exists to test resumption."""
    next_file = key_file.with_name(key_file.name + ".next")
    current = read_master_key_file(key_file)
    current_fp = crypto.fingerprint(current)
    pending = _pending_rotation(engine)
    resumed = pending is not None
    if pending is not None and pending[2] == current_fp:
        # Interrupted after the key files were swapped: only the bookkeeping is left.
        _finish(engine, pending[0], clock)
        return RotationResult(pending[1], current_fp, 0, resumed=True)
    if pending is not None and not next_file.exists():
        raise ConfigurationError(
            f"an unfinished rotation to master key {pending[2]} is recorded but {next_file} is "
            "missing; restore it from the backup of the key folder before going on"
        )
    if pending is None:
        if next_file.exists():
            raise ConfigurationError(
                f"{next_file} exists but no rotation is recorded; remove it or investigate"
            )
        create_master_key_file(next_file)
        _fsync(next_file)
    new = read_master_key_file(next_file)
    new_fp = crypto.fingerprint(new)
    if pending is not None and pending[2] != new_fp:
        raise ConfigurationError(
            f"the unfinished rotation recorded is to master key {pending[2]}, but {next_file} "
            f"holds master key {new_fp}; restore the right file from the backup of the key folder"
        )
    if pending is None:
        with engine.begin() as connection:
            rotation_id = connection.execute(
                insert(key_rotations)
                .values(
                    from_fingerprint=current_fp,
                    to_fingerprint=new_fp,
                    started_at=clock.now(),
                    rewrapped=0,
                )
                .returning(key_rotations.c.id)
            ).scalar_one()
    else:
        rotation_id = pending[0]
    rotation = _Rotation(rotation_id, current_fp, current, new_fp, new)
    total = 0
    batches = 0
    while True:
        total += _rewrap_index_keys(engine, rotation)
        while True:
            if stop_after_batches is not None and batches >= stop_after_batches:
                return RotationResult(current_fp, new_fp, total, resumed)
            done = _rewrap_batch(engine, rotation, batch)
            if done == 0:
                break
            total += done
            batches += 1
        if _swap_if_none_left(engine, rotation, next_file, key_file, clock):
            return RotationResult(current_fp, new_fp, total, resumed)


def _swap_if_none_left(
    engine: Engine, rotation: _Rotation, next_file: Path, key_file: Path, clock: Clock
) -> bool:
    """The last step, in one transaction that shuts out writers of keys.

    If no key is left under the old master key, the new key file replaces the old one and the
    rotation is marked finished; False, with nothing changed, if a writer added one meanwhile.
    A crash between the swap and the commit leaves the rotation recorded as unfinished with the
    new key already in place, which the next run recognises and finishes.
    """
    with engine.begin() as connection:
        rotation_lock(connection, exclusive=True)
        if _any_left(connection, rotation.old_fp):
            return False
        next_file.replace(key_file)
        _fsync(key_file.parent)
        connection.execute(
            update(key_rotations)
            .where(key_rotations.c.id == rotation.id)
            .values(finished_at=clock.now())
        )
    return True


def _any_left(connection: Connection, old_fp: str) -> bool:
    for table in (data_keys, index_keys):
        column = table.c.master_fingerprint
        if connection.execute(select(column).where(column == old_fp).limit(1)).first():
            return True
    return False


def _pending_rotation(engine: Engine) -> tuple[int, str, str] | None:
    with engine.connect() as connection:
        row = connection.execute(
            select(
                key_rotations.c.id, key_rotations.c.from_fingerprint, key_rotations.c.to_fingerprint
            )
            .where(key_rotations.c.finished_at.is_(None))
            .order_by(key_rotations.c.id.desc())
        ).first()
    return (row.id, row.from_fingerprint, row.to_fingerprint) if row else None


def _rewrap_batch(engine: Engine, rotation: _Rotation, batch: int) -> int:
    old_fp, new, new_fp = rotation.old_fp, rotation.new, rotation.new_fp
    with engine.begin() as connection:
        rows = connection.execute(
            select(data_keys.c.subject_id, data_keys.c.wrapped_key)
            .where(data_keys.c.master_fingerprint == old_fp)
            .limit(batch)
        ).all()
        for row in rows:
            key = crypto.open_sealed(
                rotation.old,
                row.wrapped_key,
                crypto.data_key_context(row.subject_id, old_fp),
                what=f"the data key of subject {row.subject_id}",
            )
            connection.execute(
                update(data_keys)
                .where(data_keys.c.subject_id == row.subject_id)
                .values(
                    wrapped_key=crypto.seal(
                        new, key, crypto.data_key_context(row.subject_id, new_fp)
                    ),
                    master_fingerprint=new_fp,
                )
            )
        if rows:
            connection.execute(
                update(key_rotations)
                .where(key_rotations.c.id == rotation.id)
                .values(rewrapped=key_rotations.c.rewrapped + len(rows))
            )
    return len(rows)


def _rewrap_index_keys(engine: Engine, rotation: _Rotation) -> int:
    old_fp, new, new_fp = rotation.old_fp, rotation.new, rotation.new_fp
    with engine.begin() as connection:
        rows = connection.execute(
            select(index_keys.c.id, index_keys.c.wrapped_key).where(
                index_keys.c.master_fingerprint == old_fp
            )
        ).all()
        for row in rows:
            key = crypto.open_sealed(
                rotation.old,
                row.wrapped_key,
                crypto.index_key_context(row.id, old_fp),
                what="the blind-index key",
            )
            connection.execute(
                update(index_keys)
                .where(index_keys.c.id == row.id)
                .values(
                    wrapped_key=crypto.seal(new, key, crypto.index_key_context(row.id, new_fp)),
                    master_fingerprint=new_fp,
                )
            )
    return len(rows)


def _finish(engine: Engine, rotation_id: int, clock: Clock) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(key_rotations)
            .where(key_rotations.c.id == rotation_id)
            .values(finished_at=clock.now())
        )


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
