"""Changes of purpose (UK GDPR Art. 5(1)(b), 6(4), 13(3)): which uses wait for a notice.

When a register version adds a purpose, or changes one in a way the diff marks as material
(`domain.register.diff`), the people the purpose is about were not told of it when we collected
their data. Until they are, the gate refuses that use of their data (`notice_pending`). A
purpose is *pending since* the latest version that added or materially changed it; for one
subject it stops being pending when any of these holds:

- the subject was sent the notice of that version or a later one (sent: the outbox handed it
  to the carrier, not merely queued it; a queued notice may still be withheld or fail);
- the subject came to us after that version was loaded, so was given it at collection;
- the DCO's latest compatibility assessment of the purpose for that version says the new use
  is compatible with the purposes of collection (Art. 6(4)); one that says it is not keeps it
  refused until the notice is sent.

Processor purposes are not ours to notify: the tenant, as controller, tells its callers of its
own purposes, so no change of ours makes them pending. A purpose whose basis is a legal
obligation, or one the register allows under restriction (storage, legal claims), is pending
for the notice but not held by the gate: what the law requires, or what keeps a claim, cannot
wait on a letter; the notice still goes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from dataward.domain.errors import InvalidValue
from dataward.domain.register.diff import ChangeKind, RegisterDiff
from dataward.domain.register.model import LawfulBasis, Purpose, Register, Role

NOTICE_PURPOSE = "relationship_notices"
"""The purpose a notice of a change is sent under (its basis: our legal obligation to inform,
Art. 13(3))."""

MAX_FACTOR = 2000
"""The longest text of one factor of an assessment."""


@dataclass(frozen=True, slots=True)
class PurposeChange:
    """A purpose added, or materially changed, in a register version."""

    purpose: str
    added: bool
    what: tuple[str, ...]
    """The diff's reasons, in words (`a purpose now discloses data to another recipient`)."""


@dataclass(frozen=True, slots=True)
class PendingChange:
    """The latest change of a purpose still in the register in force, and its version."""

    purpose: str
    register_id: int
    version: str
    loaded_at: datetime


@dataclass(frozen=True, slots=True)
class CompatibilityFactors:
    """What an Art. 6(4) assessment weighs, each in the DCO's words (required, bounded)."""

    link: str
    """Any link between the purposes of collection and the new one (6(4)(a))."""
    context: str
    """The context of collection, the relationship with the person (6(4)(b))."""
    nature: str
    """The nature of the data, special category or criminal offence data in particular
    (6(4)(c))."""
    consequences: str
    """The possible consequences of the new use for the person (6(4)(d))."""
    safeguards: str
    """Appropriate safeguards: encryption, pseudonymisation (6(4)(e))."""

    def __post_init__(self) -> None:
        for name in ("link", "context", "nature", "consequences", "safeguards"):
            _check_text(name, getattr(self, name))


@dataclass(frozen=True, slots=True)
class Assessment:
    purpose: str
    register_id: int
    compatible: bool
    reasons: str
    factors: CompatibilityFactors
    assessed_by: str
    assessed_at: datetime

    def __post_init__(self) -> None:
        _check_text("reasons", self.reasons)


def _check_text(name: str, value: str) -> None:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise InvalidValue(name, "is required: say how this factor was weighed")
    if len(value) > MAX_FACTOR:
        raise InvalidValue(name, f"may be at most {MAX_FACTOR} characters")


def purpose_changes(diff: RegisterDiff, new: Register) -> list[PurposeChange]:
    """The purposes of `new` (ours, not a tenant's) that its diff from the version before it
    adds or changes in a way needing notice, in the register's order."""
    found: dict[str, list[str]] = {}
    added: set[str] = set()
    for change in diff.material:
        key = _purpose_of(change.path)
        if key is None:
            continue
        found.setdefault(key, [])
        if change.path == f"purposes[{key}]" and change.kind is ChangeKind.ADDED:
            added.add(key)
        what = _reason(change.summary)
        if what not in found[key]:
            found[key].append(what)
    return [
        PurposeChange(p.key, p.key in added, tuple(found[p.key]))
        for p in new.purposes
        if p.key in found and p.role is Role.CONTROLLER
    ]


def _purpose_of(path: str) -> str | None:
    if not path.startswith("purposes["):
        return None
    return path[len("purposes[") :].split("]", 1)[0]


def _reason(summary: str) -> str:
    """`... . Material: a new purpose; tell ...` -> `a new purpose`."""
    _before, _sep, after = summary.partition("Material: ")
    return after.split(";", 1)[0].strip() or "a change that needs notice"


def latest_changes(
    changes: Iterable[PendingChange], register: Register
) -> dict[str, PendingChange]:
    """Per purpose still in `register` as ours, its latest change (by version order)."""
    ours = {p.key for p in register.purposes if p.role is Role.CONTROLLER}
    latest: dict[str, PendingChange] = {}
    for change in changes:
        if change.purpose not in ours:
            continue
        before = latest.get(change.purpose)
        if before is None or change.register_id > before.register_id:
            latest[change.purpose] = change
    return latest


def cleared_by_assessment(
    assessments: Iterable[Assessment], latest: Mapping[str, PendingChange]
) -> frozenset[str]:
    """The purposes whose latest assessment, for the version they are pending since, says
    compatible (a later "no" overrides an earlier "yes")."""
    last: dict[str, Assessment] = {}
    for assessment in assessments:
        change = latest.get(assessment.purpose)
        if change is None or assessment.register_id != change.register_id:
            continue
        before = last.get(assessment.purpose)
        if before is None or assessment.assessed_at >= before.assessed_at:
            last[assessment.purpose] = assessment
    return frozenset(p for p, a in last.items() if a.compatible)


@dataclass(frozen=True, slots=True)
class NoticeState:
    """What the gate needs of changes of purpose, the same for every subject of one batch."""

    waiting: Mapping[str, PendingChange]
    """The purposes the gate holds (pending, not assessed compatible, not required by law)."""

    def unnoticed(self, created_at: datetime, told: int | None) -> frozenset[str]:
        """The purposes pending for a subject that came at `created_at` and was sent the notice
        of the register version `told` (its id; None if never)."""
        return frozenset(
            purpose
            for purpose, change in self.waiting.items()
            if created_at < change.loaded_at and (told is None or told < change.register_id)
        )


def notice_state(
    register: Register,
    changes: Iterable[PendingChange],
    assessments: Iterable[Assessment],
) -> NoticeState:
    """What the gate holds under `register`, from the changes recorded up to its version and
    the DCO's assessments."""
    latest = latest_changes(changes, register)
    cleared = cleared_by_assessment(assessments, latest)
    held = {p.key for p in register.purposes if not _required_by_law(p)}
    return NoticeState(
        {k: c for k, c in latest.items() if k not in cleared and k in held},
    )


def _required_by_law(purpose: Purpose) -> bool:
    return purpose.lawful_basis is LawfulBasis.LEGAL_OBLIGATION or purpose.allowed_under_restriction
