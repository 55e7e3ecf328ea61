"""Marketing suppression entries under the register's rule for marketing preferences, which
keeps a minimal suppression entry as long as the objection it honours stands (Art. 21(3)).

An entry is a digest of an e-mail address's or phone number's blind index, written when a
person objects to direct marketing or is erased (`services.processing.suppression`); it holds
nothing else, not even the subject it came from. An objection to direct marketing is upheld as
it is made and cannot be overridden (`services.processing.objections`), no flow withdraws one,
and an erased person cannot withdraw anything: nothing ends an entry's reason today. So every
entry waits, the plan counts them with that reason, and the sweep removes none but records
that it ran (its record and audit entry), so the evidence shows the store was looked at. A
flow that ends an objection would give its entries a date here.
"""

from __future__ import annotations

from datetime import date

from dataward.domain.register.model import Register
from dataward.domain.retention.sweeps import PlanLine, SweepRecord, SweepStore, Target
from dataward.services.context import UseCase
from dataward.services.ports import UnitOfWork
from dataward.services.retention.evidence import begin, finish

CATEGORY = "marketing_communications"
PERIOD = "while the objection stands"
WAITING_FOR = "the objection (or erasure) each entry honours stands: nothing ends one"


def suppression_digests(register: Register, as_of: date) -> Target:
    rule = register.retention_rule(register.category(CATEGORY).retention or "")
    return Target(rule.key, SweepStore.SUPPRESSION_DIGESTS, None, as_of, PERIOD, as_of)


def plan_line(uow: UnitOfWork, target: Target) -> PlanLine:
    waiting = uow.retention.suppression_entries()
    return PlanLine(target, 0, None, (), waiting, WAITING_FOR if waiting else "")


def sweep_suppressions(ctx: UseCase, day: date) -> SweepRecord:
    """Look, remove nothing, and record it (with its audit entry)."""
    return finish(ctx, begin(ctx, suppression_digests(ctx.register, day)), 0)
