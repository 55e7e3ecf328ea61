"""GET /api/v1/public/downloads/{token}: the ZIP once, then 410; 404 for unknown or altered."""

from __future__ import annotations

from datetime import timedelta

from faker import Faker

from dataward.adapters.documents.subject_export import render_export
from dataward.domain.requests.workflow import RequestEvent, RequestType
from dataward.domain.subjects import Actor
from dataward.services.rights.access import fulfil_access
from dataward.services.rights.delivery import Delivery
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.rights.requests import Step, advance
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.builders import EVIDENCE
from tests.e2e.conftest import Api

DCO = Actor(id="staff-dco", role="dco")
PATH = "/api/v1/public/downloads/"


def _link(api: Api, fake: Faker, ttl: timedelta = timedelta(days=7)) -> str:
    c = api.container
    register = c.active_register.get(c.uow(read_only=True)).register
    subject = create_subject(
        c.use_case(DCO, register),
        NewSubject(kind="end_user", identifiers=[("email", fake.email())]),
    )
    view = receive_request(
        c.use_case(DCO, register),
        NewRequest(
            type=RequestType.ACCESS,
            received=c.clock.now().date(),
            channel="post",
            subject_id=subject.id,
            contact_email=fake.email(),
        ),
    )
    for event in (RequestEvent.ASK_IDENTITY, RequestEvent.IDENTITY_VERIFIED, RequestEvent.START):
        advance(c.use_case(DCO, register), view.request.id, Step(event, reason=EVIDENCE.get(event)))
    done = fulfil_access(
        c.use_case(DCO, register),
        view.request.id,
        Delivery("https://privacy.example.test", render_export, ttl),
    )
    return done.link.url.rsplit("/", 1)[1]


def test_the_link_downloads_the_zip_once(api: Api, fake: Faker) -> None:
    token = _link(api, fake)
    for _ in range(2):  # opening the link (a person, or a mail scanner first) spends nothing
        page = api.client.get(PATH + token)
        assert page.status_code == 200
        assert f'action="{PATH}{token}"' in page.text
        assert page.headers["cache-control"] == "no-store"
    first = api.client.post(PATH + token)
    assert first.status_code == 200
    assert first.headers["content-type"] == "application/zip"
    assert first.headers["content-disposition"].startswith("attachment; filename=")
    assert first.headers["cache-control"] == "no-store"
    assert first.content[:2] == b"PK"
    again = api.client.post(PATH + token)
    assert again.status_code == 410
    assert again.json()["error"]["code"] == "download_gone"
    assert "request" not in again.json()["error"]["message"]


def test_unknown_and_altered_links_are_404(api: Api, fake: Faker) -> None:
    token = _link(api, fake)
    nonce, signature = token.split(".")
    altered = nonce + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    for bad in (altered, "nothing", "a.b"):
        response = api.client.post(PATH + bad)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "download_not_found"
    assert api.client.post(PATH + token).status_code == 200  # the real one still works


def test_every_attempt_is_audited(api: Api, fake: Faker) -> None:
    token = _link(api, fake)
    api.client.post(PATH + "nothing")
    api.client.post(PATH + token)
    api.client.post(PATH + token)
    with api.container.uow() as uow:
        actions = [e.decision for e in uow.audit.iter_entries() if e.actor == "public-download"]
    assert actions == ["tampered", "served", "used"]


def test_attempts_from_one_address_are_limited(api: Api, fake: Faker) -> None:
    from dataward.entrypoints.api.app import DOWNLOADS_PER_HOUR

    answers = [api.client.post(PATH + "nothing").status_code for _ in range(DOWNLOADS_PER_HOUR)]
    assert answers == [404] * DOWNLOADS_PER_HOUR
    limited = api.client.post(PATH + _link(api, fake))
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
