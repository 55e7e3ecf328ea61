"""Art. 19: which recipients must be told of a rectification or an erasure.

Two records say who received a person's data. The disclosure log (`services.sharing`) names
the recipients an export did send it to, with the categories sent: each of those is told of a
change to those categories. The gate's record adds the recipients that *may* have received it
by other ways: every decision is in the audit log with the subject's reference, the purpose and
the category, and a recipient may have received a category when the gate allowed it for a
purpose the register lets that recipient receive (`domain.processing.legal_hold.recipients_told`).
The list is the union, never narrower than the truth. (An erasure reads it before its unlink
step removes the person's entries from the log.)

Reads made to answer the person's own rights requests (`ANSWERING`: a copy of their data, the
identifier an Art. 19 notice names them by) are no disclosure: what they read goes to the person,
or to the recipients already listed. Counting them would make every later change of the person's
data go to our professional advisers, with an identifier of theirs, though nothing went to them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from uuid import UUID

from dataward.domain.audit import AuditAction
from dataward.domain.processing.gate import DenialReason
from dataward.domain.processing.legal_hold import recipients_told
from dataward.domain.register.model import Register
from dataward.services.ports import UnitOfWork

ANSWERING = "rights_and_complaints"
"""The purpose our own subjects' data is read under to answer their rights requests."""


def disclosed_pairs(uow: UnitOfWork, subject_id: UUID | str) -> set[tuple[str, str]]:
    """(purpose, category) of every gate decision that allowed the subject's data (call inside
    the unit of work). Reads the subject's entries only; a later ledger of disclosures would
    replace it."""
    pairs: set[tuple[str, str]] = set()
    for entry in uow.audit.entries_about(str(subject_id)):
        if (
            entry.action == AuditAction.GATE_DECISION.value
            and entry.decision == DenialReason.PERMITTED.value
            and entry.purpose
            and entry.purpose != ANSWERING
            and entry.details.get("category")
        ):
            pairs.add((entry.purpose, str(entry.details["category"])))
    return pairs


def recipients_to_tell(
    uow: UnitOfWork,
    register: Register,
    subject_id: UUID | str,
    *,
    categories: Iterable[str] | None = None,
    fields: Mapping[str, Iterable[str]] | None = None,
) -> list[str]:
    """Recipient keys to notify about the subject's data in `categories` (all when None)."""
    wanted = None if categories is None else set(categories)
    pairs = {p for p in disclosed_pairs(uow, subject_id) if wanted is None or p[1] in wanted}
    told = recipients_told(register, pairs, fields=fields)
    logged = [
        entry.recipient
        for entry in uow.sharing.log(subject_id=str(subject_id), limit=10_000)
        if wanted is None or wanted & set(entry.categories)
    ]
    return list(dict.fromkeys([*told, *sorted(set(logged))]))
