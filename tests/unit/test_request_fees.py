"""Fees only where the law allows, with an amount (docs/legal-rules.md A2): a further-copy fee for
access alone (Art. 15(3)), a manifestly unfounded or excessive one for the rights Art. 12(5)
covers, an amount in whole pence from the register's schedule or given within its bounds."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time

import pytest
from pydantic import ValidationError

from dataward.domain.calendar import bank_holidays
from dataward.domain.errors import InvalidValue, OutOfRange
from dataward.domain.requests.fees import (
    CEILING_PENCE,
    FeeNotAllowed,
    FeeSchedule,
    check_further_copy,
    fee_amount,
    fee_grounds_for,
    parse_pounds,
    pounds,
)
from dataward.domain.requests.workflow import (
    FeeGround,
    Move,
    RequestEvent,
    RequestRefused,
    RequestState,
    RequestType,
    RightsRequest,
    transition,
)
from tests.builders import shipped_register

HOLIDAYS = bank_holidays()
CHARGEABLE = [
    t for t in RequestType if t not in (RequestType.COMPLAINT, RequestType.WITHDRAW_CONSENT)
]


def _request(kind: RequestType) -> RightsRequest:
    return RightsRequest(
        id=uuid.uuid4(),
        type=kind,
        state=RequestState.RECEIVED,
        received=date(2026, 3, 2),
        channel="email",
    )


def _ask_fee(request: RightsRequest, ground: FeeGround, amount: int | None = 1000) -> RightsRequest:
    changed, _ = transition(
        request,
        Move(
            RequestEvent.ASK_FEE,
            at=datetime.combine(date(2026, 3, 3), time(10), UTC),
            actor="dco",
            ground=ground,
            reason="the fifth copy asked this month",
            amount=amount,
        ),
        holidays=HOLIDAYS,
    )
    return changed


@pytest.mark.parametrize("kind", [t for t in CHARGEABLE if t is not RequestType.ACCESS])
def test_a_further_copy_fee_is_refused_for_any_right_but_access(kind: RequestType) -> None:
    with pytest.raises(FeeNotAllowed, match=r"access requests only \(Art\. 15\(3\)\)") as refused:
        _ask_fee(_request(kind), FeeGround.FURTHER_COPY)
    assert isinstance(refused.value, InvalidValue)  # a usage error: exit 2, HTTP 422
    assert refused.value.code == "fee_not_allowed"
    assert "manifestly_unfounded or manifestly_excessive" in str(refused.value)


def test_a_further_copy_fee_is_allowed_for_access() -> None:
    asked = _ask_fee(_request(RequestType.ACCESS), FeeGround.FURTHER_COPY, 1000)
    assert (asked.state, asked.fee_ground, asked.fee_pence) == (
        RequestState.AWAITING_FEE,
        FeeGround.FURTHER_COPY,
        1000,
    )


@pytest.mark.parametrize("kind", CHARGEABLE)
@pytest.mark.parametrize("ground", [FeeGround.MANIFESTLY_UNFOUNDED, FeeGround.MANIFESTLY_EXCESSIVE])
def test_a_manifestly_unfounded_or_excessive_fee_is_allowed_for_every_right(
    kind: RequestType, ground: FeeGround
) -> None:
    assert _ask_fee(_request(kind), ground).fee_ground is ground


def test_withdrawing_consent_is_never_charged_for() -> None:
    assert fee_grounds_for(RequestType.WITHDRAW_CONSENT) == ()
    with pytest.raises(FeeNotAllowed, match=r"Art\. 7\(3\)"):
        _ask_fee(_request(RequestType.WITHDRAW_CONSENT), FeeGround.MANIFESTLY_EXCESSIVE)


@pytest.mark.parametrize("amount", [None, 0, -100])
def test_a_fee_is_asked_with_an_amount_of_at_least_a_penny(amount: int | None) -> None:
    with pytest.raises(RequestRefused, match="amount"):
        _ask_fee(_request(RequestType.ACCESS), FeeGround.FURTHER_COPY, amount)


def test_only_a_fee_request_carries_an_amount() -> None:
    with pytest.raises(RequestRefused, match="amount"):
        transition(
            _request(RequestType.ACCESS),
            Move(
                RequestEvent.START,
                at=datetime.combine(date(2026, 3, 3), time(10), UTC),
                actor="dco",
                amount=500,
            ),
            holidays=HOLIDAYS,
        )


def test_the_schedule_gives_each_grounds_amount_and_a_given_one_is_bounded() -> None:
    schedule = FeeSchedule(further_copy_pence=750, manifestly_excessive_pence=4000, max_pence=5000)
    assert fee_amount(schedule, FeeGround.FURTHER_COPY) == 750
    assert fee_amount(schedule, FeeGround.MANIFESTLY_EXCESSIVE) == 4000
    assert fee_amount(schedule, FeeGround.MANIFESTLY_UNFOUNDED) == 2500  # the default
    assert fee_amount(schedule, FeeGround.FURTHER_COPY, 1) == 1
    assert fee_amount(schedule, FeeGround.FURTHER_COPY, 5000) == 5000
    for outside in (0, -1, 5001, 10**12, True):
        with pytest.raises(OutOfRange, match=r"amount: whole pence from 1 to 5000 \(£50\.00\)"):
            fee_amount(schedule, FeeGround.FURTHER_COPY, outside)


def test_a_schedule_cannot_ask_more_than_its_own_maximum_or_the_ceiling() -> None:
    with pytest.raises(ValidationError, match="further_copy_pence is more than max_pence"):
        FeeSchedule(further_copy_pence=6000, max_pence=5000)
    with pytest.raises(ValidationError):
        FeeSchedule(max_pence=CEILING_PENCE + 1)
    with pytest.raises(ValidationError):
        FeeSchedule(further_copy_pence=0)


def test_the_shipped_register_has_a_fee_schedule_and_a_way_to_pay() -> None:
    fees = shipped_register().fees
    assert fees.amount_for(FeeGround.FURTHER_COPY) == 1000
    assert fees.max_pence == 10_000
    assert "reference" in fees.how_to_pay


@pytest.mark.parametrize(
    ("pence", "text"),
    [(1, "£0.01"), (99, "£0.99"), (1000, "£10.00"), (1250, "£12.50"), (100_000, "£1,000.00")],
)
def test_pence_are_shown_as_pounds(pence: int, text: str) -> None:
    assert pounds(pence) == text


@pytest.mark.parametrize(
    ("typed", "pence"),
    [("12.50", 1250), ("£12.50", 1250), ("12", 1200), ("0.07", 7), (" 19.99 ", 1999)],
)
def test_pounds_are_read_as_whole_pence_exactly(typed: str, pence: int) -> None:
    assert parse_pounds(typed) == pence
    assert isinstance(parse_pounds(typed), int)


@pytest.mark.parametrize("typed", ["12.5", "12.505", "1e3", "-1", "12,50", "", "twelve", "0x10"])
def test_anything_else_is_refused_without_echoing_it(typed: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        parse_pounds(typed)
    assert str(refused.value) == "amount: pounds and pence, like 12.50"


@pytest.mark.parametrize(
    "typed",
    [
        "\u0661\u0662.\u0665\u0660",  # Arabic-Indic: 12.50
        "£\u0661\u0662",
        "\u06f1\u06f2.\u06f5\u06f0",  # Extended Arabic-Indic (Persian, Urdu)
        "\u0967\u0968.\u096b\u0966",  # Devanagari
        "\uff11\uff12.\uff15\uff10",  # full width
        "12.\uff150",  # one full-width digit among ASCII ones
        "\u00b9\u00b2",  # superscript 12
        "12.\u2075\u2070",  # superscript pence
        "\U0001d7cf\U0001d7d0",  # mathematical bold 12
    ],
)
def test_only_ascii_digits_are_pounds(typed: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        parse_pounds(typed)
    assert str(refused.value) == "amount: pounds and pence, like 12.50"


def test_a_further_copy_needs_an_access_request_that_supplied_a_copy() -> None:
    access, erasure = RequestType.ACCESS, RequestType.ERASURE
    for others in (
        [(access, RequestState.COMPLETED)],
        [(erasure, RequestState.REFUSED), (access, RequestState.PARTIALLY_COMPLETED)],
    ):
        check_further_copy(others, has_subject=True)  # a copy was supplied: no refusal
    for has_subject, others in (
        (True, []),
        (True, [(access, RequestState.REFUSED), (access, RequestState.WITHDRAWN)]),
        (True, [(access, RequestState.IN_PROGRESS), (erasure, RequestState.COMPLETED)]),
        (True, [(RequestType.PORTABILITY, RequestState.COMPLETED)]),
        (False, [(access, RequestState.COMPLETED)]),  # whose? nobody's: no copy before
    ):
        with pytest.raises(FeeNotAllowed, match=r"^ground: further_copy is for copies after"):
            check_further_copy(others, has_subject=has_subject)
