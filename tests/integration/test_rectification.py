"""Rectification requests (Art. 16) carried out end to end on both backends."""

from __future__ import annotations

from datetime import date

import pytest
from faker import Faker

from dataward.domain.calendar import bank_holidays
from dataward.domain.processing.gate import Gate
from dataward.domain.requests.workflow import RequestState, RequestType
from dataward.domain.subjects import Actor
from dataward.services.processing.disclosure import ReadIdentifiers, read_identifiers
from dataward.services.processing.gate import Authorize, authorize
from dataward.services.rights import rectification as rectification_module
from dataward.services.rights.intake import NewRequest
from dataward.services.rights.rectification import (
    Rectify,
    fulfil_rectification,
    supplementary_statements,
)
from dataward.services.rights.requests import request_timeline
from dataward.services.subjects.registry import (
    DuplicateIdentifier,
    FindSubject,
    NewSubject,
    create_subject,
    find_subject,
)
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
SUPPORT = Actor(id="staff-support", role="support")
HOLIDAYS = bank_holidays()


def _started(world: World, subject_id: object, email: str) -> object:
    return world.working_request(
        DCO,
        NewRequest(
            type=RequestType.RECTIFICATION,
            received=date(2026, 11, 25),
            channel="email",
            subject_id=subject_id,
            contact_email=email,
        ),  # type: ignore[arg-type]
    )


def test_an_address_is_corrected_reindexed_and_recipients_listed(world: World, fake: Faker) -> None:
    old, new = fake.email(), fake.email()
    subject = create_subject(
        world.use_case(DCO),
        NewSubject(kind="end_user", identifiers=[("email", old), ("name", fake.name())]),
    )
    authorize(
        world.use_case(SUPPORT),
        Gate(world.register),
        Authorize(subject.id, "contact", "correspondence"),
    )
    request_id = _started(world, subject.id, old)

    result = fulfil_rectification(
        world.use_case(DCO),
        request_id,  # type: ignore[arg-type]
        Rectify(
            corrections=[("email", new.upper())], statement="The earlier address was mistyped."
        ),
    )

    assert result.corrected == ["email"]
    assert result.replaced == 1
    assert result.recipients == ["group_companies", "service_providers"]
    assert find_subject(world.uow(), world.vault, FindSubject("email", old)) is None
    found = find_subject(world.uow(), world.vault, FindSubject("email", new))
    assert found is not None
    assert found.id == subject.id
    read = read_identifiers(
        world.uow(),
        world.vault,
        Gate(world.register),
        SUPPORT,
        ReadIdentifiers(subject.id, "correspondence", world.clock.now(), ["email"]),
    )
    local, _, domain = new.partition("@")
    assert [i.value for i in read.identifiers] == [f"{local.upper()}@{domain}"]  # as typed
    assert supplementary_statements(world.uow(), world.vault, subject.id) == [
        "The earlier address was mistyped."
    ]
    view, events, letters = request_timeline(world.use_case(DCO), request_id)  # type: ignore[arg-type]
    assert view.request.state is RequestState.COMPLETED
    reason = events[-1].reason or ""
    assert old not in reason
    assert local.lower() not in reason.lower()
    assert "mistyped" not in reason
    assert [x.letter for x in letters][-1] == "completion"


def test_a_value_of_another_subject_is_refused_and_nothing_changes(
    world: World, fake: Faker
) -> None:
    mine, theirs = fake.email(), fake.email()
    subject = create_subject(
        world.use_case(DCO), NewSubject(kind="end_user", identifiers=[("email", mine)])
    )
    create_subject(
        world.use_case(DCO), NewSubject(kind="end_user", identifiers=[("email", theirs)])
    )
    request_id = _started(world, subject.id, mine)
    with pytest.raises(DuplicateIdentifier) as refused:
        fulfil_rectification(
            world.use_case(DCO),
            request_id,  # type: ignore[arg-type]
            Rectify(corrections=[("email", theirs)]),
        )
    assert theirs not in str(refused.value)
    found = find_subject(world.uow(), world.vault, FindSubject("email", mine))
    assert found is not None
    assert found.id == subject.id


def test_a_rectification_lands_whole_or_not_at_all(
    world: World, fake: Faker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One transaction for the change: the corrected identifier, the statement, the notices
    to the recipients and the audit entry are rolled back when its last step (completing the
    request) fails, and the request can be carried out again, the statement added once."""
    old, new = fake.email(), fake.email()
    subject = create_subject(
        world.use_case(DCO),
        NewSubject(kind="end_user", identifiers=[("email", old)]),
    )
    authorize(  # a disclosure: the recipients of it are told of the change
        world.use_case(SUPPORT),
        Gate(world.register),
        Authorize(subject.id, "contact", "correspondence"),
    )
    request_id = _started(world, subject.id, old)
    asked = Rectify(corrections=[("email", new)], statement="The earlier address was mistyped.")

    def last_step_fails(*_args: object, **_kw: object) -> None:
        raise RuntimeError("the request could not be completed")

    with monkeypatch.context() as patch:
        patch.setattr(rectification_module, "advance", last_step_fails)
        with pytest.raises(RuntimeError, match="could not be completed"):
            fulfil_rectification(world.use_case(DCO), request_id, asked)  # type: ignore[arg-type]
    found = find_subject(world.uow(), world.vault, FindSubject("email", old))
    assert found is not None
    assert found.id == subject.id
    assert find_subject(world.uow(), world.vault, FindSubject("email", new)) is None
    assert supplementary_statements(world.uow(), world.vault, subject.id) == []
    with world.uow() as uow:
        assert [e for e in uow.audit.iter_entries() if e.action == "identifier_rectified"] == []
    view, _, letters = request_timeline(world.use_case(DCO), request_id)  # type: ignore[arg-type]
    assert view.request.state is RequestState.IN_PROGRESS
    assert "recipient_notice" not in {x.letter for x in letters}

    done = fulfil_rectification(world.use_case(DCO), request_id, asked)  # type: ignore[arg-type]
    assert done.recipients_told == ["group_companies", "service_providers"]
    assert find_subject(world.uow(), world.vault, FindSubject("email", old)) is None
    assert supplementary_statements(world.uow(), world.vault, subject.id) == [
        "The earlier address was mistyped."
    ]
    view, _, letters = request_timeline(world.use_case(DCO), request_id)  # type: ignore[arg-type]
    assert view.request.state is RequestState.COMPLETED
    assert [x.letter for x in letters].count("recipient_notice") == 2
