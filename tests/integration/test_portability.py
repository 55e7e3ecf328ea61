"""The right to data portability end to end on real databases: only data provided and held
on consent or contract is exported; the rest is named with the reason."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest
from faker import Faker

from dataward.adapters.documents.subject_export import render_export
from dataward.domain.requests.workflow import RequestRefused, RequestState, RequestType
from dataward.services.rights.delivery import Delivery
from dataward.services.rights.downloads import DownloadGone, redeem_download
from dataward.services.rights.intake import NewRequest
from dataward.services.rights.portability import fulfil_portability, portability_basis
from dataward.services.rights.requests import request_timeline
from tests.builders import TENANT_A
from tests.integration.test_access_package import (
    ADMIN_A,
    BASE,
    DCO,
    _caller_with_calls,
    _own_subject,
    _token,
    _working,
)
from tests.integration.world import World


def test_portability_of_our_own_subject_exports_consent_and_contract_data(
    world: World, fake: Faker
) -> None:
    _subject_id, email, _name = _own_subject(world, fake)
    request_id = _working(
        world,
        DCO,
        NewRequest(
            type=RequestType.PORTABILITY,
            received=date(2026, 11, 25),
            channel="email",
            contact_email=email,
        ),
    )
    done = fulfil_portability(world.use_case(DCO), request_id, Delivery(BASE, render_export))
    package = done.package
    assert email.lower() in {v for _, v in package.dataset("identifiers").rows}
    assert package.dataset("consents").rows[0][:3] == ("direct_marketing", "email", "given")
    assert any(w.item == "calls" for w in package.withheld)  # processor data: not ours to port
    bases = {b["category"]: b for b in package.supplementary["portability_basis"]}
    assert bases["contact"]["portable"] is True
    assert done.partial  # the calls part is refused, with its reason
    view, events, _ = request_timeline(world.use_case(DCO), request_id)
    assert view.request.state is RequestState.PARTIALLY_COMPLETED
    assert "refused calls" in (events[-1].reason or "")
    content = redeem_download(world.uow(), world.vault, world.clock, _token(done.link.url)).content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = set(archive.namelist())
        data = json.loads(archive.read("data.json"))
    assert {"data.json", "identifiers.csv", "consents.csv", "calls.csv"} <= names
    assert data["kind"] == "portability"
    with pytest.raises(DownloadGone):
        redeem_download(world.uow(), world.vault, world.clock, _token(done.link.url))


def test_legitimate_interests_data_is_refused_with_the_reason(world: World, fake: Faker) -> None:
    subject_id, _, _ = _own_subject(world, fake)
    with world.uow() as uow:
        subject = uow.subjects.get(subject_id)
    assert subject is not None
    technical = portability_basis(world.register, subject, "technical")
    assert not technical.qualifies
    assert "legitimate interests" in technical.basis
    assert technical.basis.endswith(": Art. 20 does not apply")
    assert portability_basis(world.register, subject, "contact").qualifies


def test_a_callers_portability_gives_the_calls_they_made_only(world: World, fake: Faker) -> None:
    me, mine, others = _caller_with_calls(world, fake)
    request_id = _working(
        world,
        ADMIN_A,
        NewRequest(
            type=RequestType.PORTABILITY,
            received=date(2026, 11, 25),
            channel="email",
            tenant_id=TENANT_A,
            subject_id=me,
            contact_email="caller@example.org",
        ),  # type: ignore[arg-type]
    )
    done = fulfil_portability(world.use_case(ADMIN_A), request_id, Delivery(BASE, render_export))
    assert len(done.package.dataset("calls").rows) == 1  # the call they made, not received
    assert done.package.dataset("identifiers").rows == (("phone", mine),)
    assert not done.partial
    content = redeem_download(world.uow(), world.vault, world.clock, _token(done.link.url)).content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        everything = b"".join(archive.read(n) for n in archive.namelist())
    for number in others:
        assert number.encode() not in everything


def test_an_access_request_is_not_fulfilled_as_portability(world: World, fake: Faker) -> None:
    subject_id, _, _ = _own_subject(world, fake)
    request_id = _working(
        world,
        DCO,
        NewRequest(
            type=RequestType.ACCESS,
            received=date(2026, 11, 25),
            channel="post",
            subject_id=subject_id,
        ),  # type: ignore[arg-type]
    )
    with pytest.raises(RequestRefused, match="not portability"):
        fulfil_portability(world.use_case(DCO), request_id, Delivery(BASE, render_export))
