"""Every table of the main database, on one `metadata`: import this, not the table modules.

Alembic's environment and the models-agree-with-migrations test use it, so a table module
missing here is a test failure, not a silent gap.
"""

from __future__ import annotations

from dataward.adapters.sql import (  # noqa: F401 - importing registers the tables
    audit,
    jobs,
    staff,
    tables,
    tenants,
)
from dataward.adapters.sql.breaches import tables as breach_tables  # noqa: F401
from dataward.adapters.sql.calls import (  # noqa: F401 - importing registers the tables
    erased_numbers,
    releases,
    store,
)
from dataward.adapters.sql.calls import tables as call_tables  # noqa: F401
from dataward.adapters.sql.outreach import marketing, messages  # noqa: F401
from dataward.adapters.sql.processing import (  # noqa: F401 - importing registers the tables
    consent,
    erasure_tables,
    litigation_holds,
    purpose_notices,
)
from dataward.adapters.sql.registry import tables as vault_tables  # noqa: F401
from dataward.adapters.sql.retention import tables as retention_tables  # noqa: F401
from dataward.adapters.sql.rights import complaints, downloads, requests  # noqa: F401
from dataward.adapters.sql.sharing import tables as sharing_tables  # noqa: F401
from dataward.adapters.sql.tables import metadata

__all__ = ["metadata"]
