"""The portal's doors without a browser: a cookie choice is taken only from this site's own
pages (its Origin, or Sec-Fetch-Site) and sets its cookie with the right flags; GPC's file;
entering a code says the same fixed words for every failure, never echoes, and is limited;
a status link that is not ours is the fixed 404, a real one shows the request's dates."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode
from uuid import UUID, uuid4

from faker import Faker
from sqlalchemy import func, select

from dataward.adapters.sql.cookie_choices import cookie_choices
from dataward.entrypoints.api.portal import CODE_TRIES_PER_HOUR
from dataward.services.rights.public_status import status_token
from tests.e2e.conftest import Api

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
OWN = "http://testserver"
HOSTILE = "<script>alert('zq9')</script>"
WRONG = "That reference and code do not work together."


def _choices(api: Api) -> int:
    with api.container.engine.connect() as connection:
        return int(
            connection.execute(select(func.count()).select_from(cookie_choices)).scalar_one()
        )


def _choose(api: Api, headers: dict[str, str], **fields: str) -> Any:
    return api.client.post(
        "/cookies",
        content=urlencode(fields).encode(),
        headers={**FORM, **headers},
        follow_redirects=False,
    )


def test_a_choice_posted_from_another_site_is_refused(api: Api) -> None:
    for headers in (
        {},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "https://evil.example", "Sec-Fetch-Site": "same-origin"},
    ):
        answer = _choose(api, headers, choice="accept", back="/")
        assert answer.status_code == 403, headers
        assert "set-cookie" not in answer.headers
    assert _choices(api) == 0


def test_a_choice_from_our_own_page_sets_a_safe_cookie_and_returns(api: Api) -> None:
    for headers in (
        {"Origin": OWN},
        {"Sec-Fetch-Site": "same-origin"},
        {"Origin": "null", "Sec-Fetch-Site": "same-origin"},  # from a no-referrer page
    ):
        answer = _choose(api, headers, choice="reject", back="/requests/new")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/requests/new"
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith("cookie_choices=")
        flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
        assert {"secure", "httponly", "path", "max-age", "samesite"} <= flags
        assert "samesite=lax" in cookie.lower()
        age = int(re.search(r"Max-Age=(\d+)", cookie).group(1))  # type: ignore[union-attr]
        assert 180 * 86400 <= age <= 185 * 86400  # the register's P6M
    assert _choices(api) == 3
    for back in ("//evil.example/x", "https://evil.example/", "/\\evil", HOSTILE):
        answer = _choose(api, {"Origin": OWN}, choice="reject", back=back)
        assert answer.headers["location"] == "/"
    refused = _choose(api, {"Origin": OWN}, choice=HOSTILE)
    assert refused.status_code == 422
    assert "zq9" not in refused.text


def test_gpc_json_says_we_honour_it(api: Api) -> None:
    answer = api.client.get("/.well-known/gpc.json")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    body = answer.json()
    assert body["gpc"] is True
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", body["lastUpdate"])


def _code(api: Api, reference: str, code: str) -> Any:
    return api.client.post(
        "/requests/verify",
        content=urlencode({"reference": reference, "code": code}).encode(),
        headers=FORM,
    )


def test_every_wrong_code_gets_the_same_words_and_the_limit_holds(api: Api, fake: Faker) -> None:
    receipt = api.client.post(
        "/requests/new",
        content=urlencode({"type": "access", "email": fake.email()}).encode(),
        headers=FORM,
    )
    reference = re.search(r"reference is <strong>([0-9a-f-]{36})", receipt.text)
    assert reference is not None
    tries = [
        (reference.group(1), "000000"),  # a real reference, no code ever sent
        ("00000000-0000-4000-8000-000000000000", "123456"),
        (HOSTILE, HOSTILE),
        ("", ""),
    ]
    for ref, code in tries:
        answer = _code(api, ref, code)
        assert answer.status_code == 422
        assert WRONG in answer.text
        assert "zq9" not in answer.text
        assert reference.group(1) not in answer.text
    for _ in range(CODE_TRIES_PER_HOUR - len(tries)):
        _code(api, reference.group(1), "000000")
    limited = _code(api, reference.group(1), "000000")
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) > 0


def test_a_status_link_not_ours_is_the_fixed_page(api: Api, fake: Faker) -> None:
    receipt = api.client.post(
        "/requests/new",
        content=urlencode({"type": "access", "email": fake.email()}).encode(),
        headers=FORM,
    )
    assert "/requests/status/" not in receipt.text  # never to whoever typed an address
    reference = re.search(r"Your reference is <strong>([0-9a-f-]{36})</strong>", receipt.text)
    assert reference is not None
    path = f"/requests/status/{status_token(api.container.vault(), reference.group(1))}"
    real = api.client.get(path)
    assert real.status_code == 200
    assert "We have received it" in real.text
    assert "We will answer it by" in real.text
    token = path.rsplit("/", 1)[1]
    hex_id, signature = token.split(".")
    other = f"{hex_id[:-1]}{'0' if hex_id[-1] != '0' else '1'}.{signature}"
    for bad in (other, hex_id, f"{hex_id}.{signature[:-1]}", "zq9" + HOSTILE.replace("/", "")):
        answer = api.client.get(f"/requests/status/{bad}")
        assert answer.status_code == 404
        assert "This link is not valid." in answer.text
        assert "zq9" not in answer.text
        assert hex_id not in answer.text


def _sealed_code(api: Api, request_id: str) -> str:
    """The code in the queued letter, opened as the outbox would open it to send it."""
    from dataward.adapters.sql.rights.requests import outbox

    with api.container.engine.connect() as connection:
        sealed = connection.execute(
            select(outbox.c.payload_ciphertext).where(
                outbox.c.request_id == request_id, outbox.c.letter == "verification_code"
            )
        ).scalar_one()
    return api.container.vault().open(request_id, sealed)


def test_a_right_code_sent_with_gpc_records_the_refusal(api: Api, fake: Faker) -> None:
    from dataward.domain.processing.consent import ConsentMethod, ConsentState
    from dataward.domain.requests.workflow import RequestEvent
    from dataward.domain.subjects import Actor
    from dataward.services.processing.consent import (
        GiveConsent,
        consent_state_for,
        record_consent,
    )
    from dataward.services.rights.requests import Step, advance
    from dataward.services.rights.verification import send_code
    from tests.builders import EVIDENCE

    dco = Actor(id="dco", role="dco")
    email = fake.email()
    subject = UUID(
        api.create("dco", {"kind": "end_user", "identifiers": [{"type": "email", "value": email}]})
    )
    record_consent(
        api.container.use_case(dco),
        GiveConsent(
            subject, "mondago_marketing", "third_party", ConsentMethod.WEB_FORM, "2026.1", "f-1"
        ),
    )
    receipt = api.client.post(
        "/requests/new",
        content=urlencode({"type": "access", "email": email}).encode(),
        headers={**FORM, "Sec-GPC": "1"},
    )
    assert "Global Privacy Control" in receipt.text
    found = re.search(r"reference is <strong>([0-9a-f-]{36})", receipt.text)
    assert found is not None
    reference = found.group(1)
    states = consent_state_for(api.container.use_case(dco), subject)
    assert states[("mondago_marketing", "third_party")] is ConsentState.GIVEN  # not on its word
    event = RequestEvent.ASK_IDENTITY
    advance(api.container.use_case(dco), reference, Step(event, reason=EVIDENCE.get(event)))
    send_code(api.container.use_case(dco), reference)
    answer = api.client.post(
        "/requests/verify",
        content=urlencode({"reference": reference, "code": _sealed_code(api, reference)}).encode(),
        headers={**FORM, "Sec-GPC": "1"},
    )
    assert answer.status_code == 200
    assert "we have recorded it as your refusal" in answer.text
    states = consent_state_for(api.container.use_case(dco), subject)
    assert states[("mondago_marketing", "third_party")] is ConsentState.WITHDRAWN


def test_gpc_is_said_on_every_page_even_after_a_choice_was_made(api: Api) -> None:
    accepted = _choose(api, {"Origin": OWN}, choice="accept", back="/")
    assert accepted.status_code == 303
    cookie = accepted.headers["set-cookie"].split(";", 1)[0]
    for path in ("/", "/requests/new", "/requests/verify", "/cookies"):
        plain = api.client.get(path, headers={"Cookie": cookie})
        assert "Global Privacy Control" not in plain.text.split("<main", 1)[0]
        signalled = api.client.get(path, headers={"Cookie": cookie, "Sec-GPC": "1"})
        assert "Your browser sends a Global Privacy Control signal" in signalled.text or (
            path == "/cookies" and "Global Privacy Control" in signalled.text
        ), path


def test_the_code_and_request_forms_refuse_a_post_a_browser_says_came_from_elsewhere(
    api: Api, fake: Faker
) -> None:
    with api.container.uow(read_only=True) as uow:
        before = uow.audit.count()
    for headers in (
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "https://sub.testserver"},
    ):
        code = api.client.post(
            "/requests/verify",
            content=urlencode({"reference": str(uuid4()), "code": "123456"}).encode(),
            headers={**FORM, **headers},
        )
        assert code.status_code == 403, headers
        asked = api.client.post(
            "/requests/new",
            content=urlencode({"type": "access", "email": fake.email()}).encode(),
            headers={**FORM, **headers},
        )
        assert asked.status_code == 403, headers
    with api.container.uow(read_only=True) as uow:
        assert uow.audit.count() == before  # nothing recorded, no code tried
    ours = api.client.post(
        "/requests/new",
        content=urlencode({"type": "access", "email": fake.email()}).encode(),
        headers={**FORM, "Origin": "null", "Sec-Fetch-Site": "same-origin"},
    )
    assert ours.status_code == 201
