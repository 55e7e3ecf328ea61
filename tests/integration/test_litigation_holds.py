"""Litigation holds on both backends: a held subject is never erased, by any door, until the
hold is lifted; holds are audited, reviewed on exact UK dates, sealed, scoped by tenant, and
unlinked once lifted when the subject goes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest
from faker import Faker
from sqlalchemy import select

from dataward.adapters.sql.processing.erasure_tables import marketing_suppressions
from dataward.adapters.sql.processing.litigation_holds import litigation_holds
from dataward.adapters.sql.unlink_plan import unlink_plan
from dataward.domain.calendar import bank_holidays
from dataward.domain.errors import (
    ActionNotAllowed,
    InvalidValue,
    NoSuchSubject,
    NotFound,
    OutOfRange,
    WriteConflict,
)
from dataward.domain.processing.gate import DenialReason, Gate
from dataward.domain.processing.litigation_holds import (
    HoldFlag,
    HoldGround,
    HoldIsTheControllers,
    HoldRefused,
    LitigationHold,
    SubjectHeld,
)
from dataward.domain.requests.workflow import RequestRefused, RequestState, RequestType
from dataward.domain.subjects import Actor, ErasureReason
from dataward.services.processing.erasure import Shred, shred
from dataward.services.processing.gate import Authorize, authorize
from dataward.services.processing.holds import (
    PlaceHold,
    lift_hold,
    list_holds,
    place_hold,
    read_hold,
    review_hold,
)
from dataward.services.rights import erasure as erasure_module
from dataward.services.rights.erasure import fulfil_erasure
from dataward.services.rights.erasure_holds import finish_held_erasures
from dataward.services.rights.intake import NewRequest
from dataward.services.rights.requests import request_timeline
from dataward.services.subjects.registry import (
    FindSubject,
    NewSubject,
    create_subject,
    find_subject,
)
from dataward.services.subjects.relationship import RelationshipDates, record_relationship
from tests.builders import TENANT_A, TENANT_B, an_actor
from tests.integration.world import World

DCO = an_actor("dco")
ADMIN_A = an_actor("tenant_admin", TENANT_A)
ADMIN_B = an_actor("tenant_admin", TENANT_B)
HOLIDAYS = bank_holidays()
TOMORROW = date(2026, 11, 26)
"""The world's clock reads Wednesday 25 November 2026, 10:00 UTC."""


def _customer(world: World, fake: Faker) -> tuple[UUID, str]:
    email = fake.email()
    subject = create_subject(
        world.use_case(DCO), NewSubject(kind="end_user", identifiers=[("email", email)])
    )
    return subject.id, email


def _caller(world: World, tenant: str, number: str) -> UUID:
    admin = an_actor("tenant_admin", tenant)
    subject = create_subject(
        world.use_case(admin),
        NewSubject(kind="caller", tenant_id=tenant, identifiers=[("phone", number)]),
    )
    return subject.id


def _place(
    world: World,
    subject_id: UUID,
    *,
    actor: Actor = DCO,
    review: date = TOMORROW,
    reason: str = "Claim 2026-117: invoice dispute",
) -> UUID:
    hold = place_hold(
        world.use_case(actor),
        PlaceHold(subject_id, HoldGround.LEGAL_CLAIMS, review, reason),
    )
    return hold.id


def test_a_held_subject_is_not_shredded_and_the_refusal_names_the_hold(
    world: World, fake: Faker
) -> None:
    subject_id, email = _customer(world, fake)
    hold_id = _place(world, subject_id)

    with pytest.raises(SubjectHeld) as refused:
        shred(world.use_case(DCO), Shred(str(subject_id), ErasureReason.ERASURE_REQUEST))

    assert f"hold {hold_id}, legal_claims, review by 2026-11-26" in str(refused.value)
    assert "invoice dispute" not in str(refused.value)
    assert world.vault.has_key(str(subject_id))
    assert find_subject(world.uow(), world.vault, FindSubject("email", email)) is not None


def _erasure_request(world: World, subject_id: UUID, email: str, actor: Actor = DCO) -> UUID:
    return world.working_request(
        actor,
        NewRequest(
            type=RequestType.ERASURE,
            received=date(2026, 11, 25),
            channel="email",
            subject_id=subject_id,
            contact_email=email,
        ),
    )


def test_an_erasure_request_for_a_held_subject_completes_partially_erasing_nothing(
    world: World, fake: Faker
) -> None:
    subject_id, email = _customer(world, fake)
    hold_id = _place(world, subject_id)
    request_id = _erasure_request(world, subject_id, email)

    result = fulfil_erasure(world.use_case(DCO), request_id)

    assert result.partial
    assert (result.erased, result.suppressed, result.key_destroyed) == ({}, 0, False)
    (item,) = result.not_done
    assert item.what == (
        "We have not erased any of your personal data: your Contact Data, and every record "
        "that refers to you."
    )
    assert item.ground.startswith(
        "It is needed to establish, exercise or defend legal claims, and the right to erasure "
        "does not reach what is needed for that (UK GDPR Art. 17(3)(e))."
    )
    assert item.kept_until == "until the hold is lifted; next reviewed by 26 November 2026"
    view, events, _ = request_timeline(world.use_case(DCO), request_id)
    assert view.request.state is RequestState.PARTIALLY_COMPLETED
    assert f"until every litigation hold is lifted (hold {hold_id}, legal_claims" in (
        events[-1].reason or ""
    )
    assert "invoice dispute" not in str(view.outcome)  # the sealed reason is nowhere
    assert find_subject(world.uow(), world.vault, FindSubject("email", email)) is not None
    assert world.vault.has_key(str(subject_id))
    with world.engine.connect() as connection:  # nothing erased, nothing suppressed yet
        assert connection.execute(select(marketing_suppressions)).all() == []
    with world.uow() as uow:
        waiting = uow.holds.get(str(subject_id))
        entries = [
            e
            for e in uow.audit.entries_about(str(subject_id))
            if e.action == "erasure_kept_by_hold"
        ]
    assert waiting is not None
    assert (waiting.ground, waiting.delete_on) == ("litigation_hold", date(2026, 11, 25))
    assert [dict(e.details) for e in entries] == [
        {
            "request": str(request_id),
            "holds": [str(hold_id)],
            "grounds": ["legal_claims"],
            "kept": ["contact"],
        },
    ]

    # until the hold is lifted, the person's data serves only what the hold needs
    gate = Gate(world.register)
    marketing = authorize(
        world.use_case(an_actor("marketing")),
        gate,
        Authorize(subject_id, "contact", "mondago_marketing"),
    )
    assert marketing.reason is DenialReason.ERASURE_HELD
    for purpose in ("legal_claims", "secure_storage", "rights_and_complaints"):
        assert authorize(
            world.use_case(DCO), gate, Authorize(subject_id, "contact", purpose)
        ).allowed, purpose

    # a shred is still refused, naming the hold; the sweep leaves the subject while held
    with pytest.raises(SubjectHeld, match=str(hold_id)):
        shred(world.use_case(DCO), Shred(str(subject_id), ErasureReason.ERASURE_REQUEST))
    swept = finish_held_erasures(world.use_case(DCO))
    assert (swept.finished, swept.kept_by_hold) == ([], [str(subject_id)])

    # lifted: the first sweep carries the request out
    lift_hold(world.use_case(DCO), hold_id)
    swept = finish_held_erasures(world.use_case(DCO))
    assert (swept.finished, swept.kept_by_hold, swept.waiting) == ([str(subject_id)], [], [])
    assert not world.vault.has_key(str(subject_id))
    assert find_subject(world.uow(), world.vault, FindSubject("email", email)) is None
    with world.engine.connect() as connection:
        assert len(connection.execute(select(marketing_suppressions)).all()) == 1
    with world.uow() as uow:
        assert uow.holds.get(str(subject_id)) is None
        tombstone = uow.subjects.tombstone(subject_id)
    assert tombstone is not None
    assert tombstone.request_ref == str(request_id)


def test_an_erasure_kept_by_a_hold_is_answered_whole_or_not_at_all(
    world: World, fake: Faker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One transaction for the answer: the erasure left waiting for the hold, the subject's
    flag and the audit entry are rolled back when its last step (completing the request)
    fails, and the request can be carried out again."""
    subject_id, email = _customer(world, fake)
    _place(world, subject_id)
    request_id = _erasure_request(world, subject_id, email)
    with world.uow() as uow:
        audit_before = uow.audit.count()

    def last_step_fails(*_args: object, **_kw: object) -> None:
        raise RuntimeError("the request could not be completed")

    with monkeypatch.context() as patch:
        patch.setattr(erasure_module, "advance", last_step_fails)
        with pytest.raises(RuntimeError, match="could not be completed"):
            fulfil_erasure(world.use_case(DCO), request_id)
    with world.uow() as uow:
        assert uow.holds.get(str(subject_id)) is None
        subject = uow.subjects.get(subject_id)
        assert subject is not None
        assert subject.dco_flag is None
        assert uow.audit.count() == audit_before
    view, _, _ = request_timeline(world.use_case(DCO), request_id)
    assert view.request.state is RequestState.IN_PROGRESS
    again = fulfil_erasure(world.use_case(DCO), request_id)
    assert again.partial
    with world.uow() as uow:
        waiting = uow.holds.get(str(subject_id))
    assert waiting is not None
    assert waiting.request_id == str(request_id)
    view, _, _ = request_timeline(world.use_case(DCO), request_id)
    assert view.request.state is RequestState.PARTIALLY_COMPLETED


def test_a_held_customer_is_told_what_the_tax_rule_keeps_after_the_hold(
    world: World, fake: Faker
) -> None:
    values = {"name": fake.name(), "postal_address": fake.address(), "email": fake.email()}
    subject = create_subject(
        world.use_case(DCO), NewSubject(kind="end_user", identifiers=list(values.items()))
    )
    record_relationship(
        world.use_case(DCO),
        subject.id,
        RelationshipDates(ended=date(2026, 3, 31), last_transaction=date(2026, 3, 15)),
    )
    claim = _place(world, subject.id)
    world.clock.advance(timedelta(minutes=1))  # the holds are listed oldest first
    enquiry = place_hold(
        world.use_case(DCO),
        PlaceHold(subject.id, HoldGround.TAX_ENQUIRY, date(2027, 1, 29), "HMRC check 2026/4"),
    )
    request_id = _erasure_request(world, subject.id, values["email"])
    # a last transaction given only now would be lost by the time the holds are lifted
    with pytest.raises(RequestRefused, match="subjects relationship"):
        fulfil_erasure(world.use_case(DCO), request_id, last_transaction=date(2026, 3, 1))

    result = fulfil_erasure(world.use_case(DCO), request_id, last_transaction=date(2026, 3, 15))

    first, second, *after = result.not_done
    assert "UK GDPR Art. 17(3)(e)" in first.ground
    assert first.kept_until == "until the hold is lifted; next reviewed by 26 November 2026"
    assert second.ground.startswith(
        "The law requires us to keep it while a tax enquiry that needs it is open, and the "
        "right to erasure does not reach what a legal obligation keeps (UK GDPR Art. 17(3)(b))."
    )
    assert world.register.purpose("business_compliance").activity in second.ground
    assert second.kept_until == "until the hold is lifted; next reviewed by 29 January 2027"
    still = "Once every hold above is lifted, we will still keep your"
    assert [i.what for i in after] == [
        f"{still} Contact Data: Billing address.",
        f"{still} Identity Data: First name and Last name.",
    ]
    assert {i.kept_until for i in after} == {"until 31 March 2033, when it is deleted"}
    assert all("HMRC check" not in str(i) and "invoice" not in str(i) for i in result.not_done)

    for hold_id in (claim, enquiry.id):
        lift_hold(world.use_case(DCO), hold_id)
    swept = finish_held_erasures(world.use_case(DCO))
    assert swept.finished == [str(subject.id)]
    with world.uow() as uow:
        left = sorted(s.type for s in uow.subjects.identifiers_of(subject.id))
        tax = uow.holds.get(str(subject.id))
    assert left == ["name", "postal_address"]  # the e-mail address went; the tax records stay
    assert tax is not None
    assert (tax.ground, tax.delete_on) == ("legal_obligation_tax", date(2033, 3, 31))


def test_a_held_erasure_waits_for_the_dates_once_the_hold_is_lifted(
    world: World, fake: Faker
) -> None:
    values = {"name": fake.name(), "email": fake.email()}
    subject = create_subject(
        world.use_case(DCO), NewSubject(kind="end_user", identifiers=list(values.items()))
    )
    hold_id = _place(world, subject.id)
    request_id = _erasure_request(world, subject.id, values["email"])
    result = fulfil_erasure(world.use_case(DCO), request_id)
    # no date can be given yet for what the tax rule keeps: the event missing is named
    assert "no date can be set yet" in result.not_done[-1].kept_until
    lift_hold(world.use_case(DCO), hold_id)
    swept = finish_held_erasures(world.use_case(DCO))
    assert (swept.finished, swept.waiting) == ([], [str(subject.id)])
    with world.uow() as uow:  # nothing erased while the tax hold cannot be dated
        assert len(list(uow.subjects.identifiers_of(subject.id))) == 2
    record_relationship(
        world.use_case(DCO),
        subject.id,
        RelationshipDates(ended=date(2026, 3, 31), last_transaction=date(2026, 3, 15)),
    )
    swept = finish_held_erasures(world.use_case(DCO))
    assert (swept.finished, swept.waiting) == ([str(subject.id)], [])


def test_once_lifted_the_subject_is_erased_and_its_lifted_holds_unlinked(
    world: World, fake: Faker
) -> None:
    assert "litigation_holds" in {step.name for step in unlink_plan()}
    subject_id, _ = _customer(world, fake)
    first = _place(world, subject_id)
    second = _place(world, subject_id, reason="Regulator's letter of 1 November")
    lift_hold(world.use_case(DCO), first)
    with pytest.raises(SubjectHeld, match=str(second)):  # one still stands
        shred(world.use_case(DCO), Shred(str(subject_id), ErasureReason.ERASURE_REQUEST))
    lift_hold(world.use_case(DCO), second)

    report = shred(world.use_case(DCO), Shred(str(subject_id), ErasureReason.ERASURE_REQUEST))

    assert report.key_destroyed
    assert report.removed["litigation_holds"] == 2
    with world.engine.connect() as connection:
        assert connection.execute(select(litigation_holds)).all() == []
    with world.uow() as uow:
        entries = list(uow.audit.entries_about(str(subject_id)))
    actions = [(e.action, e.details.get("hold")) for e in entries]
    assert ("hold_placed", str(first)) in actions
    assert ("hold_lifted", str(second)) in actions
    assert actions[-1][0] == "subject_shredded"


def test_an_active_hold_is_never_deleted_by_an_erasure_that_skipped_the_check(
    world: World, fake: Faker
) -> None:
    # as if the hold landed between an erasure's check and its delete: the unlink step
    # leaves the active hold, and the subject's delete fails on the foreign key
    subject_id, _ = _customer(world, fake)
    hold_id = _place(world, subject_id)
    with world.uow() as uow:
        subject = uow.subjects.get(subject_id)
    assert subject is not None

    def erase_unchecked() -> None:
        with world.uow() as uow:
            uow.subjects.erase(subject, at=world.clock.now(), reason="erasure", request_ref=None)
            uow.commit()

    with pytest.raises(WriteConflict):
        erase_unchecked()
    with world.uow() as uow:
        hold = uow.litigation_holds.get(hold_id)
        assert hold is not None
        assert hold.active
        assert uow.subjects.get(subject_id) is not None


def test_the_sweep_of_tax_held_erasures_skips_a_held_subject_until_it_is_lifted(
    world: World, fake: Faker
) -> None:
    values = {"name": fake.name(), "postal_address": fake.address(), "email": fake.email()}
    subject = create_subject(
        world.use_case(DCO),
        NewSubject(
            kind="end_user", identifiers=list(values.items()), relationship_end=date(2019, 11, 26)
        ),
    )
    request_id = world.working_request(
        DCO,
        NewRequest(
            type=RequestType.ERASURE,
            received=date(2026, 11, 25),
            channel="email",
            subject_id=subject.id,
            contact_email=values["email"],
        ),
    )
    result = fulfil_erasure(world.use_case(DCO), request_id, last_transaction=date(2019, 11, 26))
    # 7 years from 26 November 2019 (tomorrow), later than 6 from the end of 2019
    assert result.kept is not None
    assert result.kept.until == TOMORROW
    hold_id = _place(world, subject.id)  # a claim arrives before the sweep runs
    world.clock.advance(timedelta(days=1))

    swept = finish_held_erasures(world.use_case(DCO))
    assert (swept.finished, swept.kept_by_hold) == ([], [str(subject.id)])
    assert world.vault.has_key(str(subject.id))

    lift_hold(world.use_case(DCO), hold_id)
    swept = finish_held_erasures(world.use_case(DCO))
    assert (swept.finished, swept.kept_by_hold) == ([str(subject.id)], [])
    assert not world.vault.has_key(str(subject.id))


def test_a_tenants_instruction_to_erase_is_refused_by_a_hold_too(world: World) -> None:
    caller = _caller(world, TENANT_A, "+447700900311")
    hold_id = _place(world, caller, actor=ADMIN_A)
    with pytest.raises(SubjectHeld, match=str(hold_id)):
        shred(world.use_case(ADMIN_A), Shred(str(caller), ErasureReason.CONTROLLER_INSTRUCTION))


def test_the_reason_is_sealed_audited_nowhere_and_read_back_on_request(
    world: World, fake: Faker
) -> None:
    subject_id, _ = _customer(world, fake)
    reason = f"Claim by {fake.name()} over invoice 4471"
    hold_id = _place(world, subject_id, reason=reason)

    with world.engine.connect() as connection:
        stored = connection.execute(select(litigation_holds.c.reason)).scalar_one()
    assert reason.encode() not in bytes(stored)
    with world.uow() as uow:
        entries = list(uow.audit.entries_about(str(subject_id)))
    assert all(reason not in str(e.details) for e in entries)
    placed = next(e for e in entries if e.action == "hold_placed")
    assert dict(placed.details) == {
        "hold": str(hold_id),
        "ground": "legal_claims",
        "review_on": "2026-11-26",
    }

    view, opened = read_hold(world.use_case(DCO), hold_id)
    assert opened == reason
    assert view.hold.placed_by == DCO.id
    with world.uow() as uow:
        assert [e.action for e in uow.audit.entries_about(str(subject_id))][-1] == "hold_read"


@pytest.mark.parametrize(
    ("review", "why"),
    [
        (date(2026, 11, 25), OutOfRange),  # today: a review date is after today
        (date(2026, 11, 24), OutOfRange),
        (date(3000, 1, 1), OutOfRange),
    ],
)
def test_a_review_date_must_be_after_today(
    world: World, fake: Faker, review: date, why: type[Exception]
) -> None:
    subject_id, _ = _customer(world, fake)
    with pytest.raises(why, match="review_on"):
        _place(world, subject_id, review=review)


def test_a_reason_that_would_rewrite_a_terminal_is_refused(world: World, fake: Faker) -> None:
    subject_id, _ = _customer(world, fake)
    for reason in ("case 42\x1b]0;pwned\x07", "a\rfake line", "nul\x00", "bidi\u202e"):
        with pytest.raises(InvalidValue, match="reason: text without control characters"):
            _place(world, subject_id, reason=reason)
    _place(world, subject_id, reason="Claim 2026-117:\n\tinvoice dispute")


def test_a_reason_that_is_empty_or_too_long_is_refused_without_repeating_it(
    world: World, fake: Faker
) -> None:
    subject_id, _ = _customer(world, fake)
    for reason in ("   ", "x" * 1001):
        with pytest.raises(InvalidValue, match="reason: from 1 to 1000 characters") as refused:
            _place(world, subject_id, reason=reason)
        assert "xxxx" not in str(refused.value)
    with pytest.raises(InvalidValue, match="ground: one of legal_claims") as refused:
        place_hold(
            world.use_case(DCO),
            PlaceHold(subject_id, "lawsuit <script>", TOMORROW, "a claim"),
        )
    assert "script" not in str(refused.value)


def test_holds_past_review_are_flagged_on_uk_dates(world: World, fake: Faker) -> None:
    subject_id, _ = _customer(world, fake)
    hold_id = _place(world, subject_id, review=date(2027, 6, 15))

    def flag_at(instant: datetime) -> HoldFlag | None:
        world.clock.current = instant
        (view,) = list_holds(world.use_case(DCO))
        assert view.hold.id == hold_id
        return view.flag

    # in British Summer Time, 23:30 UTC on 14 June is already 15 June in London
    assert flag_at(datetime(2027, 6, 14, 22, 59, tzinfo=UTC)) is None
    assert flag_at(datetime(2027, 6, 14, 23, 0, tzinfo=UTC)) is HoldFlag.REVIEW_TODAY
    assert flag_at(datetime(2027, 6, 15, 22, 59, tzinfo=UTC)) is HoldFlag.REVIEW_TODAY
    assert flag_at(datetime(2027, 6, 15, 23, 0, tzinfo=UTC)) is HoldFlag.REVIEW_OVERDUE

    reviewed = review_hold(world.use_case(DCO), hold_id, date(2027, 12, 31))
    assert reviewed.review_on == date(2027, 12, 31)
    assert flag_at(world.clock.now()) is None
    with world.uow() as uow:
        entry = [e for e in uow.audit.entries_about(str(subject_id)) if e.action == "hold_reviewed"]
    assert [dict(e.details) for e in entry] == [
        {
            "hold": str(hold_id),
            "ground": "legal_claims",
            "review_on": "2027-12-31",
            "review_before": "2027-06-15",
        },
    ]


def test_a_hold_is_lifted_once_and_not_reviewed_after(world: World, fake: Faker) -> None:
    subject_id, _ = _customer(world, fake)
    hold_id = _place(world, subject_id)
    world.clock.advance(timedelta(hours=2))
    lifted = lift_hold(world.use_case(DCO), hold_id)
    assert lifted.lifted_at == world.clock.now()
    assert lifted.lifted_by == DCO.id
    with pytest.raises(HoldRefused, match="lifted already"):
        lift_hold(world.use_case(DCO), hold_id)
    with pytest.raises(HoldRefused, match="was lifted"):
        review_hold(world.use_case(DCO), hold_id, date(2027, 1, 1))
    assert list_holds(world.use_case(DCO)) == []
    (view,) = list_holds(world.use_case(DCO), include_lifted=True)
    assert view.hold.id == hold_id
    assert view.flag is None


@pytest.mark.parametrize("role", ["operator", "support", "marketing", "auditor"])
def test_only_the_roles_that_manage_holds_may_place_list_or_lift_them(
    world: World, fake: Faker, role: str
) -> None:
    subject_id, _ = _customer(world, fake)
    hold_id = _place(world, subject_id)
    other = an_actor(role)
    with pytest.raises(ActionNotAllowed, match="manage holds"):
        _place(world, subject_id, actor=other)
    with pytest.raises(ActionNotAllowed, match="manage holds"):
        list_holds(world.use_case(other))
    with pytest.raises(ActionNotAllowed, match="manage holds"):
        lift_hold(world.use_case(other), hold_id)
    with world.uow() as uow:
        hold = uow.litigation_holds.get(hold_id)
    assert hold is not None
    assert hold.active


def test_a_tenant_administrator_holds_only_its_own_callers(world: World, fake: Faker) -> None:
    ours, _ = _customer(world, fake)
    caller_a = _caller(world, TENANT_A, "+447700900312")
    caller_b = _caller(world, TENANT_B, "+447700900313")
    held_a = _place(world, caller_a, actor=ADMIN_A)
    held_b = _place(world, caller_b, actor=ADMIN_B)
    held_ours = _place(world, ours)

    # another tenant's caller, and our own customer, are subjects it cannot know of
    for subject_id in (caller_b, ours):
        with pytest.raises(NoSuchSubject):
            _place(world, subject_id, actor=ADMIN_A)
    # another tenant's hold, and ours, are holds it cannot know of
    for hold_id in (held_b, held_ours):
        with pytest.raises(NotFound, match="no such litigation hold"):
            lift_hold(world.use_case(ADMIN_A), hold_id)
        with pytest.raises(NotFound, match="no such litigation hold"):
            read_hold(world.use_case(ADMIN_A), hold_id)
    listed = [v.hold.id for v in list_holds(world.use_case(ADMIN_A))]
    assert listed == [held_a]
    every = {v.hold.id for v in list_holds(world.use_case(DCO))}
    assert every == {held_a, held_b, held_ours}
    lift_hold(world.use_case(ADMIN_A), held_a)


def test_a_tenants_caller_is_held_by_its_tenant_and_by_us_only_as_the_law_requires(
    world: World,
) -> None:
    """Art. 28(3)(a) and (g): our DCO cannot hold a tenant's caller for a claim (which would
    block the tenant's own instruction to erase), only for a regulator's investigation that
    requires us to keep it; each side lifts only its own holds."""
    caller = _caller(world, TENANT_A, "+447700900314")
    for ground in (HoldGround.LEGAL_CLAIMS, HoldGround.TAX_ENQUIRY):
        with pytest.raises(HoldIsTheControllers, match="held by the customer"):
            place_hold(
                world.use_case(DCO),
                PlaceHold(caller, ground, TOMORROW, "a claim against us"),
            )
    ours = place_hold(
        world.use_case(DCO),
        PlaceHold(caller, HoldGround.REGULATORY_INVESTIGATION, TOMORROW, "preservation notice"),
    )
    theirs = _place(world, caller, actor=ADMIN_A)
    assert (ours.ours, world_hold(world, theirs).ours) == (True, False)
    with pytest.raises(HoldIsTheControllers, match="the law requires of us"):
        lift_hold(world.use_case(ADMIN_A), ours.id)
    with pytest.raises(HoldIsTheControllers, match="its administrator lifts it"):
        lift_hold(world.use_case(DCO), theirs)
    with pytest.raises(HoldIsTheControllers, match="its reason is not the customer's"):
        read_hold(world.use_case(ADMIN_A), ours.id)
    assert read_hold(world.use_case(DCO), ours.id)[1] == ("preservation notice")
    listed = list_holds(world.use_case(ADMIN_A))
    assert {v.hold.id for v in listed} == {ours.id, theirs}  # it knows its caller is held
    later = TOMORROW + timedelta(days=30)
    with pytest.raises(HoldIsTheControllers, match="the law requires of us"):
        review_hold(world.use_case(ADMIN_A), ours.id, later)
    with pytest.raises(HoldIsTheControllers, match="its administrator lifts it"):
        review_hold(world.use_case(DCO), theirs, later)
    assert lift_hold(world.use_case(DCO), ours.id).lifted_by == DCO.id
    lifted = lift_hold(world.use_case(ADMIN_A), theirs)
    assert lifted.lifted_by == ADMIN_A.id


def world_hold(world: World, hold_id: UUID) -> LitigationHold:
    with world.uow() as uow:
        hold = uow.litigation_holds.get(hold_id)
    assert hold is not None
    return hold


def test_an_erased_subject_cannot_be_held(world: World, fake: Faker) -> None:
    subject_id, _ = _customer(world, fake)
    shred(world.use_case(DCO), Shred(str(subject_id), ErasureReason.ERASURE_REQUEST))
    with pytest.raises(HoldRefused, match="erased"):
        _place(world, subject_id)
