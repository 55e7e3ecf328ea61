"""Sharing with a recipient, on real databases: a Mondago export carries only the fields the
register allows Mondago for its marketing, of the people who consented to it, and each of them
is in the disclosure log; an export abroad without a valid mechanism, or on a suspended one, is
refused before anyone's data is read, and listed for the DCO; erasing a person removes their
entries from the log."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import pytest
from faker import Faker

from dataward.domain.errors import ActionNotAllowed
from dataward.domain.processing.consent import ConsentMethod
from dataward.domain.register.model import Register, Transfer
from dataward.domain.sharing.records import ShareRefused
from dataward.services.processing.consent import (
    GiveConsent,
    WithdrawConsent,
    record_consent,
    withdraw_consent,
)
from dataward.services.processing.erasure import Shred, shred
from dataward.services.sharing.exports import ShareExport, export_to_recipient
from dataward.services.sharing.records import (
    LogQuery,
    lift_suspension,
    share_log,
    suspend_mechanism,
    transfers_overview,
)
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.builders import an_actor
from tests.integration.world import World

MARKETING = an_actor("marketing")
DCO = an_actor("dco")
OPERATOR = an_actor("operator")
MONDAGO = ShareExport("mondago", "mondago_marketing", "json")


def _person(world: World, fake: Faker, **extra: str) -> tuple[str, dict[str, str]]:
    values = {
        "email": fake.email(),
        "name": fake.name(),
        "phone": "+447700900" + fake.numerify("###"),
        **extra,
    }
    subject = create_subject(
        world.use_case(MARKETING),
        NewSubject("customer_contact", list(values.items()), birth_date=date(1980, 5, 1)),
    )
    return str(subject.id), values


def _consent(world: World, subject_id: str, purpose: str = "mondago_marketing") -> None:
    record_consent(
        world.use_case(MARKETING),
        GiveConsent(UUID(subject_id), purpose, "third_party", ConsentMethod.WEB_FORM, "2026.1"),
    )


def _abroad(world: World, transfer: Transfer) -> Register:
    mondago = world.register.recipient("mondago").model_copy(update={"transfers": [transfer]})
    recipients = [mondago if r.key == "mondago" else r for r in world.register.recipients]
    return world.register.model_copy(update={"recipients": recipients})


def test_a_mondago_export_holds_only_allowed_fields_of_consenting_people_each_logged(
    world: World, fake: Faker
) -> None:
    yes, yes_values = _person(world, fake, account_id="AC-" + fake.numerify("######"))
    also, _ = _person(world, fake)
    other_company, _ = _person(world, fake)
    withdrawn, _ = _person(world, fake)
    _consent(world, yes)
    _consent(world, also)
    _consent(world, other_company, "third_party_marketing")
    _consent(world, withdrawn)
    world.clock.advance(timedelta(minutes=5))
    withdraw_consent(
        world.use_case(MARKETING),
        WithdrawConsent(UUID(withdrawn), "mondago_marketing", ConsentMethod.EMAIL_LINK, "2026.1"),
    )
    world.clock.advance(timedelta(minutes=5))

    shared = export_to_recipient(world.use_case(MARKETING), MONDAGO)

    assert set(shared.columns) == {"name", "email", "phone", "postal_address"}
    assert {row.subject_id for row in shared.rows} == {yes, also}
    (mine,) = [row for row in shared.rows if row.subject_id == yes]
    assert mine.values == {
        "email": yes_values["email"].lower(),
        "name": yes_values["name"],
        "phone": yes_values["phone"],
    }  # never the account id: Mondago's scope does not list it
    assert shared.withheld == {"no_consent": 1, "consent_withdrawn": 1}
    assert shared.batch.subjects == 2
    assert "identity.job_title" in shared.batch.fields
    assert "financial.bank_account" not in shared.batch.fields

    log = share_log(world.use_case(DCO), LogQuery(recipient="mondago"))
    assert {(e.subject_id, e.batch_id, e.purpose) for e in log} == {
        (yes, shared.batch.id, "mondago_marketing"),
        (also, shared.batch.id, "mondago_marketing"),
    }
    assert all(e.categories == ("contact", "identity") for e in log)
    with world.uow() as uow:
        entries = list(uow.audit.entries_about(other_company))
    assert ("mondago_marketing", "no_consent") in {(e.purpose, e.decision) for e in entries}


def test_a_role_that_may_not_disclose_is_refused_before_anything_is_read(
    world: World, fake: Faker
) -> None:
    subject_id, _ = _person(world, fake)
    _consent(world, subject_id)
    with pytest.raises(ActionNotAllowed):
        export_to_recipient(world.use_case(OPERATOR), MONDAGO)
    with world.uow() as uow:
        assert uow.sharing.log() == []
        decisions = [e for e in uow.audit.entries_about(subject_id) if e.action == "gate_decision"]
    assert decisions == []


def test_an_export_abroad_without_a_mechanism_is_refused_and_listed(
    world: World, fake: Faker
) -> None:
    subject_id, _ = _person(world, fake)
    _consent(world, subject_id)
    register = _abroad(world, Transfer(country="IN"))
    with pytest.raises(ShareRefused) as refused:
        export_to_recipient(world.use_case(MARKETING, register), MONDAGO)
    assert "IN is outside the UK and EEA" in str(refused.value)
    overview = transfers_overview(world.use_case(DCO))
    (listed,) = overview.refused
    assert (listed.recipient, listed.purpose, listed.mechanism) == (
        "mondago",
        "mondago_marketing",
        None,
    )
    with world.uow() as uow:
        assert uow.sharing.log() == []
        assert not [e for e in uow.audit.entries_about(subject_id) if e.action == "gate_decision"]


def test_an_export_on_a_suspended_mechanism_is_refused_until_it_is_lifted(
    world: World, fake: Faker
) -> None:
    subject_id, _ = _person(world, fake)
    _consent(world, subject_id)
    checked = world.clock.now().date() - timedelta(days=20)
    us = Transfer(
        country="US", mechanism="adequacy", dpf_uk_extension=True, dpf_certified_on=checked
    )
    register = _abroad(world, us)
    assert export_to_recipient(world.use_case(MARKETING, register), MONDAGO).batch.subjects == 1

    suspend_mechanism(world.use_case(DCO), "adequacy:us", "UK US data bridge regulations revoked")
    with pytest.raises(ShareRefused) as refused:
        export_to_recipient(world.use_case(MARKETING, register), MONDAGO)
    assert "suspended (adequacy:US)" in str(refused.value)
    overview = transfers_overview(world.use_case(DCO))
    assert [s.mechanism for s in overview.suspensions] == ["adequacy:US"]
    assert [r.mechanism for r in overview.refused] == ["adequacy:US"]
    with pytest.raises(ShareRefused):
        suspend_mechanism(world.use_case(DCO), "adequacy:US", "again")

    lift_suspension(world.use_case(DCO), "adequacy:US")
    assert export_to_recipient(world.use_case(MARKETING, register), MONDAGO).batch.subjects == 1
    assert len(share_log(world.use_case(DCO), LogQuery(subject_id=UUID(subject_id)))) == 2


def test_a_stale_dpf_certification_refuses_the_export(world: World, fake: Faker) -> None:
    subject_id, _ = _person(world, fake)
    _consent(world, subject_id)
    stale = world.clock.now().date() - timedelta(days=400)
    us = Transfer(country="US", mechanism="adequacy", dpf_uk_extension=True, dpf_certified_on=stale)
    with pytest.raises(ShareRefused) as refused:
        export_to_recipient(world.use_case(MARKETING, _abroad(world, us)), MONDAGO)
    assert "over a year ago" in str(refused.value)


def test_erasing_a_person_removes_their_entries_from_the_disclosure_log(
    world: World, fake: Faker
) -> None:
    gone, _ = _person(world, fake)
    stays, _ = _person(world, fake)
    _consent(world, gone)
    _consent(world, stays)
    export_to_recipient(world.use_case(MARKETING), MONDAGO)
    shred(world.use_case(DCO), Shred(gone, "erasure_request"))
    with world.uow() as uow:
        assert uow.sharing.log(subject_id=gone) == []
        assert [e.subject_id for e in uow.sharing.log()] == [stays]
