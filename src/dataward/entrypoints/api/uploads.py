"""A request body spooled to a file, so an upload is never held in memory whole, and never
outlives the server that took it, however that server ends.

A call batch names callers: its file must not stay on disk after a crash, where an erased
caller's number would outlast the erasure. On Linux the spool is opened with `O_TMPFILE` in
the system's temporary folder (`TMPDIR`): a file without a name from its first byte to its
last, which the kernel frees with its last descriptor, even when the server is killed
mid-upload. `O_EXCL` with it means no one can ever give it a name. The ingest reads it through
`/proc/self/fd/N`, which opens the same file anew, with an offset of its own.

Where that cannot be done (no `O_TMPFILE`, a temporary folder whose file system cannot make
such files, no `/proc`), the spool is a file of random name, mode 0600, in a folder of its own,
`DATA_DIR/uploads` (mode 0700), locked (`flock`) by its owner from creation until it is removed.
A server removes every file there whose lock it can take, when it starts
(`remove_leftovers`): a file still locked belongs to a live server sharing the folder, and is
left alone. Either way the file's name owes nothing to the request (no client file name, no
tenant, no format), and how much may arrive is `BodyLimit`'s to decide, before any of it is
written here.
"""

from __future__ import annotations

import errno
import fcntl
import os
import secrets
import tempfile
from collections.abc import AsyncIterable, AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from pathlib import Path

FOLDER = "uploads"
"""The named spools' folder, under the data directory."""
PREFIX = "upload-"
"""Every named spool's name starts so; nothing else in the folder is touched."""
REOPEN = Path("/proc/self/fd")


def upload_folder(data_dir: Path) -> Path:
    return data_dir / FOLDER


@asynccontextmanager
async def spooled(
    chunks: AsyncIterable[bytes], folder: Path, *, anonymous: bool = True
) -> AsyncIterator[Path]:
    """A path to a file holding every chunk, for the length of the block: a file without a
    name where the system allows it (and `anonymous`), else a locked one in `folder`."""
    descriptor = _anonymous_file() if anonymous else None
    spool = _named_file(folder) if descriptor is None else _reopened(descriptor)
    with spool as (descriptor, path):
        with os.fdopen(descriptor, "wb", closefd=False) as out:
            async for chunk in chunks:
                out.write(chunk)  # into the page cache: too quick to be worth a thread
        yield path


_UNSUPPORTED = frozenset({errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL})
"""What `open` says of `O_TMPFILE` where the file system (or an old kernel) cannot do it."""


def _anonymous_file() -> int | None:
    """A descriptor of a new file without a name in the temporary folder, or None where that
    cannot be had (or read back through `/proc`)."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not REOPEN.is_dir():
        return None
    try:
        return os.open(tempfile.gettempdir(), flag | os.O_RDWR | os.O_EXCL | os.O_CLOEXEC, 0o600)
    except OSError as error:
        if error.errno in _UNSUPPORTED:
            return None
        raise


@contextmanager
def _reopened(descriptor: int) -> Iterator[tuple[int, Path]]:
    """The file without a name, by the path that opens it anew; closed (and gone) after."""
    try:
        yield descriptor, REOPEN / str(descriptor)
    finally:
        os.close(descriptor)


ATTEMPTS = 5


@contextmanager
def _named_file(folder: Path) -> Iterator[tuple[int, Path]]:
    """A new file in `folder`, locked until it is removed at the block's end.

    Between its creation and its lock a starting server could take it for a dead server's
    and remove it: the name must still be the locked file's, else another is made."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for _ in range(ATTEMPTS):
        path = folder / f"{PREFIX}{secrets.token_hex(16)}"
        flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        descriptor = os.open(path, flags, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            if _same_file(descriptor, path):
                try:
                    yield descriptor, path
                finally:
                    path.unlink(missing_ok=True)  # before the lock goes, with the descriptor
                return
        finally:
            os.close(descriptor)
    raise OSError(errno.EAGAIN, "no upload spool could be kept")


def _same_file(descriptor: int, path: Path) -> bool:
    try:
        named = path.lstat()
    except FileNotFoundError:
        return False
    held = os.fstat(descriptor)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def remove_leftovers(folder: Path) -> int:
    """Remove the spools in `folder` whose owner is gone (their lock is free); how many.

    Run when a server starts. A spool still locked is a live server's, sharing the folder."""
    removed = 0
    try:
        names = [p for p in folder.iterdir() if p.name.startswith(PREFIX)]
    except FileNotFoundError:
        return 0
    for path in names:
        try:
            descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:  # gone meanwhile, or not a file of ours (a link is not followed)
            continue
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            continue
        try:
            if _same_file(descriptor, path):
                with suppress(FileNotFoundError):
                    path.unlink()
                    removed += 1
        finally:
            os.close(descriptor)
    return removed
