"""The fast audience (`services.marketing.judging`: each distinct set of facts put to the rules
once, from one streaming read) gives every person exactly the verdict the gate and PECR's rules
give when asked person by person, on populations with every kind of record the rules read, on
SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import timedelta
from uuid import UUID

import pytest
from faker import Faker
from sqlalchemy import insert

from dataward.adapters.sql.processing.erasure_tables import erasure_holds
from dataward.domain.errors import ConsentRefused
from dataward.domain.marketing.campaign import CampaignDraft, terms_of
from dataward.domain.marketing.eligibility import Eligibility, ObtainedIn, Verdict
from dataward.domain.processing.consent import ConsentMethod
from dataward.domain.processing.gate import Gate
from dataward.domain.processing.restrictions import ObjectionKind, RestrictionGround
from dataward.domain.processing.suppression import suppression_digest
from dataward.domain.subjects import Actor
from dataward.services.marketing.audience import (
    ADDRESS_KIND,
    marketing_facts,
)
from dataward.services.marketing.bases import (
    RecordCorporate,
    RecordSoftOptIn,
    record_corporate,
    record_soft_opt_in,
)
from dataward.services.marketing.campaigns import create_campaign
from dataward.services.marketing.judging import judge_audience
from dataward.services.processing.consent import (
    GiveConsent,
    WithdrawConsent,
    record_consent,
    withdraw_consent,
)
from dataward.services.processing.objections import RecordObjection, record_objection
from dataward.services.processing.restrictions import ApplyRestriction, apply_restriction
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.builders import an_actor
from tests.integration.world import World

MARKETING = an_actor("marketing")
DCO = Actor(id="staff-dco", role="dco")
CAMPAIGNS = [
    ("direct_marketing", "email", "akixi", "call_reporting"),
    ("direct_marketing", "email", "akixi", None),
    ("direct_marketing", "post", "akixi", None),
    ("direct_marketing", "sms", "akixi", "acd_reporting"),
    ("mondago_marketing", "email", "mondago", None),
]


def _population(world: World, fake: Faker, seed: int, size: int) -> list[UUID]:
    rng = random.Random(seed)  # noqa: S311 - a test's mix
    today = world.clock.now().date()
    made: list[UUID] = []
    for _ in range(size):
        kind = rng.choice(["marketing_contact", "customer_contact", "end_user"])
        identifiers: list[tuple[str, str]] = []
        if rng.random() < 0.85:
            identifiers.append(("email", fake.unique.email()))
        if rng.random() < 0.4:
            identifiers.append(("phone", f"07700 9{rng.randrange(10**5):05d}"))
        if rng.random() < 0.3 or not identifiers:
            identifiers.append(("postal_address", fake.address()))
        born = (
            today.replace(year=today.year - rng.choice([9, 12, 13, 40]))
            if rng.random() < 0.2
            else None
        )
        subject = create_subject(
            world.use_case(DCO), NewSubject(kind=kind, identifiers=identifiers, birth_date=born)
        ).id
        made.append(subject)
        _records(world, rng, subject, kind, identifiers)
    return made


def _records(
    world: World, rng: random.Random, subject: UUID, kind: str, identifiers: list[tuple[str, str]]
) -> None:
    ctx = world.use_case
    for purpose, channel in (
        ("direct_marketing", "email"),
        ("direct_marketing", "sms"),
        ("mondago_marketing", "third_party"),
    ):
        roll = rng.random()
        if (roll < 0.5 and kind != "end_user") or (roll < 0.3):
            try:
                record_consent(
                    ctx(MARKETING),
                    GiveConsent(subject, purpose, channel, ConsentMethod.WEB_FORM, "2026.1"),
                )
            except ConsentRefused:  # a kind the purpose does not concern
                continue
            if rng.random() < 0.25:
                world.clock.advance(timedelta(seconds=1))
                withdraw_consent(
                    ctx(MARKETING),
                    WithdrawConsent(subject, purpose, ConsentMethod.PORTAL, "2026.1", channel),
                )
    if kind == "customer_contact" and rng.random() < 0.4:
        record_soft_opt_in(
            ctx(MARKETING),
            RecordSoftOptIn(subject, ObtainedIn.SALE, world.clock.now().date(), "order"),
        )
    if kind == "customer_contact" and rng.random() < 0.3:
        record_corporate(ctx(MARKETING), RecordCorporate(subject, "account"))
    if rng.random() < 0.1:
        record_objection(ctx(DCO), RecordObjection(subject, ObjectionKind.DIRECT_MARKETING))
    if rng.random() < 0.1:
        scope = rng.choice([None, ["contact"], ["usage"]])
        apply_restriction(
            ctx(DCO), ApplyRestriction(subject, RestrictionGround.ACCURACY_CONTESTED, scope)
        )
    if rng.random() < 0.08:
        kind_, value = next(
            ((k, v) for k, v in identifiers if k in ("email", "phone")), (None, None)
        )
        if kind_ is not None and value is not None:
            from dataward.domain.identifiers import normalise

            ident = normalise(kind_, value)
            index = world.vault.blind_index("", kind_, ident.index_form)
            with world.uow() as uow:
                uow.suppressions.add(
                    [(suppression_digest(kind_, index), kind_)],
                    source="objection",
                    at=world.clock.now(),
                )
                uow.commit()
    if rng.random() < 0.05:
        with world.engine.begin() as connection:
            connection.execute(
                insert(erasure_holds).values(
                    subject_id=str(subject),
                    ground=rng.choice(["tax_enquiry", "legal_claims"]),
                    categories="identity,contact",
                    created_at=world.clock.now(),
                )
            )


@pytest.mark.parametrize("seed", [3, 11])
def test_the_fast_audience_gives_each_person_the_verdict_the_rules_give_one_by_one(
    world: World, fake: Faker, seed: int
) -> None:
    _population(world, fake, seed, 70)
    world.clock.advance(timedelta(minutes=5))
    gate = Gate(world.register)
    for purpose, channel, sender, product in CAMPAIGNS:
        campaign = create_campaign(
            world.use_case(MARKETING),
            CampaignDraft("x", purpose, channel, sender, "Hello.\n", product),
        )
        terms = terms_of(world.register, campaign)
        address = ADDRESS_KIND[channel]
        ctx = world.use_case(MARKETING)
        with ctx.uow:
            fast = {s: v for page in judge_audience(ctx, terms, address) for s, v in page}
            rules = Eligibility(gate, terms)
            question = rules.question(ctx.clock.now())
            subjects = ctx.uow.subjects.get_many(list(fast))
            slow: dict[str, Verdict] = {}
            for key, subject in subjects.items():
                (facts,) = marketing_facts(ctx, [subject], address)
                slow[key] = rules.judge(MARKETING, facts, question)
        assert fast == slow, (purpose, channel, product)
        kinds = set(terms.purpose.subject_kinds)
        assert len(fast) == sum(1 for s in subjects.values() if s.kind in kinds)
        assert {v.exclusion for v in fast.values()} - {None}  # some are left out, for reasons
