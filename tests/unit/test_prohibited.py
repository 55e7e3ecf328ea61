"""Special-category and criminal-offence data is refused at the door, by field name."""

from __future__ import annotations

import pytest

from dataward.domain.errors import ProhibitedData
from dataward.domain.register.model import Register
from dataward.domain.register.prohibited import refuse_prohibited
from tests.builders import shipped_register


@pytest.fixture(scope="module")
def register() -> Register:
    return shipped_register()


def test_ordinary_fields_pass(register: Register) -> None:
    refuse_prohibited(register, ["first_name", "email", "calling_number", "job_title"])


def test_a_health_field_is_refused_naming_the_field_and_its_category(register: Register) -> None:
    with pytest.raises(ProhibitedData) as refused:
        refuse_prohibited(register, ["first_name", "health", "email"])
    assert refused.value.field == "health"
    assert refused.value.category == "special_category"
    assert "health" in str(refused.value)
    assert "special_category" in str(refused.value)


def test_criminal_offence_data_is_refused(register: Register) -> None:
    with pytest.raises(ProhibitedData, match="criminal_convictions") as refused:
        refuse_prohibited(register, ["criminal_convictions"])
    assert refused.value.kind == "criminal_offence"


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("Religion", "religion"),
        (" sexual_orientation ", "sexual_orientation"),
        ("caller.health", "health"),
        ("Trade Union Membership", "trade_union_membership"),
    ],
)
def test_a_prohibited_field_is_found_however_it_is_written(
    register: Register, name: str, field: str
) -> None:
    """Found in any spelling, and named as the register spells it: the name as offered is the
    caller's, and could hold anything."""
    with pytest.raises(ProhibitedData) as refused:
        refuse_prohibited(register, [name])
    assert refused.value.field == field
    assert name.strip() not in str(refused.value) or name.strip() == field


def test_every_prohibited_field_of_the_register_is_refused(register: Register) -> None:
    for category in register.prohibited_categories:
        for field in category.fields:
            with pytest.raises(ProhibitedData):
                refuse_prohibited(register, [field])


def test_the_error_never_carries_a_value(register: Register) -> None:
    record = {"health": "asthma (private)"}
    with pytest.raises(ProhibitedData) as refused:
        refuse_prohibited(register, record)
    assert "asthma" not in str(refused.value)
