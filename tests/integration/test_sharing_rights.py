"""The disclosure log answers the person's rights: their access package names the recipients
an export did send their data to (when, and which kinds), and an Art. 19 notice of a change
goes to each of them, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID, uuid4

from faker import Faker

from dataward.adapters.documents.subject_export import render_export
from dataward.domain.processing.consent import ConsentMethod
from dataward.domain.requests.workflow import RequestType
from dataward.domain.sharing.records import Disclosure, DisclosureBatch
from dataward.services.processing.consent import GiveConsent, record_consent
from dataward.services.register.recipients import recipients_to_tell
from dataward.services.rights.access import fulfil_access
from dataward.services.rights.delivery import Delivery
from dataward.services.rights.intake import NewRequest
from dataward.services.sharing.exports import ShareExport, export_to_recipient
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.builders import an_actor
from tests.integration.world import World

MARKETING = an_actor("marketing")
DCO = an_actor("dco")


def _shared_with_mondago(world: World, fake: Faker) -> UUID:
    subject = create_subject(
        world.use_case(MARKETING),
        NewSubject("marketing_contact", [("email", fake.email())], birth_date=date(1979, 2, 3)),
    )
    record_consent(
        world.use_case(MARKETING),
        GiveConsent(
            subject.id, "mondago_marketing", "third_party", ConsentMethod.WEB_FORM, "2026.1"
        ),
    )
    export_to_recipient(world.use_case(MARKETING), ShareExport("mondago", "mondago_marketing"))
    return subject.id


def test_art_19_tells_the_recipients_the_log_shows_received_the_data(
    world: World, fake: Faker
) -> None:
    shared = _shared_with_mondago(world, fake)
    with world.uow() as uow:
        assert "mondago" in recipients_to_tell(uow, world.register, shared)
        assert "mondago" in recipients_to_tell(uow, world.register, shared, categories=["contact"])
        # a change only to what never went is no news to Mondago
        assert "mondago" not in recipients_to_tell(
            uow, world.register, shared, categories=["usage"]
        )
        # a recipient only the log shows (no gate decision of its purposes) is told too
        assert "tax_authority" not in recipients_to_tell(uow, world.register, shared)
        batch = DisclosureBatch(
            uuid4(),
            "tax_authority",
            "order_delivery",
            ("contact.billing_address",),
            "csv",
            1,
            world.clock.now(),
            DCO.id,
        )
        entry = Disclosure(
            batch.id, str(shared), "tax_authority", "order_delivery", ("contact",), batch.at
        )
        uow.sharing.record(batch, [entry])
        assert "tax_authority" in recipients_to_tell(uow, world.register, shared)


def test_the_access_package_names_the_actual_recipients(world: World, fake: Faker) -> None:
    shared = _shared_with_mondago(world, fake)
    world.clock.advance(timedelta(minutes=1))
    request_id = world.working_request(
        DCO,
        NewRequest(
            type=RequestType.ACCESS,
            received=world.clock.now().date(),
            channel="post",
            subject_id=shared,
            contact_email="requester@example.org",
        ),  # type: ignore[arg-type]
    )
    done = fulfil_access(
        world.use_case(DCO),
        request_id,
        Delivery("https://privacy.example.test", render_export, timedelta(days=2)),
    )
    (row,) = done.package.dataset("disclosures").records()
    assert row["recipient"] == "Mondago Limited"
    assert row["role"] == "independent controller"
    assert row["purpose"] == "mondago_marketing"
    assert row["categories"] == "contact"
    assert row["where"] == "GB"
