"""A person's quarantined lines are data we hold about them: the tenant's instructed export of a
caller includes the lines that name them (audited), and lines naming someone with no subject
left can be found by their number, without it being shown or kept, and discarded one by one."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest
from faker import Faker

from dataward.domain.errors import ActionNotAllowed, InvalidIdentifier
from dataward.domain.requests.workflow import RequestType
from dataward.services.quarantine.lines import discard_quarantine, find_quarantined, list_quarantine
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.rights.processor import (
    Instruction,
    carry_out_instruction,
    forward_to_controller,
)
from dataward.services.subjects.registry import FindSubject, find_subject
from tests.integration.test_quarantine_erasure import (
    ADMIN,
    DCO,
    EPOCH,
    OPERATOR,
    TENANT,
    Caller,
    _ingested,
    _opened_lines,
    _queue_log,
    _tenant,
)
from tests.integration.test_quarantine_parties import _ingest
from tests.integration.world import World


def _forwarded(world: World, fake: Faker, subject_id: str) -> str:
    view = receive_request(
        world.use_case(DCO),
        NewRequest(
            type=RequestType.ACCESS,
            received=world.clock.now().date(),
            channel="email",
            tenant_id=TENANT,
            subject_id=UUID(subject_id),
            contact_email=fake.email(),
        ),
    )
    forward_to_controller(world.use_case(DCO), str(view.request.id))
    return str(view.request.id)


def test_the_tenants_instructed_export_includes_the_lines_naming_the_caller(
    world: World, fake: Faker, tmp_path: Path
) -> None:
    _tenant(world, fake)
    caller, other = Caller(fake), Caller(fake)
    ingest_id = _ingested(world, _queue_log(tmp_path / "queue_log", caller, other))
    subject = find_subject(
        world.uow(), world.vault, FindSubject("phone", caller.national, tenant_id=TENANT)
    )
    assert subject is not None
    request_id = _forwarded(world, fake, str(subject.id))

    done = carry_out_instruction(world.use_case(ADMIN), request_id, Instruction.EXPORT)

    assert done.outcome == {"calls": 1, "quarantined_lines": 3}
    assert [(q.ingest_id, q.line) for q in done.quarantined] == [(ingest_id, n) for n in (5, 6, 7)]
    assert all(q.source == f"file-{ingest_id}" for q in done.quarantined)
    for line, spelling in zip(done.quarantined, caller.spellings, strict=True):
        assert spelling in line.text
    assert not any(other.national in q.text for q in done.quarantined)
    with world.uow() as uow:
        (entry,) = [e for e in uow.audit.iter_entries() if e.action == "controller_instruction"]
    assert entry.details["quarantined_lines"] == 3
    assert caller.national not in str(entry.details)


def test_lines_naming_someone_with_no_subject_are_found_by_number_and_discarded(
    world: World, fake: Faker, tmp_path: Path
) -> None:
    """A caller known only from lines no parser could read (a number erased before is stored
    erased on arrival: `test_quarantine_erased_numbers`)."""
    _tenant(world, fake)
    caller, other = Caller(fake), Caller(fake)
    late = tmp_path / "late"  # the PBX's export has one of their calls, mangled
    late.write_text(
        f"{EPOCH + 100}x|b1|sales|NONE|ENTERQUEUE||+44 {caller.core}|1\n"
        f"{EPOCH + 200}x|b2|sales|NONE|ENTERQUEUE||{other.national}|1\n"
    )
    ingest_id = _ingest(world, late, "asterisk-queue-log")
    assert any(caller.core in line for line in _opened_lines(world))

    with pytest.raises(ActionNotAllowed):  # the operator never needs a caller's number
        find_quarantined(world.use_case(OPERATOR), TENANT, caller.national)
    with pytest.raises(InvalidIdentifier) as refused:
        find_quarantined(world.use_case(ADMIN), TENANT, "07700 9x")
    assert "9x" not in str(refused.value)
    found = find_quarantined(world.use_case(ADMIN), TENANT, caller.national)
    assert [(e.ingest_id, e.line) for e in found] == [(ingest_id, 1)]

    discarded = discard_quarantine(
        world.use_case(ADMIN), TENANT, ingest_id, lines=[e.line for e in found]
    )

    assert discarded == 1
    assert not any(caller.core in line for line in _opened_lines(world))
    left = list_quarantine(world.use_case(OPERATOR), TENANT)
    assert [(e.ingest_id, e.line) for e in left] == [(ingest_id, 2)]
    with world.uow() as uow:
        searched = [e for e in uow.audit.iter_entries() if e.action == "quarantine_searched"]
    assert [e.details["lines"] for e in searched] == [1]
    assert caller.core not in str(searched[0].details)
