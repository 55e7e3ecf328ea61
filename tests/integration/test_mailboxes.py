"""An e-mail address keeps its mailbox on both backends: a subject's address is sealed as
typed and found whatever its case, addresses that differ by more than case (`ß` and `ss`, the
domains `faß` and `fass`) are different people, and a request is matched to, and its letters
sealed for, the mailbox its requester typed."""

from __future__ import annotations

import json

from dataward.domain.processing.gate import Gate
from dataward.domain.requests.workflow import RequestType
from dataward.domain.subjects import Actor
from dataward.services.processing.disclosure import ReadIdentifiers, read_identifiers
from dataward.services.processing.gate import Authorize, authorize
from dataward.services.rights.intake import NewRequest
from dataward.services.rights.public_form import PUBLIC, receive_public_request
from dataward.services.rights.requests import RequestView
from dataward.services.subjects.registry import (
    FindSubject,
    NewSubject,
    create_subject,
    find_subject,
)
from tests.builders import NOW
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
SUPPORT = Actor(id="staff-support", role="support")

SHARP = "Straße@example.org"
DOUBLE = "strasse@example.org"
IDN = "user@faß.example"
ASCII_LOOKALIKE = "user@fass.example"


def _subject(world: World, address: str) -> str:
    subject = create_subject(
        world.use_case(DCO), NewSubject(kind="end_user", identifiers=[("email", address)])
    )
    return str(subject.id)


def _address_of(world: World, subject_id: str) -> str:
    authorize(
        world.use_case(SUPPORT),
        Gate(world.register),
        Authorize(subject_id, "contact", "correspondence"),
    )
    read = read_identifiers(
        world.uow(),
        world.vault,
        Gate(world.register),
        SUPPORT,
        ReadIdentifiers(subject_id, "correspondence", world.clock.now(), ["email"]),
    )
    (identifier,) = read.identifiers
    return identifier.value


def _found(world: World, address: str) -> str | None:
    subject = find_subject(world.uow(), world.vault, FindSubject("email", address))
    return str(subject.id) if subject else None


def _request_from(world: World, address: str) -> RequestView:
    return receive_public_request(
        world.use_case(PUBLIC),
        NewRequest(
            type=RequestType.ACCESS, received=NOW.date(), channel="portal", contact_email=address
        ),
    )


def test_addresses_that_differ_beyond_case_are_different_subjects(world: World) -> None:
    sharp, double = _subject(world, SHARP), _subject(world, DOUBLE)  # no duplicate refused
    idn, lookalike = _subject(world, IDN), _subject(world, ASCII_LOOKALIKE)
    assert len({sharp, double, idn, lookalike}) == 4
    assert _found(world, "STRASSE@Example.org") == double
    assert _found(world, "straße@EXAMPLE.org") == sharp
    assert _found(world, "USER@FAß.example") == idn
    assert _found(world, "user@xn--fa-hia.example") == idn
    assert _found(world, "User@Fass.Example") == lookalike
    assert _address_of(world, sharp) == SHARP  # sealed as typed
    assert _address_of(world, idn) == "user@xn--fa-hia.example"


def test_a_request_is_matched_and_sealed_for_the_mailbox_typed(world: World) -> None:
    sharp, double = _subject(world, SHARP), _subject(world, DOUBLE)
    views = {address: _request_from(world, address) for address in (SHARP, DOUBLE.upper(), IDN)}
    assert str(views[SHARP].request.subject_id) == sharp
    assert str(views[DOUBLE.upper()].request.subject_id) == double
    assert views[IDN].request.subject_id is None  # nobody registered at faß.example
    sealed = {}
    for address, view in views.items():
        with world.uow() as uow:
            ciphertext = uow.requests.contact(view.request.id)
        assert ciphertext is not None
        sealed[address] = json.loads(world.vault.open(str(view.request.id), ciphertext))["email"]
    assert sealed == {
        SHARP: SHARP,
        DOUBLE.upper(): "STRASSE@example.org",
        IDN: "user@xn--fa-hia.example",
    }
