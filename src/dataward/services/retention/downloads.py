"""Download links of access and portability packages, swept under their own expiry.

A package is a copy of the subject's data made to be delivered: it is sealed under a key of
the link's own behind a single-use link that works for a few days (`services.rights.downloads`,
seven by default). Once the link has expired it can serve nothing, so the link goes whole,
whatever the rule of its request (the request's own record, its letters and timeline, stays
under the rights-records rule): its token's keyed hash, its sealed package if it still holds
one, its references. No hold keeps an expired link: it is a copy, not a record (the records it
copied are kept by their own rules and holds), and the audit log keeps when it was issued and
served. A link expired by the bound goes (`domain.retention.cutoff.expired_by`: by now, for a
sweep of today), and its key, listed for destruction in its batch's transaction
(`services.keys.doomed`), is destroyed right after that commits (or by `dataward keys sweep`
should the sweep die first): deleting a row leaves copies (a dead row version until vacuum,
SQLite's write-ahead log while a reader holds it, a backup), and without its key none of them
opens. A package sealed before links had keys is
under its subject's key, which stays; for it the sweep purges the freed pages and says in its
record whether it could. A package is never written to a file, so nothing of it is left on
disk.
"""

from __future__ import annotations

from datetime import date, datetime

from dataward.domain.register.model import Register
from dataward.domain.retention.cutoff import expired_by
from dataward.domain.retention.sweeps import PlanLine, SweepRecord, SweepStore, Target
from dataward.services.context import UseCase
from dataward.services.keys.doomed import destroy_doomed, doom
from dataward.services.ports import UnitOfWork
from dataward.services.retention.evidence import begin, finish, progress, purge

CATEGORY = "rights_requests"
PERIOD = "until the link expires"


def download_links(register: Register, as_of: date) -> Target:
    """The target: the rule of the category the links belong to (the rights-records rule),
    applied by the links' own, shorter expiry."""
    rule = register.retention_rule(register.category(CATEGORY).retention or "")
    return Target(rule.key, SweepStore.DOWNLOADS, None, as_of, PERIOD, as_of)


def plan_line(uow: UnitOfWork, target: Target, now: datetime) -> PlanLine:
    due = uow.retention.downloads_expired(expired_by(target.as_of, now))
    return PlanLine(target, due.count, due.oldest, ())


def sweep_downloads(ctx: UseCase, day: date, size: int) -> SweepRecord:
    """Delete the links expired by the sweep's bound, `size` to a transaction, those that
    expired first first; the record, closed with its audit entry."""
    target = download_links(ctx.register, day)
    bound = expired_by(day, ctx.clock.now())
    sweep = begin(ctx, target)
    while True:
        with ctx.uow as uow:
            removed, ids = uow.retention.delete_downloads(bound, size)
            if not removed.count:
                break
            now = ctx.clock.now()
            sweep = progress(sweep, removed, now)
            uow.retention.save_sweep(sweep)
            doomed = doom(uow, ids, now)
            uow.commit()
        destroy_doomed(ctx.uow, ctx.vault, doomed)  # committed: its packages open no more
    sweep = purge(ctx, sweep, keys=True)  # and no copy left in a write-ahead log, if it can
    return finish(ctx, sweep, 0)
