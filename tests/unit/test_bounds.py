"""Values from outside beyond what dataward takes are refused by the use cases themselves,
typed and by their field's name, before any arithmetic or query could overflow on them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from dataward.adapters.yaml_document import MAX_CHARACTERS, read_document
from dataward.domain.bounds import (
    ACTOR_CHARS,
    FIRST_DAY,
    LAST_DAY,
    MAX_INGEST_ID,
    NOTICE_VERSION_CHARS,
    check_day,
    check_ingest_id,
    check_instant,
    check_printable,
)
from dataward.domain.calendar import (
    add_months,
    deadline_for,
    next_working_day_on_or_after,
)
from dataward.domain.calls.acd import Period
from dataward.domain.calls.acd_report import ReportBy
from dataward.domain.clock import FixedClock
from dataward.domain.errors import InvalidValue, NotInRegister, OutOfRange, RegisterInvalid
from dataward.domain.identifiers import identifier_type, normalise
from dataward.domain.processing.consent import ConsentMethod
from dataward.domain.processing.restrictions import ObjectionKind, RestrictionGround
from dataward.domain.tenants import TENANT_NAME_CHARS, TenantRefused
from dataward.services.calls.reports import ReadAcdReport, acd_report
from dataward.services.context import UseCase
from dataward.services.organisation.staff import IssueToken, StaffRefused, issue_token
from dataward.services.organisation.tenants import NewTenant, create_tenant
from dataward.services.processing.consent import WithdrawConsent, withdraw_consent
from dataward.services.processing.objections import RecordObjection, record_objection
from dataward.services.processing.restrictions import ApplyRestriction, apply_restriction
from dataward.services.quarantine.lines import discard_quarantine, list_quarantine
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.builders import NOW, TENANT_A, a_subject, an_actor, shipped_register
from tests.fakes import FakeUnitOfWork, FakeVault, use_case

REGISTER = shipped_register()
ADMIN = an_actor("tenant_admin", TENANT_A)
PASTED = "07700 900123"  # a drama-range number, as one pasted in the wrong field
"""What a careless caller might paste into any field: never repeated in an error."""


@pytest.mark.parametrize("day", [FIRST_DAY, date(2026, 11, 25), LAST_DAY, None])
def test_days_from_the_first_to_the_last_pass(day: date | None) -> None:
    check_day("from", day)


@pytest.mark.parametrize(
    "day", [date.min, FIRST_DAY - timedelta(days=1), LAST_DAY + timedelta(days=1), date.max]
)
def test_a_day_off_the_range_is_refused_by_its_field(day: date) -> None:
    with pytest.raises(
        OutOfRange, match=r"^to: a date \(YYYY-MM-DD\) from 1900-01-01 to 2999-12-31$"
    ):
        check_day("to", day)


@pytest.mark.parametrize("ingest_id", [0, -1, MAX_INGEST_ID + 1, 2**63, 10**30])
def test_an_ingest_number_no_ingest_can_have_is_refused(ingest_id: int) -> None:
    with pytest.raises(OutOfRange, match=r"^ingest_id: an ingest number from 1 to 2147483647$"):
        check_ingest_id("ingest_id", ingest_id)
    check_ingest_id("ingest_id", 1)
    check_ingest_id("ingest_id", MAX_INGEST_ID)


@pytest.mark.parametrize(
    "at",
    [
        datetime.max.replace(tzinfo=timezone(-timedelta(hours=12))),  # past 9999 in UTC
        datetime.min.replace(tzinfo=timezone(timedelta(hours=14))),  # before year 1 in UTC
        datetime(3000, 1, 1, tzinfo=UTC),
        datetime(2999, 12, 31, 23, 0, tzinfo=timezone(-timedelta(hours=2))),  # 3000 in UTC
    ],
)
def test_a_time_whose_zone_carries_it_off_the_range_is_refused(at: datetime) -> None:
    with pytest.raises(OutOfRange, match=r"^ends_at: a time with its zone"):
        check_instant("ends_at", at)


def test_times_on_the_first_and_last_days_pass() -> None:
    check_instant("ends_at", datetime(1900, 1, 1, tzinfo=UTC))
    check_instant("ends_at", datetime(2999, 12, 31, 23, 59, 59, tzinfo=UTC))
    check_instant("ends_at", None)


def test_a_deadline_past_the_calendars_end_is_refused_not_overflowed() -> None:
    for months in (1, 3):
        with pytest.raises(OutOfRange, match=r"^deadline: falls after the last date"):
            deadline_for(date(9999, 12, 31), months=months)
    with pytest.raises(OutOfRange):
        add_months(date(9999, 11, 30), 2)
    with pytest.raises(OutOfRange):
        next_working_day_on_or_after(date.max, FakeHolidays())
    assert deadline_for(LAST_DAY, months=3).due == date(3000, 3, 31)


class FakeHolidays:
    """Every day a holiday: rolling never stops on its own."""

    def is_holiday(self, day: date) -> bool:
        return day.year > 0


def test_an_unknown_register_key_is_a_typed_refusal_listing_the_keys() -> None:
    with pytest.raises(NotInRegister) as refused:
        REGISTER.subject_kind(PASTED)
    assert isinstance(refused.value, InvalidValue)
    assert refused.value.key == PASTED
    assert "end_user" in refused.value.known
    assert str(refused.value).startswith("subject kind: not in the register (it has: end_user")
    assert PASTED not in str(refused.value)


def test_an_unknown_subject_kind_is_refused_before_anything_is_stored() -> None:
    uow = FakeUnitOfWork()
    command = NewSubject(kind=PASTED, identifiers=[("email", "someone@example.org")])
    with pytest.raises(NotInRegister, match=r"^subject kind: "):
        create_subject(
            use_case(uow, FixedClock(NOW), REGISTER, an_actor("dco"), FakeVault()), command
        )
    assert (uow.commits, uow.audit.entries) == (0, [])


def test_a_birth_date_off_the_range_is_refused() -> None:
    command = NewSubject(
        kind="end_user", identifiers=[("email", "someone@example.org")], birth_date=date(1, 1, 1)
    )
    with pytest.raises(OutOfRange, match=r"^birth_date: "):
        create_subject(
            use_case(FakeUnitOfWork(), FixedClock(NOW), REGISTER, an_actor("dco"), FakeVault()),
            command,
        )


def test_an_unknown_identifier_kind_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidValue, match=r"^corrections.kind: one of phone, email, ") as refused:
        identifier_type(PASTED, "corrections.kind")
    assert PASTED not in str(refused.value)
    with pytest.raises(InvalidValue, match=r"^type: one of "):
        normalise(PASTED, "someone@example.org")


@pytest.mark.parametrize("ingest_id", [-1, 2**63, 10**30])
def test_the_quarantine_refuses_an_ingest_number_off_the_range(ingest_id: int) -> None:
    ctx = _as_admin(FakeUnitOfWork())
    with pytest.raises(OutOfRange, match=r"^ingest_id: "):
        list_quarantine(ctx, TENANT_A, ingest_id=ingest_id)
    with pytest.raises(OutOfRange, match=r"^ingest_id: "):
        discard_quarantine(ctx, TENANT_A, ingest_id)


def _as_admin(uow: FakeUnitOfWork) -> UseCase:
    return use_case(uow, FixedClock(NOW), REGISTER, ADMIN)


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [
        (date(1, 1, 1), date(9999, 12, 31), "from"),
        (None, date(9999, 12, 31), "to"),
        (date(9999, 12, 31), None, "from"),
    ],
)
def test_a_report_refuses_dates_off_the_range(
    first: date | None, last: date | None, field: str
) -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(OutOfRange, match=rf"^{field}: a date"):
        acd_report(
            _as_admin(uow), ReadAcdReport(TENANT_A, ReportBy.AGENT, Period.HOUR, first, last)
        )
    assert uow.audit.entries == []


def test_a_restriction_ending_off_the_range_is_refused() -> None:
    subject = a_subject()
    uow = FakeUnitOfWork()
    uow.subjects.add(subject)
    ends = datetime.max.replace(tzinfo=timezone(-timedelta(hours=12)))
    command = ApplyRestriction(subject.id, RestrictionGround.ACCURACY_CONTESTED, None, ends)
    with pytest.raises(OutOfRange, match=r"^ends_at: "):
        apply_restriction(use_case(uow, FixedClock(NOW), REGISTER, an_actor("dco")), command)
    assert uow.commits == 0


# PostgreSQL refuses a text longer than its column as the row is written, SQLite keeps it
# whole: the use cases refuse it first, by its field, on either database.


def test_a_withdrawal_naming_a_notice_version_longer_than_the_ledger_keeps_is_refused() -> None:
    subject = a_subject()
    uow = FakeUnitOfWork()
    uow.subjects.add(subject)
    command = WithdrawConsent(
        subject.id, "direct_marketing", ConsentMethod.STAFF, "v" * (NOTICE_VERSION_CHARS + 1)
    )
    with pytest.raises(OutOfRange, match=r"^notice_version: at most 64 characters$"):
        withdraw_consent(use_case(uow, FixedClock(NOW), REGISTER, an_actor("dco")), command)
    assert uow.commits == 0
    fits = WithdrawConsent(
        subject.id, "direct_marketing", ConsentMethod.STAFF, "v" * NOTICE_VERSION_CHARS
    )
    assert withdraw_consent(use_case(uow, FixedClock(NOW), REGISTER, an_actor("dco")), fits)


@pytest.mark.parametrize("ref", ["R" * 65, PASTED, "", "a request by letter"])
def test_a_restriction_or_objection_refuses_a_request_reference_that_is_not_one(ref: str) -> None:
    subject = a_subject()
    uow = FakeUnitOfWork()
    uow.subjects.add(subject)
    restriction = ApplyRestriction(
        subject.id, RestrictionGround.ACCURACY_CONTESTED, None, None, ref
    )
    with pytest.raises(InvalidValue, match=r"^request_ref: a reference such as") as refused:
        apply_restriction(use_case(uow, FixedClock(NOW), REGISTER, an_actor("dco")), restriction)
    assert PASTED not in str(refused.value)
    objection = RecordObjection(subject.id, ObjectionKind.DIRECT_MARKETING, None, ref)
    with pytest.raises(InvalidValue, match=r"^request_ref: "):
        record_objection(use_case(uow, FixedClock(NOW), REGISTER, an_actor("dco")), objection)
    assert uow.commits == 0


def test_a_tenant_name_longer_than_a_tenant_keeps_is_refused() -> None:
    uow = FakeUnitOfWork()
    command = NewTenant(name="N" * (TENANT_NAME_CHARS + 1), id="acme")
    with pytest.raises(TenantRefused, match=r"^name: at most 200 characters$"):
        create_tenant(
            use_case(uow, FixedClock(NOW), REGISTER, an_actor("dco"), FakeVault()), command
        )
    assert uow.commits == 0


@pytest.mark.parametrize("actor_id", ["", " ", "x" * (ACTOR_CHARS + 1), "a\x1b[2Jb", "a\nb"])
def test_a_token_is_issued_only_for_a_staff_id_a_person_can_read(actor_id: str) -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(StaffRefused, match=r"^actor: 1 to 100 printable characters"):
        issue_token(
            use_case(uow, FixedClock(NOW), REGISTER, an_actor("dco")), IssueToken(actor_id, "dco")
        )
    assert uow.staff.rows == []


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_document_that_never_ends_is_read_no_further_than_a_document_can_go() -> None:
    with pytest.raises(RegisterInvalid) as refused:
        read_document("/dev/zero", RegisterInvalid)
    assert refused.value.lines() == [
        f"/dev/zero: (document): longer than {MAX_CHARACTERS:,} characters"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "case 42\x1b]0;title\x07",
        "line\rover",
        "nul\x00",
        "del\x7f",
        "c1\x9b2J",
        "bidi\u202eevil",
        "isolate\u2066x",
    ],
)
def test_text_that_would_rewrite_a_terminal_is_refused_by_its_field(text: str) -> None:
    with pytest.raises(InvalidValue, match=r"^reason: ") as refused:
        check_printable("reason", text)
    assert text not in str(refused.value)


def test_a_line_break_a_tab_and_any_script_are_text() -> None:
    for text in ("two\nlines", "a\ttab", "café", "مرحبا", "日本語", None):
        check_printable("reason", text)
