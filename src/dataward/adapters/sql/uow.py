"""The SQL unit of work: one connection, one transaction, every repository on it.

A use case that composes others opens the unit of work once and runs them inside it: their
own `with uow:` blocks join the open transaction, and their `commit()` waits for the
outermost one, so the composite lands whole or not at all (a failure in its last step rolls
back its first).
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Self

import psycopg
import psycopg.errors
from sqlalchemy import Connection, Engine, Transaction
from sqlalchemy.exc import IntegrityError

from dataward.adapters.sql.accounts import SqlAccountRepository
from dataward.adapters.sql.audit import SqlAuditLog
from dataward.adapters.sql.breaches.affected import SqlAffectedData
from dataward.adapters.sql.breaches.repository import SqlBreachRepository
from dataward.adapters.sql.calls.erased_numbers import SqlErasedNumberRepository
from dataward.adapters.sql.calls.quarantine import SqlQuarantineRepository
from dataward.adapters.sql.calls.releases import SqlReleaseRepository
from dataward.adapters.sql.calls.rollups import SqlRollupRepository
from dataward.adapters.sql.calls.store import SqlCallRepository
from dataward.adapters.sql.cookie_choices import SqlCookieChoiceRepository
from dataward.adapters.sql.engine import READ_ONLY, checkpoint
from dataward.adapters.sql.figures import SqlFigures
from dataward.adapters.sql.jobs import SqlJobRepository
from dataward.adapters.sql.leases import HeldLease, lease
from dataward.adapters.sql.outreach.marketing import SqlMarketingRepository
from dataward.adapters.sql.outreach.messages import SqlMessageRepository
from dataward.adapters.sql.processing.consent import (
    SqlConsentRepository,
    SqlObjectionRepository,
    SqlRestrictionRepository,
)
from dataward.adapters.sql.processing.erasure_tables import (
    SqlHoldRepository,
    SqlStatementRepository,
    SqlSuppressionRepository,
)
from dataward.adapters.sql.processing.litigation_holds import SqlLitigationHoldRepository
from dataward.adapters.sql.processing.purpose_notices import SqlPurposeNoticeRepository
from dataward.adapters.sql.registers import SqlRegisterRepository
from dataward.adapters.sql.registry.doomed_keys import SqlDoomedKeyRepository
from dataward.adapters.sql.registry.key_owners import SqlKeyOwnerRepository
from dataward.adapters.sql.registry.subjects import SqlSubjectRepository
from dataward.adapters.sql.retention.repository import SqlRetentionRepository
from dataward.adapters.sql.rights.complaints import SqlComplaintRepository
from dataward.adapters.sql.rights.downloads import SqlDownloadRepository
from dataward.adapters.sql.rights.requests import SqlRequestRepository
from dataward.adapters.sql.sharing.repository import SqlSharingRepository
from dataward.adapters.sql.staff import SqlStaffRepository
from dataward.adapters.sql.tenants import SqlTenantRepository
from dataward.adapters.sql.unlink import UnlinkPlan
from dataward.adapters.sql.unlink_plan import unlink_plan
from dataward.domain.errors import WriteConflict


class SqlUnitOfWork:
    registers: SqlRegisterRepository
    subjects: SqlSubjectRepository
    consents: SqlConsentRepository
    restrictions: SqlRestrictionRepository
    objections: SqlObjectionRepository
    staff: SqlStaffRepository
    accounts: SqlAccountRepository
    tenants: SqlTenantRepository
    audit: SqlAuditLog
    calls: SqlCallRepository
    quarantine: SqlQuarantineRepository
    rollups: SqlRollupRepository
    requests: SqlRequestRepository
    complaints: SqlComplaintRepository
    suppressions: SqlSuppressionRepository
    holds: SqlHoldRepository
    litigation_holds: SqlLitigationHoldRepository
    statements: SqlStatementRepository
    downloads: SqlDownloadRepository
    erased_numbers: SqlErasedNumberRepository
    key_owners: SqlKeyOwnerRepository
    doomed_keys: SqlDoomedKeyRepository
    retention: SqlRetentionRepository
    releases: SqlReleaseRepository
    messages: SqlMessageRepository
    marketing: SqlMarketingRepository
    sharing: SqlSharingRepository
    purpose_notices: SqlPurposeNoticeRepository
    breach_data: SqlAffectedData
    cookie_choices: SqlCookieChoiceRepository
    jobs: SqlJobRepository
    figures: SqlFigures

    def __init__(
        self, engine: Engine, *, read_only: bool = False, unlink: UnlinkPlan | None = None
    ) -> None:
        """`unlink`: every store's unlink step, as bootstrap binds them (`unlink_plan` when
        not given)."""
        self._engine = engine
        self._read_only = read_only
        self._unlink = unlink_plan() if unlink is None else unlink
        self._connection: Connection | None = None
        self._transaction: Transaction | None = None
        self._depth = 0
        """How many `with` blocks are open: only the outermost begins and ends the
        transaction."""

    def __enter__(self) -> Self:
        self._depth += 1
        if self._depth > 1:  # a use case inside another: its steps join this transaction
            return self
        self._connection = self._engine.connect()
        if self._read_only:
            self._connection = self._connection.execution_options(**{READ_ONLY: True})
        self._transaction = self._connection.begin()
        self.registers = SqlRegisterRepository(self._connection)
        self.subjects = SqlSubjectRepository(self._connection, self._unlink)
        self.consents = SqlConsentRepository(self._connection)
        self.restrictions = SqlRestrictionRepository(self._connection)
        self.objections = SqlObjectionRepository(self._connection)
        self.staff = SqlStaffRepository(self._connection)
        self.accounts = SqlAccountRepository(self._connection)
        self.tenants = SqlTenantRepository(self._connection)
        self.audit = SqlAuditLog(self._connection)
        self.calls = SqlCallRepository(self._connection)
        self.quarantine = SqlQuarantineRepository(self._connection)
        self.rollups = SqlRollupRepository(self._connection)
        self.requests = SqlRequestRepository(self._connection)
        self.complaints = SqlComplaintRepository(self._connection)
        self.suppressions = SqlSuppressionRepository(self._connection)
        self.holds = SqlHoldRepository(self._connection, self._unlink)
        self.litigation_holds = SqlLitigationHoldRepository(self._connection)
        self.statements = SqlStatementRepository(self._connection)
        self.downloads = SqlDownloadRepository(self._connection)
        self.erased_numbers = SqlErasedNumberRepository(self._connection)
        self.key_owners = SqlKeyOwnerRepository(self._connection)
        self.doomed_keys = SqlDoomedKeyRepository(self._connection)
        self.retention = SqlRetentionRepository(self._connection)
        self.releases = SqlReleaseRepository(self._connection)
        self.messages = SqlMessageRepository(self._connection)
        self.marketing = SqlMarketingRepository(self._connection)
        self.sharing = SqlSharingRepository(self._connection)
        self.purpose_notices = SqlPurposeNoticeRepository(self._connection)
        self.breaches = SqlBreachRepository(self._connection)
        self.breach_data = SqlAffectedData(self._connection)
        self.cookie_choices = SqlCookieChoiceRepository(self._connection)
        self.jobs = SqlJobRepository(self._connection)
        self.figures = SqlFigures(self._connection)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth > 0:  # the outermost block rolls back what a failure leaves
            return
        if self._connection is None or self._transaction is None:
            return
        try:
            if self._transaction.is_active:
                self._transaction.rollback()
        finally:
            self._connection.close()
            self._connection = self._transaction = None
        if _is_conflict(exc):
            raise WriteConflict("a concurrent change stored the same row first") from exc

    def lease(self, name: str) -> AbstractContextManager[HeldLease]:
        """Hold `name` across processes for a block (`adapters.sql.leases`): yields a lease not
        `had` when another holder has it."""
        return lease(self._engine, name)

    def purge_freed_pages(self) -> bool:
        """After an erasure: leave no copy of deleted rows in SQLite's write-ahead log."""
        return checkpoint(self._engine)

    def commit(self) -> None:
        if self._transaction is None:
            raise RuntimeError("commit() outside the unit of work's `with` block")
        if self._depth > 1:  # a step of a composite: the outermost block commits them all
            return
        self._transaction.commit()


def _is_conflict(exc: BaseException | None) -> bool:
    """A unique-key race, a deadlock or a serialisation failure: retrying may succeed.

    The bulk paths use the driver's cursor directly, so the driver's own errors count too.
    """
    if exc is None:
        return False
    if isinstance(exc, IntegrityError | sqlite3.IntegrityError | psycopg.IntegrityError):
        return True
    original = getattr(exc, "orig", exc)
    return isinstance(
        original, psycopg.errors.DeadlockDetected | psycopg.errors.SerializationFailure
    )
