"""An embedded installation as `dataward init` leaves it, made once per test process and
copied for each test that needs a fresh one.

`dataward init` does the same for every test on the embedded default: it runs every migration
on two new SQLite files, makes a master key and an index key, and loads the shipped register.
That is most of such a test's setup, so it is done once per process and clock, and each test
gets a copy of the three files: a database, a key store and a master key that belong together,
fresh for the test alone. A test whose settings would change what `init` does (another
database, register file or key) initialises for itself.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from dataward.bootstrap import bootstrap
from dataward.config import Settings
from dataward.domain.clock import FixedClock
from dataward.installation import initialise

_TEMPLATES: dict[datetime, Path] = {}
_PLAIN = {
    "DATAWARD_DATA_DIR",
    "DATAWARD_ACTOR",
    "DATAWARD_ACTOR_ROLE",
    "DATAWARD_ACTOR_TENANT",
    "DATAWARD_SAMPLES_DIR",
}


def _plain(settings: Settings) -> bool:
    """Whether `init` would make the embedded default of the shipped register from these."""
    if any(
        name.startswith("DATAWARD_")
        and not name.startswith("DATAWARD_TEST_")
        and name not in _PLAIN
        for name in os.environ
    ):
        return False
    return (
        settings.database_url is None
        and settings.keystore_url is None
        and settings.master_key is None
        and settings.master_key_file is None
        and settings.register_file is None
    )


def _template(now: datetime) -> Path:
    found = _TEMPLATES.get(now)
    if found is None:
        found = Path(tempfile.mkdtemp(prefix="dataward-template-")) / "var"
        container = bootstrap(Settings(data_dir=found), clock=FixedClock(now))
        try:
            initialise(container)
        finally:
            container.close()
        _TEMPLATES[now] = found
    return found


def copy_initialised(settings: Settings, now: datetime) -> bool:
    """Put a copy of an initialised installation at `settings.data_dir` (which must not hold
    one yet) when `init` would make the same one there; whether it did."""
    if not _plain(settings) or (settings.data_dir / "dataward.db").exists():
        return False
    shutil.copytree(_template(now), settings.data_dir, dirs_exist_ok=True)
    return True
