"""Every store that holds a subject reference, and the step that removes it, in one list.

Shredding a subject runs these, in this order, inside its transaction (`subjects.erase`); the
erasure that keeps what a hold keeps runs them all but the kept (`erasure_tables`). A new store
of personal data adds its step here in the same change, and `tests/test_unlink_plan.py` fails
until it does: it finds every column that refers to a subject.
"""

from __future__ import annotations

from dataward.adapters.sql import tenants
from dataward.adapters.sql.calls import quarantine
from dataward.adapters.sql.calls import store as calls
from dataward.adapters.sql.outreach import marketing, messages
from dataward.adapters.sql.processing import (
    consent,
    erasure_tables,
    litigation_holds,
    purpose_notices,
)
from dataward.adapters.sql.rights import downloads, requests
from dataward.adapters.sql.sharing import repository as sharing
from dataward.adapters.sql.unlink import UnlinkPlan


def unlink_plan() -> UnlinkPlan:
    """The steps, in the order they run: the calls first, the controller contacts last."""
    return (
        calls.UNLINK,
        *consent.UNLINKS,
        downloads.UNLINK,
        messages.UNLINK,
        *marketing.UNLINKS,
        purpose_notices.UNLINK,
        erasure_tables.HOLD_UNLINK,
        erasure_tables.STATEMENT_UNLINK,
        requests.UNLINK,
        litigation_holds.UNLINK,
        sharing.UNLINK,
        quarantine.UNLINK,
        tenants.UNLINK,
    )
