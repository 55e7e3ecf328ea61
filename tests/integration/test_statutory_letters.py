"""Letters carry their statutory content (UK GDPR Art. 12(4), 17(3), 19, 20, 21), delivered to
a real SMTP server (aiosmtpd) and read as their readers would:

- a partial completion states, item by item, what was not done, the ground in the register's
  words, until when the data is kept (an exact date, or the event still missing), and the
  rights to complain to the ICO and to a judicial remedy;
- a rectification, erasure or restriction is told to each recipient of the data through the
  outbox, in the transaction of the change, each notice naming the person by one identifier
  the recipient receives and nothing more; the person is told who was told.
"""

from __future__ import annotations

from datetime import date, timedelta
from email.message import Message
from typing import Any
from uuid import UUID

import pytest
from faker import Faker

from dataward.adapters.documents.subject_export import render_export
from dataward.adapters.mail.letters import render_letter
from dataward.adapters.mail.smtp import SmtpMailer, SmtpServer
from dataward.domain.calendar import bank_holidays
from dataward.domain.processing.consent import ConsentMethod
from dataward.domain.processing.gate import Gate
from dataward.domain.processing.litigation_holds import HoldGround
from dataward.domain.processing.restrictions import ObjectionOutcome
from dataward.domain.register.model import Register
from dataward.domain.requests.workflow import RequestState, RequestType
from dataward.domain.subjects import Actor
from dataward.services.processing.consent import GiveConsent, record_consent
from dataward.services.processing.gate import Authorize, authorize
from dataward.services.processing.holds import PlaceHold, place_hold
from dataward.services.rights.access import fulfil_access
from dataward.services.rights.delivery import Delivery
from dataward.services.rights.erasure import fulfil_erasure
from dataward.services.rights.intake import NewRequest
from dataward.services.rights.objection import CarryOutObjection, fulfil_objection
from dataward.services.rights.outbox import deliver
from dataward.services.rights.portability import fulfil_portability
from dataward.services.rights.rectification import Rectify, fulfil_rectification
from dataward.services.rights.requests import request_timeline
from dataward.services.rights.restriction import fulfil_restriction
from dataward.services.subjects.registry import DuplicateIdentifier, NewSubject, create_subject
from dataward.services.subjects.relationship import RelationshipDates, record_relationship
from tests.builders import register_with_tax_scope
from tests.integration.test_letters import Inbox, _text, smtp  # noqa: F401 - the SMTP fixture
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
MARKETING = Actor(id="staff-mkt", role="marketing")
SUPPORT = Actor(id="staff-support", role="support")
HOLIDAYS = bank_holidays()
BASE = "https://dataward.example"
MONDAGO, GROUP, PROVIDERS = "privacy@mondago.com", "group-privacy@akixi.com", "suppliers@akixi.com"
REMEDIES = (
    "https://ico.org.uk/make-a-complaint/",  # the ICO's complaint route,
    "0303 123 1113",  # its telephone,
    "Wycliffe House",  # its address,
    "judicial remedy",  # a court,
    "https://www.akixi.com/privacy/complaints",  # and our own route
)


def _send(world: World, port: int, register: Register | None = None) -> None:
    deliver(
        world.use_case(DCO, register or world.register),
        SmtpMailer(SmtpServer("127.0.0.1", port), "dco@example.org"),
        render_letter,
    )


def _customer(world: World, fake: Faker, register: Register) -> tuple[UUID, dict[str, str]]:
    """An end user with a name, a billing address, an e-mail address and a phone number,
    whose relationship with us ended on 31 March 2026."""
    values = {
        "name": fake.name(),
        "postal_address": fake.address().replace("\n", ", "),
        "email": fake.email(),
        "phone": fake.numerify("+447700900###"),
    }
    subject = create_subject(
        world.use_case(DCO, register),
        NewSubject(
            kind="end_user",
            identifiers=list(values.items()),
            relationship_start=date(2019, 4, 1),
            relationship_end=date(2026, 3, 31),
        ),
    )
    return subject.id, values


def _disclosed(world: World, register: Register, subject_id: UUID) -> None:
    """The person's contact data read for purposes Mondago (with the consent that names it),
    the group and our service providers receive: they are the recipients to tell."""
    record_consent(
        world.use_case(MARKETING, register),
        GiveConsent(
            subject_id, "mondago_marketing", "third_party", ConsentMethod.WEB_FORM, "2026.1"
        ),
    )
    for actor, purpose in ((MARKETING, "mondago_marketing"), (SUPPORT, "correspondence")):
        assert authorize(
            world.use_case(actor), Gate(register), Authorize(subject_id, "contact", purpose)
        ).allowed


def _request(world: World, kind: RequestType, subject_id: UUID, email: str, **kw: Any) -> UUID:
    return world.working_request(
        DCO,
        NewRequest(
            type=kind,
            received=date(2026, 11, 25),
            channel="email",
            subject_id=subject_id,
            contact_email=email,
            **kw,
        ),
    )


def _by_recipient(inbox: Inbox) -> dict[str, Message]:
    return {str(m["To"]): m for m in inbox.messages}


def _completion(inbox: Inbox, requester: str) -> str:
    (letter,) = [
        m
        for m in inbox.messages
        if m["To"] == requester.lower() and "complete" in str(m["Subject"])
    ]
    return _text(letter)


def _with_year_end(register: Register, year_end: str) -> Register:
    org = register.organisation.model_copy(update={"financial_year_end": year_end})
    return register.model_copy(update={"organisation": org})


# -- a partial completion says what was not done, why, until when, and the remedies ------------


def test_an_erasure_kept_for_tax_says_each_item_its_ground_its_date_and_the_remedies(
    world: World,
    fake: Faker,
    smtp: tuple[Inbox, int],  # noqa: F811 - the fixture imported above
) -> None:
    inbox, port = smtp
    register = register_with_tax_scope(_with_year_end(world.register, "03-31"))
    subject_id, values = _customer(world, fake, register)
    _disclosed(world, register, subject_id)
    request_id = _request(world, RequestType.ERASURE, subject_id, values["email"])
    fulfil_erasure(world.use_case(DCO, register), request_id, last_transaction=date(2026, 3, 31))
    _send(world, port, register)
    text = _completion(inbox, values["email"])
    assert "We have partly completed your erasure request of 25 November 2026" in text
    assert "set out separately" not in text
    # item by item: what was kept
    assert "1. We have not erased your Contact Data: Billing address." in text
    assert "2. We have not erased your Identity Data: First name and Last name." in text
    # the ground, in the register's words: the purpose that keeps it and the law behind it
    assert text.count("UK GDPR Art. 17(3)(b)") == 2
    assert register.purpose("business_compliance").activity in text
    rule = register.retention_rule("customer_records")
    flat = " ".join(text.split())
    assert f"as our privacy notice states it: {' '.join(rule.legal_reference.split())}" in flat
    # which part is law and which is policy, each with its own date: the law's six years from
    # the end of the financial year (31 March) of the last transaction; our policy's seven
    # years from the relationship's end (31 March 2026), the later, which applies
    assert (
        flat.count(
            "The law requires us to keep it, as company and tax records, for 6 years from the end "
            "of the financial year of the last transaction, until 31 March 2032; the right to "
            "erasure does not reach what a legal obligation keeps (UK GDPR Art. 17(3)(b))."
        )
        == 2
    )
    assert (
        flat.count(
            "Our company policy, not the law, keeps it for 7 years from the end of the "
            "relationship, until 31 March 2033; it is kept until the later of these dates."
        )
        == 2
    )
    assert "The law that requires it" not in flat
    assert text.count("Kept: until 31 March 2033, when it is deleted") == 2
    for remedy in REMEDIES:
        assert remedy in text, remedy
    for value in values.values():  # the letter names data, never its values
        assert value not in text


@pytest.mark.parametrize(
    ("ended", "kept"),
    [
        (date(1900, 1, 2), None),  # seven years on was 2 January 1907
        (date(2019, 11, 25), None),  # seven years on is today: the record goes today
        (date(2019, 11, 26), "Kept: until 26 November 2026, when it is deleted"),  # tomorrow
    ],
)
def test_an_erasure_whose_tax_hold_is_over_erases_everything_at_once(
    world: World,
    fake: Faker,
    smtp: tuple[Inbox, int],  # noqa: F811 - the fixture imported above
    ended: date,
    kept: str | None,
) -> None:
    inbox, port = smtp
    values = {"name": fake.name(), "postal_address": fake.address(), "email": fake.email()}
    subject = create_subject(
        world.use_case(DCO),
        NewSubject(kind="end_user", identifiers=list(values.items()), relationship_end=ended),
    )
    request_id = _request(world, RequestType.ERASURE, subject.id, values["email"])
    result = fulfil_erasure(world.use_case(DCO), request_id, last_transaction=ended)
    _send(world, port)
    text = " ".join(_completion(inbox, values["email"]).split())
    view, _, _ = request_timeline(world.use_case(DCO), request_id)
    with world.uow() as uow:
        hold = uow.holds.get(str(subject.id))
    if kept is None:  # no longer needed: nothing kept, nothing said to be
        assert result.kept is None
        assert result.key_destroyed
        assert not world.vault.has_key(str(subject.id))
        assert hold is None
        assert view.request.state is RequestState.COMPLETED
        assert "We have completed your erasure request of 25 November 2026." in text
        for words in ("partly", "Kept:", "We have not erased", "1907"):
            assert words not in text, words
    else:
        assert result.kept is not None
        assert hold is not None
        assert view.request.state is RequestState.PARTIALLY_COMPLETED
        assert kept in text


def test_an_erasure_kept_by_litigation_holds_says_each_hold_its_ground_and_until_when(
    world: World,
    fake: Faker,
    smtp: tuple[Inbox, int],  # noqa: F811 - the fixture imported above
) -> None:
    inbox, port = smtp
    subject_id, values = _customer(world, fake, world.register)
    _recorded(world, world.register, subject_id)
    reasons = {
        HoldGround.LEGAL_CLAIMS: f"Claim by {fake.name()} over invoice 4471",
        HoldGround.TAX_ENQUIRY: "HMRC compliance check CFS/2026/118",
        HoldGround.REGULATORY_INVESTIGATION: "ICO investigation INV/02291",
    }
    for n, (ground, reason) in enumerate(reasons.items()):
        place_hold(
            world.use_case(DCO),
            PlaceHold(subject_id, ground, date(2026, 12, 1 + n), reason),
        )
        world.clock.advance(timedelta(minutes=1))  # listed oldest first
    request_id = _request(world, RequestType.ERASURE, subject_id, values["email"])
    fulfil_erasure(world.use_case(DCO), request_id)
    _send(world, port)
    text = _completion(inbox, values["email"])
    flat = " ".join(text.split())
    assert "We have partly completed your erasure request of 25 November 2026" in flat
    assert "What we did not do, and why: held" not in flat
    everything = (
        "We have not erased any of your personal data: your Contact Data and Identity Data, "
        "and every record that refers to you."
    )
    assert flat.count(everything) == 3  # one item per hold
    assert (
        f"1. {everything} Why: It is needed to establish, exercise or defend legal claims, and "
        "the right to erasure does not reach what is needed for that (UK GDPR Art. 17(3)(e)). "
        "We keep it for this purpose: "
        f"{world.register.purpose('legal_claims').activity} "
        "Kept: until the hold is lifted; next reviewed by 1 December 2026"
    ) in flat
    compliance = world.register.purpose("business_compliance").activity
    assert (
        f"2. {everything} Why: The law requires us to keep it while a tax enquiry that needs it "
        "is open, and the right to erasure does not reach what a legal obligation keeps (UK "
        f"GDPR Art. 17(3)(b)). We keep it for this purpose: {compliance} "
        "Kept: until the hold is lifted; next reviewed by 2 December 2026"
    ) in flat
    assert (
        f"3. {everything} Why: The law requires us to keep it while a regulatory investigation "
        "that needs it is open, and the right to erasure does not reach what a legal "
        "obligation keeps (UK GDPR Art. 17(3)(b)). "
        "Kept: until the hold is lifted; next reviewed by 3 December 2026"
    ) in flat
    # and what the tax rule will still keep after the holds, with the law's and the policy's
    # dates
    still = "Once every hold above is lifted, we will still keep your"
    assert f"4. {still} Contact Data: Billing address." in flat
    assert flat.count("Kept: until 31 March 2033, when it is deleted") == 2
    for remedy in REMEDIES:
        assert remedy in text, remedy
    for secret in (*reasons.values(), *values.values()):  # sealed reasons, and no values
        assert secret not in text
    assert "4471" not in text


def test_an_overridden_objection_says_what_goes_on_why_and_which_event_is_missing(
    world: World,
    fake: Faker,
    smtp: tuple[Inbox, int],  # noqa: F811 - the fixture imported above
) -> None:
    inbox, port = smtp
    subject_id, values = _customer(world, fake, world.register)
    target = "legitimate_interests:relationship_feedback"
    request_id = _request(world, RequestType.OBJECTION, subject_id, values["email"], scope=target)
    done = fulfil_objection(
        world.use_case(DCO),
        request_id,
        CarryOutObjection(
            "2026.1",
            target=target,
            outcome=ObjectionOutcome.COMPELLING_GROUNDS,
            reasoning="The survey answers you gave are part of an open warranty claim.",
        ),
    )
    assert done.partial
    _send(world, port)
    text = " ".join(_completion(inbox, values["email"]).split())
    purpose = world.register.purpose("relationship_feedback")
    assert f"1. We have not stopped using your data for this purpose: {purpose.activity}" in text
    assert "compelling legitimate grounds" in text
    assert "UK GDPR Art. 21(1)" in text
    assert f"as our privacy notice states it: {purpose.legitimate_interest}" in text
    assert "part of an open warranty claim" in text  # the DCO's reasons
    # customer records: 7 years from the relationship's end (known), and 6 years from the end
    # of the financial year of the last transaction (not known): no date is guessed
    assert "Kept: for 7 years from the end of the relationship, or 6 years" in text
    assert (
        "no date can be set yet, because it runs from the end of the financial year of the "
        "last transaction, which has not happened yet or is not known to us"
    ) in text
    for remedy in REMEDIES:
        assert remedy in text, remedy


def test_a_portability_that_leaves_data_out_says_each_item_and_why(
    world: World,
    fake: Faker,
    smtp: tuple[Inbox, int],  # noqa: F811 - the fixture imported above
) -> None:
    inbox, port = smtp
    subject_id, values = _customer(world, fake, world.register)
    request_id = _request(world, RequestType.PORTABILITY, subject_id, values["email"])
    done = fulfil_portability(world.use_case(DCO), request_id, Delivery(BASE, render_export))
    assert done.partial  # call data of ours is held for our customers, as their processor
    _send(world, port)
    text = " ".join(_completion(inbox, values["email"]).split())
    assert "1. Not in the copy we sent you: your calls (Telephony Activity Data)." in text
    assert "UK GDPR Art. 20(1)" in text
    assert "held for a customer organisation as its processor" in text
    assert "Kept: for as the customer's contract instructs; where it is silent, 13 months" in text
    assert "each record counted from its own date" in text
    assert BASE in text  # the link to what was given
    for remedy in REMEDIES:
        assert remedy in text, remedy


def _recorded(world: World, register: Register, subject_id: UUID) -> None:
    """As `dataward subjects relationship ID --ended 2026-03-31 --last-transaction 2026-03-15`."""
    record_relationship(
        world.use_case(DCO, register),
        subject_id,
        RelationshipDates(ended=date(2026, 3, 31), last_transaction=date(2026, 3, 15)),
    )


# 7 years from the relationship's end (31 March 2026) is 31 March 2033; 6 years from the end of
# the financial year (to 31 December) of the last transaction (15 March 2026) is 31 December
# 2032: the later applies
RECORDED_UNTIL = "Kept: until 31 March 2033, when it is deleted"


def test_an_overridden_objection_is_dated_from_the_recorded_last_transaction(
    world: World,
    fake: Faker,
    smtp: tuple[Inbox, int],  # noqa: F811 - the fixture imported above
) -> None:
    inbox, port = smtp
    subject_id, values = _customer(world, fake, world.register)
    _recorded(world, world.register, subject_id)
    target = "legitimate_interests:debt_recovery"
    request_id = _request(world, RequestType.OBJECTION, subject_id, values["email"], scope=target)
    fulfil_objection(
        world.use_case(DCO),
        request_id,
        CarryOutObjection(
            "2026.1",
            target=target,
            outcome=ObjectionOutcome.COMPELLING_GROUNDS,
            reasoning="An unpaid invoice is being recovered through the courts.",
        ),
    )
    _send(world, port)
    text = " ".join(_completion(inbox, values["email"]).split())
    assert world.register.purpose("debt_recovery").activity in text
    assert RECORDED_UNTIL in text
    assert "no date can be set yet" not in text
    assert "not known to us" not in text


def test_data_left_out_of_a_portable_copy_is_dated_from_the_recorded_last_transaction(
    world: World,
    fake: Faker,
    smtp: tuple[Inbox, int],  # noqa: F811 - the fixture imported above
) -> None:
    inbox, port = smtp
    # names are not given by the person here: Art. 20 leaves them out, and customer records
    # keep them
    categories = [
        c.model_copy(update={"provided_by_subject": False}) if c.key == "identity" else c
        for c in world.register.categories
    ]
    register = world.register.model_copy(update={"categories": categories})
    subject_id, values = _customer(world, fake, register)
    _recorded(world, register, subject_id)
    request_id = _request(world, RequestType.PORTABILITY, subject_id, values["email"])
    fulfil_portability(world.use_case(DCO, register), request_id, Delivery(BASE, render_export))
    _send(world, port, register)
    text = " ".join(_completion(inbox, values["email"]).split())
    item = text.split("Not in the copy we sent you: your name (Identity Data).", 1)[1]
    item = item.split(" 2. ", 1)[0]  # up to the next item
    assert "not provided by you: Art. 20 does not apply" in item
    assert item.endswith(RECORDED_UNTIL)
    assert "the last transaction, which has not happened yet" not in text


# -- Art. 19: each recipient told, by the one identifier it knows, with the change -------------


def _notices(inbox: Inbox) -> dict[str, str]:
    return {
        str(m["To"]): _text(m)
        for m in inbox.messages
        if str(m["Subject"]).startswith("Personal data we disclosed to you")
    }


def test_an_erasure_is_told_to_each_recipient_and_the_person_is_told_who(
    world: World,
    fake: Faker,
    smtp: tuple[Inbox, int],  # noqa: F811 - the fixture imported above
) -> None:
    inbox, port = smtp
    register = register_with_tax_scope(_with_year_end(world.register, "03-31"))
    subject_id, values = _customer(world, fake, register)
    _disclosed(world, register, subject_id)
    request_id = _request(world, RequestType.ERASURE, subject_id, values["email"])
    result = fulfil_erasure(
        world.use_case(DCO, register), request_id, last_transaction=date(2026, 3, 31)
    )
    assert result.recipients == ["group_companies", "mondago", "service_providers"]
    assert result.recipients_told == ("group_companies", "mondago", "service_providers")
    _send(world, port, register)
    notices = _notices(inbox)
    assert set(notices) == {GROUP, MONDAGO, PROVIDERS}  # each at its register contact
    for address, body in notices.items():
        assert "erased their personal data, but for the records the law requires us to keep" in body
        assert "UK GDPR Article 19" in body
        assert str(request_id) in body
        # found by the one identifier each receives (all three receive e-mail addresses)
        assert f"The person: email {values['email']}" in body, address
        for kind in ("name", "postal_address", "phone"):  # and nothing more of them
            assert values[kind] not in body, (address, kind)
    assert "Mondago Limited" not in notices[GROUP]  # nor who else was told
    text = " ".join(_completion(inbox, values["email"]).split())
    assert (
        "We have told those to whom we had disclosed your data of the erasure, as the law "
        "requires (UK GDPR Article 19): Akixi Group companies; Mondago Limited; Service providers."
    ) in text


def test_a_rectification_tells_each_recipient_the_corrected_value_it_receives(
    world: World,
    fake: Faker,
    smtp: tuple[Inbox, int],  # noqa: F811 - the fixture imported above
) -> None:
    inbox, port = smtp
    subject_id, values = _customer(world, fake, world.register)
    _disclosed(world, world.register, subject_id)
    request_id = _request(world, RequestType.RECTIFICATION, subject_id, values["email"])
    new_email, new_phone = fake.email(), "+447700900999"
    result = fulfil_rectification(
        world.use_case(DCO),
        request_id,
        Rectify(corrections=[("email", new_email), ("phone", new_phone)]),
    )
    assert set(result.recipients_told) == {"group_companies", "mondago", "service_providers"}
    _send(world, port)
    notices = _notices(inbox)
    mondago = notices[MONDAGO]
    assert f"The person: email {values['email']}" in mondago  # as Mondago knows them
    assert f"email: {new_email}" in mondago  # what to correct it to
    assert f"phone: {new_phone}" in mondago  # Mondago receives telephone numbers too
    for kind in ("name", "postal_address", "phone"):
        assert values[kind] not in mondago, kind
    text = " ".join(_completion(inbox, values["email"]).split())
    assert "Akixi Group companies; Mondago Limited; Service providers." in text
    # the person is told who the recipients were in their access package too
    access = _request(world, RequestType.ACCESS, subject_id, new_email)
    package = fulfil_access(world.use_case(DCO), access, Delivery(BASE, render_export)).package
    told = package.dataset("recipients_told").rows
    assert {(row[0], row[1], row[2]) for row in told} == {
        (str(request_id), "rectification", name)
        for name in ("Akixi Group companies", "Mondago Limited", "Service providers")
    }


def test_a_notice_is_queued_in_the_transaction_of_the_change_or_not_at_all(
    world: World, fake: Faker
) -> None:
    subject_id, values = _customer(world, fake, world.register)
    _disclosed(world, world.register, subject_id)
    taken = fake.email()
    create_subject(world.use_case(DCO), NewSubject(kind="end_user", identifiers=[("email", taken)]))
    request_id = _request(world, RequestType.RECTIFICATION, subject_id, values["email"])
    with pytest.raises(DuplicateIdentifier):  # refused inside the change's transaction
        fulfil_rectification(
            world.use_case(DCO), request_id, Rectify(corrections=[("email", taken)])
        )
    _, _, letters = request_timeline(world.use_case(DCO), request_id)
    assert "recipient_notice" not in {x.letter for x in letters}  # no notice of no change
    fulfil_rectification(
        world.use_case(DCO), request_id, Rectify(corrections=[("email", fake.email())])
    )
    view, _, letters = request_timeline(world.use_case(DCO), request_id)
    assert view.request.state is RequestState.COMPLETED
    assert [x.letter for x in letters].count("recipient_notice") == 3


def test_a_restriction_is_told_to_each_recipient(
    world: World,
    fake: Faker,
    smtp: tuple[Inbox, int],  # noqa: F811 - the fixture imported above
) -> None:
    inbox, port = smtp
    subject_id, values = _customer(world, fake, world.register)
    _disclosed(world, world.register, subject_id)
    request_id = _request(
        world, RequestType.RESTRICTION, subject_id, values["email"], scope="accuracy_contested"
    )
    fulfil_restriction(world.use_case(DCO), request_id)
    view, _, _ = request_timeline(world.use_case(DCO), request_id)
    assert view.outcome is not None
    assert view.outcome["recipients_told"] == ["group_companies", "mondago", "service_providers"]
    _send(world, port)
    notices = _notices(inbox)
    assert set(notices) == {GROUP, MONDAGO, PROVIDERS}
    for body in notices.values():
        assert "restricted the processing of their personal data" in body
        assert f"The person: email {values['email']}" in body
        assert values["name"] not in body
    text = " ".join(_completion(inbox, values["email"]).split())
    assert "of the restriction, as the law requires (UK GDPR Article 19)" in text


def test_a_recipient_without_a_contact_is_listed_not_told(world: World, fake: Faker) -> None:
    register = register_with_tax_scope(world.register)
    subject_id, values = _customer(world, fake, register)
    assert authorize(
        world.use_case(DCO),
        Gate(register),
        Authorize(subject_id, "identity", "business_compliance"),
    ).allowed
    assert register.recipient("tax_authority").contact is None
    request_id = _request(world, RequestType.RECTIFICATION, subject_id, values["email"])
    result = fulfil_rectification(
        world.use_case(DCO, register), request_id, Rectify(corrections=[("name", fake.name())])
    )
    assert "tax_authority" in result.recipients
    assert result.recipients_not_told == ["tax_authority"]
    assert "tax_authority" not in result.recipients_told
    _, _, letters = request_timeline(world.use_case(DCO, register), request_id)
    assert [x.letter for x in letters].count("recipient_notice") == len(result.recipients_told)
