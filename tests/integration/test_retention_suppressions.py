"""Marketing suppression entries are kept while the objection they honour stands, and nothing
ends one: the plan counts every entry as waiting, with the reason, however far ahead it looks;
the sweep removes none and records that it ran, with its audit entry."""

from __future__ import annotations

from datetime import date

from faker import Faker

from dataward.domain.retention.sweeps import SweepState, SweepStore
from dataward.domain.subjects import Actor
from dataward.services.processing.suppression import suppress_subject
from dataward.services.retention.plan import retention_plan
from dataward.services.retention.sweep import SweepRetention, sweep_retention
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")


def test_suppression_entries_wait_and_the_sweep_records_that_it_looked(
    world: World, fake: Faker
) -> None:
    subject = create_subject(
        world.use_case(DCO),
        NewSubject(
            kind="end_user",
            identifiers=[("email", fake.email()), ("phone", fake.numerify("+441632960###"))],
        ),
    )
    with world.uow() as uow:
        assert suppress_subject(uow, subject, source="objection", at=world.clock.now()) == 2
        uow.commit()

    for as_of in (None, date(2999, 12, 31)):
        plan = retention_plan(world.use_case(DCO), as_of)
        [line] = [x for x in plan.lines if x.target.store is SweepStore.SUPPRESSION_DIGESTS]
        assert (line.due, line.oldest, line.held, line.waiting) == (0, None, (), 2)
        assert "objection" in line.waiting_for
        assert line.target.rule == "marketing_preferences"
        assert line.target.retention == "while the objection stands"

    for _ in range(2):
        records = sweep_retention(world.use_case(DCO), SweepRetention())
        [record] = [r for r in records if r.target.store is SweepStore.SUPPRESSION_DIGESTS]
        assert (record.state, record.removed, record.held) == (SweepState.DONE, 0, 0)
    with world.uow() as uow:
        assert uow.retention.suppression_entries() == 2  # none removed
        entries = [
            e
            for e in uow.audit.iter_entries()
            if e.action == "retention_swept" and e.details["store"] == "suppression_digests"
        ]
    assert [e.details["removed"] for e in entries] == [0, 0]
