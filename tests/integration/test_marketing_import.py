"""Importing a marketing list on real databases: it lands whole or not at all, never re-adds a
suppressed address (one whose owner unsubscribed and was then erased), skips people already
known, counts both without naming them, and records each new contact's consent with the
list's evidence."""

from __future__ import annotations

import pytest
from faker import Faker
from sqlalchemy import func, select

from dataward.adapters.sql.registry.tables import subjects
from dataward.domain.errors import ActionNotAllowed, InvalidValue
from dataward.domain.marketing.tokens import Unsubscriber
from dataward.domain.processing.consent import ConsentMethod
from dataward.domain.subjects import Actor
from dataward.services.marketing.imports import ImportList, import_list
from dataward.services.marketing.messages import unsubscribe_url
from dataward.services.marketing.unsubscribe import unsubscribe
from dataward.services.processing.consent import GiveConsent, consent_history, record_consent
from dataward.services.processing.erasure import Shred, shred
from dataward.services.subjects.registry import (
    FindSubject,
    NewSubject,
    create_subject,
    find_subject,
)
from tests.builders import an_actor
from tests.integration.world import World

MARKETING = an_actor("marketing")
DCO = Actor(id="staff-dco", role="dco")


def _subjects(world: World) -> int:
    with world.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(subjects)).scalar() or 0)


def _found(world: World, email: str) -> bool:
    with world.uow() as uow:
        return find_subject(uow, world.vault, FindSubject("email", email)) is not None


def test_a_suppressed_address_is_never_added_again_and_the_rest_land_with_consent(
    world: World, fake: Faker
) -> None:
    gone, known = fake.unique.email(), fake.unique.email()
    person = create_subject(
        world.use_case(MARKETING),
        NewSubject(kind="marketing_contact", identifiers=[("email", gone)]),
    )
    record_consent(
        world.use_case(MARKETING),
        GiveConsent(person.id, "direct_marketing", "email", ConsentMethod.WEB_FORM, "2026.1"),
    )
    link = unsubscribe_url(
        world.use_case(DCO), "https://x.example", Unsubscriber(person.id, "akixi")
    )
    unsubscribe(world.use_case(DCO), link.rsplit("/u/", 1)[1])
    shred(world.use_case(DCO), Shred(str(person.id), "erasure_request"))
    create_subject(
        world.use_case(MARKETING),
        NewSubject(kind="customer_contact", identifiers=[("email", known)]),
    )
    fresh = [fake.unique.email() for _ in range(2)]
    local, _, domain = gone.partition("@")
    text = (
        "email,phone,name\n"
        f"{local.upper()}@{domain},,{fake.name()}\n"  # the same mailbox, written otherwise
        f"{known},,{fake.name()}\n"
        f"{fresh[0]},07700 900321,{fake.name()}\n"
        f"{fresh[1]},,\n"
    )
    before = _subjects(world)

    done = import_list(
        world.use_case(MARKETING), ImportList(text, "trade show 2026", "signed cards, box 12")
    )

    assert (done.added, done.suppressed, done.known) == (2, 1, 1)
    assert _subjects(world) == before + 2
    assert not _found(world, gone)
    for email in fresh:
        with world.uow() as uow:
            found = find_subject(uow, world.vault, FindSubject("email", email))
        assert found is not None
        events = consent_history(world.uow(), found.id)
        assert {(e.purpose, e.channel, e.method.value, e.evidence_ref) for e in events} >= {
            ("direct_marketing", "email", "import", "signed cards, box 12")
        }
    with world.uow() as uow:
        entries = [e for e in uow.audit.iter_entries() if e.action == "marketing_imported"]
    assert [(e.details["added"], e.details["skipped_suppressed"]) for e in entries] == [(2, 1)]
    assert gone not in str(entries[0].details)


def test_a_bad_row_refuses_the_whole_list_naming_its_line_and_field(
    world: World, fake: Faker
) -> None:
    bad = "not-an-address@@example"
    text = f"email,name\n{fake.unique.email()},{fake.name()}\n{bad},{fake.name()}\n"
    before = _subjects(world)

    with pytest.raises(InvalidValue) as refused:
        import_list(world.use_case(MARKETING), ImportList(text, "web", "form 3"))

    assert "line 3, field email" in str(refused.value)
    assert bad not in str(refused.value)
    assert _subjects(world) == before


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("", "line 1"),
        ("phone,shoe_size\n07700900123,9\n", "line 1, column 2"),
        ("name\nSomeone\n", "line 1"),
        ("email,email\na@example.org,b@example.org\n", "line 1"),
        ('email\n"unterminated\n', "line"),
    ],
)
def test_a_list_that_is_not_one_is_refused_before_anything_is_read(
    world: World, text: str, where: str
) -> None:
    with pytest.raises(InvalidValue) as refused:
        import_list(world.use_case(MARKETING), ImportList(text, "web", "form 3"))
    assert where in str(refused.value)
    assert "shoe_size" not in str(refused.value)


def test_only_a_role_that_registers_subjects_and_records_consent_imports(world: World) -> None:
    for role in ("operator", "auditor", "support"):
        with pytest.raises(ActionNotAllowed):
            import_list(
                world.use_case(an_actor(role)),
                ImportList("email\nsomeone@example.org\n", "web", "form 3"),
            )
