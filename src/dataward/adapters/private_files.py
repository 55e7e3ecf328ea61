"""Files only their owner may read (mode 0600): exports holding personal data, database files.

The mode is set as the file is created (so no other user can open it in between) and again on
an existing file that is overwritten, whatever the process's umask. A symbolic link in the
file's place is refused, so an export cannot be redirected into a file someone else planted.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

PRIVATE = 0o600


def create_private(path: Path) -> bool:
    """Create `path` empty with mode 0600 unless it exists; True if it was created."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def open_private_text(path: Path) -> TextIO:
    """`path` opened to write text (UTF-8, `\\n` line ends) from empty, with mode 0600 whether
    it is new or not; a symbolic link in its place is refused (OSError)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, PRIVATE)
    try:
        os.fchmod(fd, PRIVATE)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "w", encoding="utf-8", newline="\n")


def write_private_text(path: Path, text: str) -> None:
    """Write `text` to `path` (UTF-8), which is left with mode 0600 whether new or not."""
    with open_private_text(path) as handle:
        handle.write(text)
