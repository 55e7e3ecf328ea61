"""The audit use cases on in-memory fakes: recording, who may read, exports recorded."""

from __future__ import annotations

import io
import uuid
from dataclasses import replace
from datetime import timedelta

import pytest

from dataward.domain.audit import AuditAction, BreakReason, from_json_line, verify_chain
from dataward.domain.clock import FixedClock
from dataward.domain.errors import ActionNotAllowed
from dataward.domain.subjects import Actor
from dataward.services import audit
from tests.builders import NOW, an_actor, shipped_register
from tests.fakes import FakeUnitOfWork, use_case

REGISTER = shipped_register()
DCO = an_actor("dco")
AUDITOR = an_actor("auditor")
OPERATOR = an_actor("operator")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def test_record_appends_in_the_callers_unit_of_work_and_leaves_the_commit_to_it(
    clock: FixedClock,
) -> None:
    uow = FakeUnitOfWork()
    subject = uuid.uuid4()
    with uow:
        entry = audit.record(
            uow,
            clock,
            DCO,
            audit.Audited(
                AuditAction.SUBJECT_CREATED, subject_ref=subject, details={"kind": "end_user"}
            ),
        )
    assert uow.commits == 0
    assert uow.audit.entries == [entry]
    assert entry.actor == DCO.id
    assert entry.at == NOW
    assert entry.subject_ref == str(subject)
    assert entry.action == "subject_created"


def test_each_entry_takes_its_time_from_the_clock(clock: FixedClock) -> None:
    uow = FakeUnitOfWork()
    first = audit.record(uow, clock, "system", audit.Audited(AuditAction.REGISTER_LOADED))
    clock.advance(timedelta(minutes=5))
    second = audit.record(uow, clock, "system", audit.Audited(AuditAction.KEYS_ROTATED))
    assert second.at - first.at == timedelta(minutes=5)
    assert second.prev_hash == first.hash


@pytest.mark.parametrize("reader", [DCO, AUDITOR], ids=lambda a: a.role)
def test_roles_with_read_audit_log_verify_the_chain(reader: Actor, clock: FixedClock) -> None:
    uow = FakeUnitOfWork()
    for _ in range(3):
        audit.record(uow, clock, DCO, audit.Audited(AuditAction.GATE_DECISION, decision="allowed"))
    result = audit.verify(use_case(uow, clock, REGISTER, reader))
    assert result.ok
    assert result.checked == 3


def test_a_role_without_read_audit_log_may_neither_verify_nor_export(clock: FixedClock) -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(ActionNotAllowed):
        audit.verify(use_case(uow, clock, REGISTER, OPERATOR))
    with pytest.raises(ActionNotAllowed):
        audit.record_export(use_case(uow, clock, REGISTER, OPERATOR))
    assert uow.audit.entries == []


def test_verify_reports_a_tampered_entry(clock: FixedClock) -> None:
    uow = FakeUnitOfWork()
    for _ in range(4):
        audit.record(uow, clock, DCO, audit.Audited(AuditAction.GATE_DECISION, decision="denied"))
    uow.audit.entries[2] = replace(uow.audit.entries[2], decision="allowed")
    result = audit.verify(use_case(uow, clock, REGISTER, DCO))
    assert result.reason is BreakReason.HASH_MISMATCH
    assert result.first_broken_seq == 3


def test_an_export_is_recorded_and_committed_before_it_is_written(clock: FixedClock) -> None:
    uow = FakeUnitOfWork()
    audit.record(uow, clock, DCO, audit.Audited(AuditAction.REGISTER_LOADED))
    receipt = audit.record_export(use_case(uow, clock, REGISTER, AUDITOR))
    assert uow.commits == 1
    assert receipt.action == AuditAction.AUDIT_EXPORTED
    assert receipt.actor == AUDITOR.id
    out = io.StringIO()
    assert audit.export(use_case(uow, clock, REGISTER, DCO), receipt, out) == 2
    entries = [from_json_line(line) for line in out.getvalue().splitlines()]
    assert [e.action for e in entries] == ["register_loaded", "audit_exported"]
    assert verify_chain(entries).ok


def test_the_streamed_export_has_the_same_lines(clock: FixedClock) -> None:
    uow = FakeUnitOfWork()
    receipt = audit.record_export(use_case(uow, clock, REGISTER, DCO))
    out = io.StringIO()
    audit.export(use_case(uow, clock, REGISTER, DCO), receipt, out)
    assert (
        "".join(audit.export_lines(use_case(uow, clock, REGISTER, DCO), receipt)) == out.getvalue()
    )


def test_an_export_without_a_receipt_is_refused(clock: FixedClock) -> None:
    uow = FakeUnitOfWork()
    not_a_receipt = audit.record(uow, clock, DCO, audit.Audited(AuditAction.REGISTER_LOADED))
    with pytest.raises(ValueError, match="receipt"):
        audit.export(use_case(uow, clock, REGISTER, DCO), not_a_receipt, io.StringIO())
    with pytest.raises(ValueError, match="receipt"):
        audit.export_lines(use_case(uow, clock, REGISTER, DCO), not_a_receipt)
