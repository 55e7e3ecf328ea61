"""A request body spooled to a temporary file, so an upload is never held in memory whole.

The file is ours alone: created by `tempfile` with mode 0600 under a random name that owes
nothing to the request (no client file name, no tenant, no format), in the system's temporary
folder (`TMPDIR`), and deleted when the block ends, however it ends. How much may arrive is
`BodyLimit`'s to decide, before any of it is written here.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterable, AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path


@asynccontextmanager
async def spooled(chunks: AsyncIterable[bytes]) -> AsyncIterator[Path]:
    """The path of a temporary file holding every chunk, for the length of the block."""
    with tempfile.NamedTemporaryFile(prefix="dataward-upload-", suffix=".part") as spool:
        async for chunk in chunks:
            spool.write(chunk)  # into the page cache: too quick to be worth a thread
        spool.flush()
        yield Path(spool.name)
