"""Marketing under PECR on real databases and a real SMTP server: a campaign reaches exactly
the people its rules allow, lists the rest with one reason each, every message carries its
sender, an unsubscribe link and both RFC 8058 headers, and a one-click unsubscribe stops the
next campaign to that person and nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit
from uuid import UUID

import pytest
from faker import Faker

from dataward.adapters.mail.smtp import SmtpMailer, SmtpServer
from dataward.domain.errors import AccessDenied, InvalidValue
from dataward.domain.marketing.campaign import CampaignDraft
from dataward.domain.marketing.eligibility import Basis, Exclusion, ObtainedIn
from dataward.domain.outreach import MessageKind
from dataward.domain.processing.consent import ConsentMethod
from dataward.domain.processing.gate import Gate
from dataward.domain.processing.restrictions import ObjectionKind, RestrictionGround
from dataward.domain.processing.suppression import suppression_digest
from dataward.domain.subjects import Actor
from dataward.services.marketing.audience import resolve_audience
from dataward.services.marketing.bases import (
    RecordCorporate,
    RecordSoftOptIn,
    record_corporate,
    record_soft_opt_in,
)
from dataward.services.marketing.campaigns import create_campaign
from dataward.services.marketing.messages import marketing_maker
from dataward.services.marketing.sending import CampaignAlreadySent, send_campaign
from dataward.services.marketing.unsubscribe import unsubscribe
from dataward.services.outreach.outbox import deliver_messages
from dataward.services.processing.consent import (
    GiveConsent,
    WithdrawConsent,
    consent_state,
    record_consent,
    withdraw_consent,
)
from dataward.services.processing.gate import Authorize, authorize
from dataward.services.processing.objections import RecordObjection, record_objection
from dataward.services.processing.restrictions import ApplyRestriction, apply_restriction
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.builders import an_actor
from tests.integration.world import World
from tests.support.smtp_inbox import Inbox, body, smtp_server

MARKETING = an_actor("marketing")
DCO = Actor(id="staff-dco", role="dco")
PUBLIC = "https://privacy.example.com"
NEWS = "Subject: What is new in call reporting\n\nHello,\nOur reports now show queues by hour.\n"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    yield from smtp_server()


@dataclass
class Person:
    id: UUID
    email: str


def _person(world: World, fake: Faker, kind: str = "marketing_contact", **kw: object) -> Person:
    email = fake.unique.email()
    made = create_subject(
        world.use_case(DCO),
        NewSubject(kind=kind, identifiers=[("email", email)], **kw),  # type: ignore[arg-type]
    )
    return Person(made.id, email)


def _consent(
    world: World, who: Person, purpose: str = "direct_marketing", channel: str = "email"
) -> None:
    record_consent(
        world.use_case(MARKETING),
        GiveConsent(who.id, purpose, channel, ConsentMethod.WEB_FORM, "2026.1", "form-1"),
    )


@dataclass(frozen=True)
class Terms:
    purpose: str = "direct_marketing"
    sender: str = "akixi"
    channel: str = "email"
    product: str | None = "call_reporting"


AKIXI = Terms()
MONDAGO = Terms("mondago_marketing", "mondago", "email", None)


def _campaign(world: World, terms: Terms = AKIXI) -> UUID:
    draft = CampaignDraft(
        "Autumn news", terms.purpose, terms.channel, terms.sender, NEWS, terms.product
    )
    return create_campaign(world.use_case(MARKETING), draft).id


@dataclass
class Cast:
    consented: Person
    unasked: Person
    withdrawn: Person
    objected: Person
    suppressed: Person
    restricted: Person
    child: Person
    soft: Person
    corporate: Person


def _cast(world: World, fake: Faker) -> Cast:
    cast = Cast(
        consented=_person(world, fake),
        unasked=_person(world, fake),
        withdrawn=_person(world, fake),
        objected=_person(world, fake),
        suppressed=_person(world, fake, "customer_contact"),
        restricted=_person(world, fake),
        child=_person(world, fake, birth_date=_years_ago(world, 10)),
        soft=_person(world, fake, "customer_contact"),
        corporate=_person(world, fake, "customer_contact"),
    )
    for who in (cast.consented, cast.withdrawn, cast.objected, cast.restricted, cast.child):
        _consent(world, who)
    withdraw_consent(
        world.use_case(MARKETING),
        WithdrawConsent(cast.withdrawn.id, "direct_marketing", ConsentMethod.EMAIL_LINK, "2026.1"),
    )
    record_objection(
        world.use_case(DCO), RecordObjection(cast.objected.id, ObjectionKind.DIRECT_MARKETING)
    )
    apply_restriction(
        world.use_case(DCO),
        ApplyRestriction(cast.restricted.id, RestrictionGround.ACCURACY_CONTESTED),
    )
    today = world.clock.now().date()
    for who in (cast.soft, cast.suppressed):
        record_soft_opt_in(
            world.use_case(MARKETING),
            RecordSoftOptIn(who.id, ObtainedIn.SALE, today, "order-1 (opt-out box offered)"),
        )
    record_corporate(world.use_case(MARKETING), RecordCorporate(cast.corporate.id, "account-7"))
    index = world.vault.blind_index("", "email", cast.suppressed.email.lower())
    with world.uow() as uow:  # an address the DCO put on the list after its owner's objection
        uow.suppressions.add(
            [(suppression_digest("email", index), "email")],
            source="objection",
            at=world.clock.now(),
        )
        uow.commit()
    return cast


def _years_ago(world: World, years: int) -> date:
    today = world.clock.now().date()
    return today.replace(year=today.year - years, day=min(today.day, 28))


def _deliver(world: World, port: int) -> None:
    mailer = SmtpMailer(SmtpServer("127.0.0.1", port), "dco@akixi.com")
    result = deliver_messages(
        world.use_case(DCO), {"email": mailer}, {MessageKind.MARKETING: marketing_maker(PUBLIC)}
    )
    assert result.failed == 0


def test_a_campaign_reaches_exactly_whom_the_rules_allow_with_reasons_for_the_rest(
    world: World, fake: Faker, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    cast = _cast(world, fake)
    campaign = _campaign(world)

    audience = resolve_audience(world.use_case(MARKETING), campaign)

    assert dict(audience.included) == {
        str(cast.consented.id): Basis.CONSENT,
        str(cast.soft.id): Basis.SOFT_OPT_IN,
        str(cast.corporate.id): Basis.CORPORATE_SUBSCRIBER,
    }
    assert dict(audience.excluded) == {
        str(cast.unasked.id): Exclusion.NO_CONSENT,
        str(cast.withdrawn.id): Exclusion.CONSENT_WITHDRAWN,
        str(cast.objected.id): Exclusion.OBJECTION,
        str(cast.suppressed.id): Exclusion.SUPPRESSED,
        str(cast.restricted.id): Exclusion.RESTRICTED,
        str(cast.child.id): Exclusion.CHILD,
    }

    sent = send_campaign(world.use_case(MARKETING), campaign)
    assert sent.queued == 3
    with pytest.raises(CampaignAlreadySent):
        send_campaign(world.use_case(MARKETING), campaign)
    _deliver(world, port)

    allowed = {cast.consented.email, cast.soft.email, cast.corporate.email}
    assert sorted(inbox.recipients) == sorted(allowed)
    for message in inbox.messages:
        assert str(message["From"]) == "Akixi <marketing@akixi.com>"
        assert str(message["Subject"]) == "What is new in call reporting"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        link, mailto = (p.strip().strip("<>") for p in str(message["List-Unsubscribe"]).split(","))
        assert link.startswith(f"{PUBLIC}/u/")
        assert mailto.startswith("mailto:marketing@akixi.com")
        text = body(message)
        assert link in text
        assert "Akixi Limited" in text
        assert "Our reports now show queues by hour." in text
    links = {
        str(m["To"]): str(m["List-Unsubscribe"]).split(",")[0].strip("<> ") for m in inbox.messages
    }
    assert len(set(links.values())) == 3  # a token of each person's own


def test_one_click_unsubscribe_stops_the_next_campaign_and_nothing_else(
    world: World, fake: Faker, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    keen, other = _person(world, fake, "customer_contact"), _person(world, fake)
    for who in (keen, other):
        _consent(world, who)
        _consent(world, who, "mondago_marketing", "third_party")
    send_campaign(world.use_case(MARKETING), _campaign(world))
    _deliver(world, port)
    [mine] = inbox.to(keen.email)
    token = urlsplit(str(mine["List-Unsubscribe"]).split(",")[0].strip("<> ")).path.split("/u/")[1]

    done = unsubscribe(world.use_case(DCO), token)
    again = unsubscribe(world.use_case(DCO), token)

    assert done.objected
    assert done.withdrawn == 2  # Akixi's e-mail consent and Mondago's: the objection stops both
    assert done.suppressed == 1
    assert (again.objected, again.withdrawn, again.suppressed) == (False, 0, 0)  # idempotent
    state = consent_state(world.uow(), world.clock, keen.id)
    assert state[("direct_marketing", "email")].value == "withdrawn"
    world.clock.advance(timedelta(minutes=1))
    for terms in (AKIXI, MONDAGO):  # an objection to direct marketing stops both companies'
        audience = resolve_audience(world.use_case(MARKETING), _campaign(world, terms))
        assert dict(audience.excluded)[str(keen.id)] is Exclusion.OBJECTION
        assert str(other.id) in dict(audience.included)
    # opting out of marketing changes nothing else: the relationship and its letters go on
    for purpose in ("relationship_management", "correspondence"):
        still = authorize(
            world.use_case(an_actor("support")),
            Gate(world.register),
            Authorize(keen.id, "contact", purpose),
        )
        assert still.allowed, purpose


def test_mondagos_marketing_needs_consent_naming_it_and_post_rests_on_our_interests(
    world: World, fake: Faker
) -> None:
    ours_only, named, soft = (
        _person(world, fake),
        _person(world, fake),
        _person(world, fake, "customer_contact"),
    )
    _consent(world, ours_only)
    _consent(world, named, "mondago_marketing", "third_party")
    record_soft_opt_in(
        world.use_case(MARKETING),
        RecordSoftOptIn(soft.id, ObtainedIn.NEGOTIATION, world.clock.now().date(), "quote-9"),
    )
    letters = create_subject(
        world.use_case(DCO),
        NewSubject(kind="marketing_contact", identifiers=[("postal_address", fake.address())]),
    )

    mondago = dict(resolve_audience(world.use_case(MARKETING), _campaign(world, MONDAGO)).excluded)
    assert mondago[str(ours_only.id)] is Exclusion.NO_CONSENT
    assert mondago[str(soft.id)] is Exclusion.SOFT_OPT_IN_NOT_VALID  # the soft opt-in is ours alone
    assert str(named.id) not in mondago

    no_product = Terms(product=None)
    general = dict(
        resolve_audience(world.use_case(MARKETING), _campaign(world, no_product)).excluded
    )
    assert general[str(soft.id)] is Exclusion.SOFT_OPT_IN_NOT_VALID  # only for similar products

    by_post = resolve_audience(world.use_case(MARKETING), _campaign(world, Terms(channel="post")))
    assert dict(by_post.included) == {str(letters.id): Basis.LEGITIMATE_INTERESTS}
    assert dict(by_post.excluded)[str(ours_only.id)] is Exclusion.NO_ADDRESS
    mondago_post = Terms("mondago_marketing", "mondago", "post", None)
    by_mondago_post = resolve_audience(world.use_case(MARKETING), _campaign(world, mondago_post))
    assert dict(by_mondago_post.excluded)[str(letters.id)] is Exclusion.NO_CONSENT


def test_only_a_role_that_may_market_makes_or_reads_a_campaign(world: World) -> None:
    campaign = _campaign(world)
    for role in ("operator", "support", "auditor"):
        with pytest.raises(AccessDenied):
            resolve_audience(world.use_case(an_actor(role)), campaign)
        with pytest.raises(AccessDenied):
            create_campaign(
                world.use_case(an_actor(role)),
                CampaignDraft("x", "direct_marketing", "email", "akixi", NEWS, None),
            )
    with pytest.raises(InvalidValue):  # Mondago does not send Akixi's marketing
        create_campaign(
            world.use_case(MARKETING),
            CampaignDraft("x", "direct_marketing", "email", "mondago", NEWS, None),
        )


def test_the_preferences_link_shows_and_stops_marketing_sent_without_consent(
    world: World, fake: Faker
) -> None:
    from dataward.domain.marketing.tokens import Unsubscriber
    from dataward.services.marketing.messages import unsubscribe_url
    from dataward.services.marketing.preferences import change_preferences, preferences_of

    customer = _person(world, fake, "customer_contact")
    record_soft_opt_in(
        world.use_case(MARKETING),
        RecordSoftOptIn(customer.id, ObtainedIn.SALE, world.clock.now().date(), "order-5"),
    )
    link = unsubscribe_url(world.use_case(DCO), PUBLIC, Unsubscriber(customer.id, "akixi"))
    token = link.rsplit("/u/", 1)[1]
    shown = {(c.purpose, c.channel): c for c in preferences_of(world.use_case(DCO), token).choices}
    email = shown[("direct_marketing", "email")]
    assert (email.state, email.without_consent, email.on) == ("not_given", "soft_opt_in", True)
    assert shown[("mondago_marketing", "third_party")].on is False

    changed = change_preferences(world.use_case(DCO), token, dict.fromkeys(shown, False))

    assert changed == 1  # the one choice that was on: the soft opt-in's e-mail
    world.clock.advance(timedelta(minutes=1))
    audience = resolve_audience(world.use_case(MARKETING), _campaign(world))
    assert dict(audience.excluded)[str(customer.id)] is Exclusion.CONSENT_WITHDRAWN
    again = {(c.purpose, c.channel): c for c in preferences_of(world.use_case(DCO), token).choices}
    assert again[("direct_marketing", "email")].on is False


def test_the_access_package_says_what_marketing_was_sent_and_on_what(
    world: World, fake: Faker
) -> None:
    from dataward.domain.requests.workflow import RequestType
    from dataward.services.rights.access import collect_access_package
    from dataward.services.rights.intake import NewRequest

    customer = _person(world, fake, "customer_contact")
    record_soft_opt_in(
        world.use_case(MARKETING),
        RecordSoftOptIn(customer.id, ObtainedIn.NEGOTIATION, world.clock.now().date(), "quote-3"),
    )
    send_campaign(world.use_case(MARKETING), _campaign(world))
    request_id = world.working_request(
        DCO,
        NewRequest(
            type=RequestType.ACCESS,
            received=world.clock.now().date(),
            channel="email",
            subject_id=customer.id,
            contact_email=customer.email,
        ),
    )
    with world.uow() as uow:
        found = uow.requests.get(request_id)
    assert found is not None

    package = collect_access_package(world.use_case(DCO), found[0], customer.id)

    datasets = {d.name: d for d in package.datasets}
    [sent] = datasets["marketing"].rows
    assert (sent[1], sent[2], sent[3], sent[4]) == (
        "Akixi", "email", "What is new in call reporting", "soft opt in",
    )  # fmt: skip
    [basis] = datasets["marketing_bases"].rows
    assert (basis[0], basis[2], basis[4]) == ("soft opt in", "negotiation", "quote-3")
