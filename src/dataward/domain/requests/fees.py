"""Fees for rights requests: on which ground the law allows one, for which right, and how much.
Pure: no I/O.

Rule A2 of docs/legal-rules.md. No fee is the default. A reasonable fee, based on the
administrative cost of answering (staff time, copying, postage), may be charged only:

- for a request that is manifestly unfounded or excessive, repetitive ones included
  (UK GDPR Art. 12(5)): whatever the right, among those Art. 12(5) covers (Arts. 15 to 22);
- for further copies of the data an access request asks for (Art. 15(3)): access only, and
  only once a copy was supplied: an earlier access request of the same subject completed (or
  partially completed). A request that names no subject cannot have had one.

A withdrawal of consent is never charged for: it must be as easy as giving it (Art. 7(3)),
and Art. 12(5) does not reach it. A complaint takes no fee either (the state machine refuses).

How much: the register's fee schedule (`FeeSchedule`) gives an amount for each ground, which
staff may replace with their own, within the schedule's ceiling. Every amount is whole pence,
an `int`; nothing here is a float.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final, Self

from pydantic import BaseModel, Field, model_validator

from dataward.domain.errors import InvalidValue, OutOfRange
from dataward.domain.register.terms import MODEL_CONFIG, NonEmpty
from dataward.domain.requests.terms import FeeGround, RequestState, RequestType

CEILING_PENCE: Final = 100_000
"""£1,000: no schedule may allow more for answering one request."""

_ANY_RIGHT = (FeeGround.MANIFESTLY_UNFOUNDED, FeeGround.MANIFESTLY_EXCESSIVE)
_GROUNDS: Final = {
    RequestType.ACCESS: (*_ANY_RIGHT, FeeGround.FURTHER_COPY),
    RequestType.RECTIFICATION: _ANY_RIGHT,
    RequestType.ERASURE: _ANY_RIGHT,
    RequestType.RESTRICTION: _ANY_RIGHT,
    RequestType.OBJECTION: _ANY_RIGHT,
    RequestType.PORTABILITY: _ANY_RIGHT,
    RequestType.WITHDRAW_CONSENT: (),
    RequestType.COMPLAINT: (),
}


class FeeNotAllowed(InvalidValue):
    """A fee on a ground the law does not allow for the request's right (the ground named,
    with the ones it allows), or a further-copy fee where no copy was supplied before; the
    request is unchanged."""

    code = "fee_not_allowed"


def fee_grounds_for(kind: RequestType) -> tuple[FeeGround, ...]:
    """The grounds on which a fee may be asked for a request of this kind."""
    return _GROUNDS[kind]


def check_fee_ground(kind: RequestType, ground: FeeGround) -> None:
    """`FeeNotAllowed` unless `ground` allows a fee for a request of this kind."""
    allowed = fee_grounds_for(kind)
    if ground in allowed:
        return
    a_request = f"{'an' if kind.value[0] in 'aeiou' else 'a'} {kind.value} request"
    if not allowed:
        why = (
            " (Art. 7(3): withdrawing consent is free)" if kind.value == "withdraw_consent" else ""
        )
        raise FeeNotAllowed("ground", f"no fee may be charged for {a_request}{why}")
    raise FeeNotAllowed(
        "ground",
        f"{ground.value} is a fee ground for access requests only (Art. 15(3)); for "
        f"{a_request}: {' or '.join(g.value for g in allowed)}",
    )


COPY_SUPPLIED: Final = frozenset({RequestState.COMPLETED, RequestState.PARTIALLY_COMPLETED})
"""The states of an access request that supplied a copy of the data."""


def check_further_copy(
    others: Iterable[tuple[RequestType, RequestState]], *, has_subject: bool
) -> None:
    """`FeeNotAllowed` unless a copy was supplied before: one of `others` (the subject's other
    requests, as kind and state) is an access request completed or partially completed. A
    request that names no subject (`has_subject` false) cannot have had a copy before."""
    if has_subject and any(
        kind is RequestType.ACCESS and state in COPY_SUPPLIED for kind, state in others
    ):
        return
    why = (
        "no earlier access request of this subject was completed"
        if has_subject
        else "the request names no subject, so no copy was supplied before"
    )
    raise FeeNotAllowed(
        "ground",
        f"{FeeGround.FURTHER_COPY.value} is for copies after the first (Art. 15(3)): {why}; "
        f"{' or '.join(g.value for g in _ANY_RIGHT)}",
    )


class FeeSchedule(BaseModel):
    """The register's fees: what answering costs on each ground, in whole pence, the most
    staff may ask, and how a requester pays (said in the fee letter)."""

    model_config = MODEL_CONFIG

    further_copy_pence: int = Field(
        1000, ge=1, le=CEILING_PENCE, description="A further copy of the data (Art. 15(3))"
    )
    manifestly_unfounded_pence: int = Field(2500, ge=1, le=CEILING_PENCE)
    manifestly_excessive_pence: int = Field(2500, ge=1, le=CEILING_PENCE)
    max_pence: int = Field(
        10_000, ge=1, le=CEILING_PENCE, description="The most staff may ask for one request"
    )
    how_to_pay: NonEmpty = Field(
        "Reply to this letter and we will arrange payment with you by card or bank transfer. "
        "Please quote the reference below.",
        description="How the requester pays, in the words of the fee letter",
    )

    @model_validator(mode="after")
    def _within_the_maximum(self) -> Self:
        for ground in FeeGround:
            if self.amount_for(ground) > self.max_pence:
                raise ValueError(f"{ground.value}_pence is more than max_pence")
        return self

    def amount_for(self, ground: FeeGround) -> int:
        return {
            FeeGround.FURTHER_COPY: self.further_copy_pence,
            FeeGround.MANIFESTLY_UNFOUNDED: self.manifestly_unfounded_pence,
            FeeGround.MANIFESTLY_EXCESSIVE: self.manifestly_excessive_pence,
        }[ground]


def fee_amount(schedule: FeeSchedule, ground: FeeGround, given: int | None = None) -> int:
    """The fee to ask, in pence: `given` if staff set one, within 1p and the schedule's
    maximum (`OutOfRange` otherwise), else the schedule's amount for the ground."""
    if given is None:
        return schedule.amount_for(ground)
    if isinstance(given, bool) or not isinstance(given, int):
        raise OutOfRange("amount", _range(schedule))
    if not 1 <= given <= schedule.max_pence:
        raise OutOfRange("amount", _range(schedule))
    return given


def _range(schedule: FeeSchedule) -> str:
    return f"whole pence from 1 to {schedule.max_pence} ({pounds(schedule.max_pence)})"


def pounds(pence: int) -> str:
    """`1250` as `£12.50`, `100000` as `£1,000.00`."""
    whole, part = divmod(pence, 100)
    return f"£{whole:,}.{part:02d}"


_POUNDS = re.compile(r"£?([0-9]{1,7})(?:\.([0-9]{2}))?")
"""ASCII digits only: `\\d` would take any script's (Arabic-Indic 12.50 read as £12.50)."""


def parse_pounds(text: str) -> int:
    """An amount typed in pounds (`12.50`, `£12.50`, `12`) as whole pence, exactly, in ASCII
    digits; `InvalidValue` (naming the form, never echoing the text) for anything else."""
    found = _POUNDS.fullmatch(text.strip())
    if found is None:
        raise InvalidValue("amount", "pounds and pence, like 12.50")
    return int(found.group(1)) * 100 + int(found.group(2) or 0)
