"""Every table of the main database, on one `metadata`: import this, not the table modules.

Alembic's environment and the models-agree-with-migrations test use it, so a table module
missing here is a test failure, not a silent gap.
"""

from __future__ import annotations

from dataward.adapters.sql import (  # noqa: F401 - importing registers the tables
    audit,
    call_tables,
    calls,
    consent,
    downloads,
    erased_numbers,
    erasure_tables,
    litigation_holds,
    requests,
    staff,
    tables,
    tenants,
    vault_tables,
)
from dataward.adapters.sql.tables import metadata

__all__ = ["metadata"]
