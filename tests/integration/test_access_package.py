"""The right of access end to end on real databases: the package, its redaction, the
single-use link, its audit, and the completion letter carrying the link."""

from __future__ import annotations

import io
import json
import re
import threading
import zipfile
from datetime import date, datetime, timedelta

import pytest
from faker import Faker

from dataward.adapters.documents.subject_export import render_export
from dataward.adapters.sql.uow import SqlUnitOfWork
from dataward.domain.calendar import bank_holidays
from dataward.domain.calls.records import StoredCall
from dataward.domain.calls.telephony import Direction, Disposition
from dataward.domain.processing.consent import ConsentMethod
from dataward.domain.processing.restrictions import RestrictionGround
from dataward.domain.requests.workflow import RequestState, RequestType
from dataward.domain.subjects import Actor
from dataward.services.processing.consent import GiveConsent, record_consent
from dataward.services.processing.restrictions import ApplyRestriction, apply_restriction
from dataward.services.rights.access import fulfil_access
from dataward.services.rights.delivery import Delivery
from dataward.services.rights.downloads import DownloadGone, DownloadNotFound, redeem_download
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.rights.requests import request_timeline
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.builders import TENANT_A
from tests.integration.test_letters import Inbox, _send, _text, smtp  # noqa: F401 - fixture
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
ADMIN_A = Actor(id="admin-a", role="tenant_admin", tenant_id=TENANT_A)
HOLIDAYS = bank_holidays()
BASE = "https://privacy.example.test"
SUPPLEMENTARY = (
    "purposes",
    "categories",
    "recipients",
    "retention",
    "rights",
    "complaint",
    "source",
    "automated_decisions",
    "transfer_safeguards",
)


def _phone(fake: Faker) -> str:
    return fake.unique.numerify("+441632960###")


def _working(world: World, actor: Actor, command: NewRequest) -> str:
    return str(world.working_request(actor, command))


def _token(url: str) -> str:
    return url.rsplit("/", 1)[1]


def _entries(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _audit(world: World, action: str) -> list[object]:
    with world.uow() as uow:
        return [e for e in uow.audit.iter_entries() if e.action == action]


def _own_subject(world: World, fake: Faker) -> tuple[str, str, str]:
    email, name = fake.unique.email(), fake.name()
    subject = create_subject(
        world.use_case(DCO),
        NewSubject(kind="end_user", identifiers=[("email", email), ("name", name)]),
    )
    record_consent(
        world.use_case(DCO),
        GiveConsent(subject.id, "direct_marketing", "email", ConsentMethod.WEB_FORM, "2026-11"),
    )
    apply_restriction(
        world.use_case(DCO),
        ApplyRestriction(subject.id, RestrictionGround.ACCURACY_CONTESTED, ["profile"]),
    )
    return str(subject.id), email, name


def test_an_access_request_of_our_own_subject_end_to_end(
    world: World,
    fake: Faker,
    smtp: tuple[Inbox, int],  # noqa: F811
) -> None:
    inbox, port = smtp
    _subject_id, email, name = _own_subject(world, fake)
    request_id = _working(
        world,
        DCO,
        NewRequest(
            type=RequestType.ACCESS,
            received=date(2026, 11, 25),
            channel="email",
            contact_email=email,
            contact_name=name,
        ),
    )
    done = fulfil_access(world.use_case(DCO), request_id, Delivery(BASE, render_export))
    package = done.package
    assert {d.name for d in package.datasets} >= {
        "subject",
        "identifiers",
        "consents",
        "restrictions",
        "objections",
        "requests",
        "audit",
        "calls",
    }
    assert email.lower() in {v for _, v in package.dataset("identifiers").rows}
    assert package.dataset("consents").rows[0][:3] == ("direct_marketing", "email", "given")
    assert package.dataset("restrictions").rows[0][1] == "profile"
    assert [r[0] for r in package.dataset("requests").rows] == [request_id]
    assert package.dataset("audit").rows  # consent, restriction, gate decisions ...
    assert "calls" in {w.item for w in package.withheld}  # processor data: the tenant's
    assert all(k in package.supplementary for k in SUPPLEMENTARY)
    assert package.supplementary["complaint"]["complaint_url"].startswith("https://ico.org.uk")
    view, _, letters = request_timeline(world.use_case(DCO), request_id)
    assert view.request.state is RequestState.COMPLETED
    assert letters[-1].letter == "completion"

    _send(world, port)
    letter = _text(next(m for m in inbox.messages if "complete" in str(m["Subject"])))
    url = re.search(r"https://\S+/downloads/\S+", letter).group(0)  # type: ignore[union-attr]
    assert url == done.link.url
    assert url.startswith(f"{BASE}/api/v1/public/downloads/")

    got = redeem_download(world.uow(), world.vault, world.clock, _token(url))
    entries = _entries(got.content)
    assert set(entries) >= {"data.json", "report.html", "identifiers.csv", "calls.csv"}
    data = json.loads(entries["data.json"])
    assert set(SUPPLEMENTARY) <= set(data["supplementary_information"])
    assert email.lower().encode() in entries["identifiers.csv"]
    with pytest.raises(DownloadGone):  # once only
        redeem_download(world.uow(), world.vault, world.clock, _token(url))
    assert len(_audit(world, "download_served")) == 1
    assert len(_audit(world, "download_refused")) == 1
    with world.engine.connect() as connection:  # the used link keeps no copy of the package
        from sqlalchemy import select

        from dataward.adapters.sql.rights.downloads import access_downloads

        row = connection.execute(select(access_downloads)).one()
        assert row.package_ciphertext is None
        assert _token(url).encode() not in row.token_hash


def _caller_with_calls(world: World, fake: Faker) -> tuple[str, str, list[str]]:
    def caller(number: str) -> str:
        made = create_subject(
            world.use_case(DCO),
            NewSubject(kind="caller", identifiers=[("phone", number)], tenant_id=TENANT_A),
        )
        return str(made.id)

    mine, others = _phone(fake), [_phone(fake), _phone(fake)]
    me = caller(mine)
    refs = [caller(n) for n in others]
    start = datetime(2026, 11, 20, 9, 0, tzinfo=world.clock.now().tzinfo)
    calls = [
        StoredCall(
            tenant_id=TENANT_A,
            source_key=bytes([n]) * 16,
            started_at=start + timedelta(hours=n),
            answered_at=start + timedelta(hours=n, seconds=5),
            ended_at=None,
            direction=Direction.OUTBOUND if n == 0 else Direction.INBOUND,
            disposition=Disposition.ANSWERED,
            queue="9000",
            wait_s=5.0,
            ring_s=None,
            talk_s=60.0,
            caller_ref=me if n == 0 else refs[1],
            callee_ref=refs[0] if n == 0 else me,
            agent_ref=None,
            caller_withheld=False,
            callee_withheld=False,
            legs=1,
            format="test",
            ingest_id=1,
        )
        for n in range(2)
    ]
    with world.uow() as uow:
        uow.calls.prepare_months([(2026, 11)])
        uow.calls.add_calls(calls)
        uow.commit()
    return me, mine, others


def test_a_callers_package_redacts_the_other_parties(world: World, fake: Faker) -> None:
    me, mine, others = _caller_with_calls(world, fake)
    request_id = _working(
        world,
        ADMIN_A,
        NewRequest(
            type=RequestType.ACCESS,
            received=date(2026, 11, 25),
            channel="email",
            tenant_id=TENANT_A,
            subject_id=me,
            contact_email="caller@example.org",
        ),  # type: ignore[arg-type]
    )
    done = fulfil_access(world.use_case(ADMIN_A), request_id, Delivery(BASE, render_export))
    calls = done.package.dataset("calls").records()
    assert len(calls) == 2
    assert {(c["caller"], c["callee"]) for c in calls} == {
        ("you", "other party (redacted)"),
        ("other party (redacted)", "you"),
    }
    assert done.package.dataset("identifiers").rows == (("phone", mine),)
    content = redeem_download(world.uow(), world.vault, world.clock, _token(done.link.url)).content
    everything = content + b"".join(_entries(content).values())
    assert mine.encode() in everything
    for number in others:  # a third party's number appears nowhere
        assert number.encode() not in everything
        assert number[1:].encode() not in everything
    for ref in (c for c in [*others]):
        assert ref.encode() not in everything


def test_an_expired_link_and_an_altered_one_refuse(world: World, fake: Faker) -> None:
    subject_id, email, _ = _own_subject(world, fake)
    request_id = _working(
        world,
        DCO,
        NewRequest(
            type=RequestType.ACCESS,
            received=date(2026, 11, 25),
            channel="post",
            subject_id=subject_id,
            contact_email="requester@example.org",
        ),  # type: ignore[arg-type]
    )
    done = fulfil_access(
        world.use_case(DCO), request_id, Delivery(BASE, render_export, timedelta(days=2))
    )
    token = _token(done.link.url)
    nonce, signature = token.split(".")
    altered = ("A" if nonce[0] != "A" else "B") + nonce[1:] + "." + signature
    with pytest.raises(DownloadNotFound):
        redeem_download(world.uow(), world.vault, world.clock, altered)
    with pytest.raises(DownloadNotFound):
        redeem_download(world.uow(), world.vault, world.clock, "not-a-token")
    world.clock.advance(timedelta(days=2, seconds=1))
    with pytest.raises(DownloadGone):
        redeem_download(world.uow(), world.vault, world.clock, token)
    refused = _audit(world, "download_refused")
    assert [e.decision for e in refused] == ["tampered", "tampered", "expired"]  # type: ignore[attr-defined]
    assert email not in json.dumps([dict(e.details) for e in refused])  # type: ignore[attr-defined]


def test_two_racing_redemptions_serve_the_package_once(world: World, fake: Faker) -> None:
    subject_id, _, _ = _own_subject(world, fake)
    request_id = _working(
        world,
        DCO,
        NewRequest(
            type=RequestType.ACCESS,
            received=date(2026, 11, 25),
            channel="post",
            subject_id=subject_id,
            contact_email="requester@example.org",
        ),  # type: ignore[arg-type]
    )
    done = fulfil_access(world.use_case(DCO), request_id, Delivery(BASE, render_export))
    token = _token(done.link.url)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def redeem() -> None:
        barrier.wait()
        try:
            redeem_download(SqlUnitOfWork(world.engine), world.vault, world.clock, token)
            outcomes.append("served")
        except DownloadGone:
            outcomes.append("gone")

    threads = [threading.Thread(target=redeem) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["gone", "gone", "gone", "served"]
    assert len(_audit(world, "download_served")) == 1


def test_a_request_not_started_is_refused_and_issues_no_link(world: World, fake: Faker) -> None:
    from dataward.domain.requests.workflow import RequestRefused

    subject_id, _, _ = _own_subject(world, fake)
    view = receive_request(
        world.use_case(DCO),
        NewRequest(
            type=RequestType.ACCESS,
            received=date(2026, 11, 25),
            channel="post",
            subject_id=subject_id,  # type: ignore[arg-type]
            contact_email="requester@example.org",
        ),
    )
    with pytest.raises(RequestRefused):
        fulfil_access(world.use_case(DCO), view.request.id, Delivery(BASE, render_export))
    assert _audit(world, "download_issued") == []


def test_a_supplementary_statement_is_part_of_the_answer(world: World, fake: Faker) -> None:
    from dataward.services.rights.rectification import Rectify, fulfil_rectification

    email = fake.email()
    subject = create_subject(
        world.use_case(DCO), NewSubject(kind="end_user", identifiers=[("email", email)])
    )
    said = "My job title changed in March; the old one was never mine."
    rectify = world.working_request(
        DCO,
        NewRequest(
            type=RequestType.RECTIFICATION,
            received=date(2026, 11, 25),
            channel="email",
            subject_id=subject.id,
            contact_email=email,
        ),
    )
    fulfil_rectification(world.use_case(DCO), rectify, Rectify(statement=said))
    access = world.working_request(
        DCO,
        NewRequest(
            type=RequestType.ACCESS,
            received=date(2026, 11, 25),
            channel="email",
            subject_id=subject.id,
            contact_email=email,
        ),
    )
    done = fulfil_access(world.use_case(DCO), access, Delivery(BASE, render_export))
    (statements,) = [d for d in done.package.datasets if d.name == "statements"]
    assert statements.rows == ((said,),)
