"""Hold a named upload spool until killed, as a server mid-upload does.

    python -m tests.support.spool_holder FOLDER   (from the repository root)

Spools a line into FOLDER the way a server that cannot make a file without a name does
(`entrypoints.api.uploads`), prints the spool's path on one line, and waits.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from dataward.entrypoints.api.uploads import spooled


async def hold(folder: Path) -> None:
    async def body() -> AsyncIterator[bytes]:
        yield b'"","07700900123","01632960123","default"\n'

    async with spooled(body(), folder, anonymous=False) as path:
        print(path, flush=True)  # noqa: T201 - for the test
        await asyncio.sleep(600)


if __name__ == "__main__":
    asyncio.run(hold(Path(sys.argv[1])))
