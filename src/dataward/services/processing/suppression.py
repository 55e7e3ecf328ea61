"""The marketing suppression list: keep it, and refuse to re-add whoever is on it.

An entry is written when a person is erased or objects to direct marketing: a digest of the
blind index of each e-mail address and phone number they had among our own subjects
(`domain.processing.suppression`), nothing else. Two doors check it:

- registering a *marketing contact* whose e-mail address or phone number is suppressed;
- recording consent for a *marketing* purpose for a subject whose address or number is.

Both refuse with an error that names the identifier type, never its value. Unit-of-work
doubles that predate the list have no `suppressions`: then nothing is checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Final

from dataward.domain.processing.suppression import (
    SUPPRESSIBLE,
    suppressed_message,
    suppression_digest,
)
from dataward.domain.subjects import Subject
from dataward.services.ports import UnitOfWork
from dataward.services.processing.erasure_ports import SuppressionRepository

MARKETING_CONTACT: Final = "marketing_contact"
CONTROLLER_SCOPE: Final = ""
_KINDS: Final = sorted(k.value for k in SUPPRESSIBLE)


def _store(uow: UnitOfWork) -> SuppressionRepository | None:
    return getattr(uow, "suppressions", None)


def suppress_subject(uow: UnitOfWork, subject: Subject, *, source: str, at: datetime) -> int:
    """Add the subject's e-mail addresses and phone numbers to the list (inside the caller's
    transaction, before they are deleted); how many entries were new. A tenant's caller is
    not ours to market to: nothing is added for one."""
    store = _store(uow)
    if store is None or subject.tenant_id is not None:
        return 0
    indexes = store.indexes_of(str(subject.id), CONTROLLER_SCOPE, _KINDS)
    return store.add(
        ((suppression_digest(kind, index), kind) for kind, index in indexes),
        source=source,
        at=at,
    )


def suppressed_kinds(uow: UnitOfWork, indexes: Iterable[tuple[str, bytes]]) -> list[str]:
    """Which identifier kinds among these (kind, controller-scope blind index) are suppressed."""
    store = _store(uow)
    wanted = {suppression_digest(kind, index): kind for kind, index in indexes if kind in _KINDS}
    if store is None or not wanted:
        return []
    found = store.suppressed(list(wanted))
    return sorted({wanted[d] for d in found})


def subject_suppressed_kinds(uow: UnitOfWork, subject: Subject) -> list[str]:
    """Which of the subject's own e-mail addresses and phone numbers are suppressed."""
    store = _store(uow)
    if store is None or subject.tenant_id is not None:
        return []
    return suppressed_kinds(uow, store.indexes_of(str(subject.id), CONTROLLER_SCOPE, _KINDS))


def refusal(kinds: list[str]) -> str:
    return suppressed_message(kinds)
