"""Run one `dataward` command in a process that dies as a kill -9 would, at the worst moment:
right after the key store committed a new key, when the main database is about to commit the
records that key seals.

    python tests/support/die_before_commit.py ARG...

The process ends with `os._exit(137)` (no cleanup, no `finally`, no rollback handler), on the
first main-database commit after a key was enrolled; until then it runs normally.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from dataward.adapters.sql.uow import SqlUnitOfWork
from dataward.adapters.vault.keystore import SqlVault
from dataward.entrypoints.cli.main import app

_enrolled = False
_enrol = SqlVault.enrol
_commit = SqlUnitOfWork.commit


def _enrol_and_note(self: SqlVault, plaintexts: Mapping[str, Sequence[str]], **kw: Any) -> Any:
    global _enrolled  # noqa: PLW0603 - the one flag of this throwaway process
    sealed = _enrol(self, plaintexts, **kw)
    _enrolled = True
    return sealed


def _commit_or_die(self: SqlUnitOfWork) -> None:
    if _enrolled:
        os._exit(137)
    _commit(self)


SqlVault.enrol = _enrol_and_note  # type: ignore[method-assign]
SqlUnitOfWork.commit = _commit_or_die  # type: ignore[method-assign]
app(sys.argv[1:], prog_name="dataward")
