"""Signing in to the console, attacked: forms without their CSRF token or from another site
are refused and change nothing; a session value planted before sign-in never works after it;
the cookies are Secure, HttpOnly and SameSite=Strict; a failure says the same whatever failed
and never repeats what was typed; pages without a session send the browser to sign in; every
page carries the security headers; signing out ends the session for good."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest

from dataward.domain.audit import AuditAction
from dataward.entrypoints.api.console.auth import SIGN_INS_PER_HOUR
from tests.e2e.conftest import Api
from tests.e2e.console_client import PASSWORD, Console, csrf_of

pytestmark = pytest.mark.usefixtures("api")
REFUSED_WORDS = "The form could not be checked"


def _set_cookies(answer: object) -> dict[str, str]:
    """Each Set-Cookie of an answer, by name, as sent (value and attributes)."""
    found = {}
    for header in answer.headers.get_list("set-cookie"):  # type: ignore[attr-defined]
        name = header.split("=", 1)[0]
        found[name] = header
    return found


def _logins(api: Api) -> int:
    with api.container.uow() as uow:
        return sum(
            1 for entry in uow.audit.iter_entries() if entry.action == AuditAction.CONSOLE_LOGIN
        )


def test_pages_without_a_session_go_to_sign_in(console: Console) -> None:
    client = console.client()
    for path in ("/console", "/console/requests", "/console/anything/at/all"):
        answer = client.get(path)
        if answer.status_code == 404:  # a path no route has: never a page of data
            continue
        assert answer.status_code == 303, path
        assert answer.headers["location"] == "/console/login"
    answer = client.post("/console/logout", data={"csrf": "x"})
    assert answer.status_code == 303


def test_the_cookies_are_secure_httponly_and_strict(console: Console) -> None:
    client = console.client()
    page = client.get("/console/login")
    form_cookie = _set_cookies(page)["dw_csrf"].lower()
    answer = client.post(
        "/console/login",
        data={"csrf": csrf_of(page.text), "email": console.emails["dco"], "password": PASSWORD},
    )
    assert answer.status_code == 303
    session_cookie = _set_cookies(answer)["dw_session"].lower()
    for cookie in (form_cookie, session_cookie):
        assert "; secure" in cookie
        assert "; httponly" in cookie
        assert "samesite=strict" in cookie
        assert "expires" not in cookie  # a session cookie: gone with the browser
        assert "max-age" not in cookie


def test_sign_in_is_refused_without_the_form_token_or_from_another_site(
    api: Api, console: Console
) -> None:
    email = console.emails["dco"]
    cases = [
        ({}, {}),  # no token at all
        ({"csrf": "not-the-token"}, {}),
        ({"csrf": "USE"}, {"Sec-Fetch-Site": "cross-site"}),
        ({"csrf": "USE"}, {"Origin": "https://attacker.example"}),
    ]
    for fields, headers in cases:
        client = console.client()
        page = client.get("/console/login")
        token = csrf_of(page.text)
        data = {"email": email, "password": PASSWORD}
        data.update({k: (token if v == "USE" else v) for k, v in fields.items()})
        answer = client.post("/console/login", data=data, headers=headers)
        assert answer.status_code == 403, (fields, headers)
        assert REFUSED_WORDS in answer.text
        assert "dw_session" not in _set_cookies(answer)
    # a token from a cookie of the attacker's own choosing is no token either
    client = console.client()
    client.cookies.set("dw_csrf", "a" * 43, domain="testserver.local")
    answer = client.post(
        "/console/login", data={"csrf": "b" * 43, "email": email, "password": PASSWORD}
    )
    assert answer.status_code == 403
    assert _logins(api) == 0


def test_a_session_value_planted_before_sign_in_never_works(console: Console) -> None:
    planted = "planted-session-value-0123456789abcdefghijk"
    client = console.client()
    page = client.get("/console/login")
    answer = client.post(
        "/console/login",
        data={"csrf": csrf_of(page.text), "email": console.emails["dco"], "password": PASSWORD},
        headers={"Cookie": f"dw_csrf={client.cookies.get('dw_csrf')}; dw_session={planted}"},
    )
    assert answer.status_code == 303
    issued = SimpleCookie(_set_cookies(answer)["dw_session"])["dw_session"].value
    assert issued != planted
    fresh = console.client()
    assert fresh.get("/console", headers={"Cookie": f"dw_session={issued}"}).status_code == 200
    assert fresh.get("/console", headers={"Cookie": f"dw_session={planted}"}).status_code == 303


def test_a_failure_says_the_same_and_repeats_nothing(console: Console) -> None:
    hostile = '<script>alert("x")</script>@example.com'
    answers = []
    for email, password in (
        (console.emails["dco"], PASSWORD + "!"),
        ("nobody@staff.example", PASSWORD),
        (hostile, hostile),
        ("\x00\u00ff" * 100, "\u0663" * 50),
        ("a" * 10_000, ""),
    ):
        client = console.client()
        page = client.get("/console/login")
        answer = client.post(
            "/console/login",
            data={"csrf": csrf_of(page.text), "email": email, "password": password},
        )
        assert answer.status_code == 401
        assert hostile not in answer.text
        assert "<script>alert" not in answer.text
        answers.append(answer.text.split("<main", 1)[1].replace(csrf_of(answer.text), ""))
    assert len(set(answers)) == 1


def test_a_body_past_the_limit_is_refused_before_it_is_read(console: Console) -> None:
    client = console.client()
    page = client.get("/console/login")
    answer = client.post(
        "/console/login",
        data={"csrf": csrf_of(page.text), "email": "x", "password": "p" * 70_000},
    )
    assert answer.status_code == 413


def test_one_address_has_its_own_limit_of_tries(console: Console) -> None:
    client = console.client()
    page = client.get("/console/login")
    token = csrf_of(page.text)
    statuses = [
        client.post(
            "/console/login", data={"csrf": token, "email": "x@staff.example", "password": "p"}
        ).status_code
        for _ in range(SIGN_INS_PER_HOUR + 1)
    ]
    assert statuses[:-1] == [401] * SIGN_INS_PER_HOUR
    assert statuses[-1] == 429


def test_signing_out_needs_the_token_and_ends_the_session(console: Console) -> None:
    client = console.signed_in("dco")
    value = client.cookies.get("dw_session")
    page = client.get("/console")
    assert page.status_code == 200
    for data, headers in (
        ({}, {}),
        ({"csrf": "wrong"}, {}),
        ({"csrf": csrf_of(page.text)}, {"Sec-Fetch-Site": "cross-site"}),
    ):
        refused = client.post("/console/logout", data=data, headers=headers)
        assert refused.status_code == 403
        assert client.get("/console").status_code == 200
    out = client.post("/console/logout", data={"csrf": csrf_of(page.text)})
    assert out.status_code == 303
    assert out.headers["location"] == "/console/login"
    again = console.client()
    again.cookies.set("dw_session", value or "")
    assert again.get("/console").status_code == 303


def test_console_pages_carry_the_security_headers(console: Console) -> None:
    client = console.signed_in("dco")
    for path in ("/console", "/console/login"):
        answer = client.get(path)
        policy = answer.headers["content-security-policy"]
        assert "script-src" not in policy
        assert "default-src 'none'" in policy
        assert "frame-ancestors 'none'" in policy
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["referrer-policy"] == "no-referrer"


def test_the_navigation_offers_only_the_role_s_sections(console: Console) -> None:
    dco = console.signed_in("dco").get("/console").text
    admin = console.signed_in("admin_a").get("/console").text
    auditor = console.signed_in("auditor").get("/console").text
    assert 'href="/console/breaches"' in dco
    assert 'href="/console/breaches"' not in admin
    assert 'href="/console/requests"' in admin
    assert 'href="/console/requests"' not in auditor
    assert "Open breaches" not in admin
    assert "The chain is intact" in auditor
    assert "The chain is intact" not in admin


def test_a_disabled_account_s_session_ends_at_once(api: Api, console: Console) -> None:
    from dataward.services.organisation.accounts import disable_account
    from tests.e2e.conftest import SETUP

    client = console.signed_in("operator")
    assert client.get("/console").status_code == 200
    register = api.container.active_register.get(api.container.uow(read_only=True)).register
    disable_account(api.container.use_case(SETUP, register), "user-operator")
    assert client.get("/console").status_code == 303


def test_a_session_cookie_is_the_only_way_in(console: Console) -> None:
    """An API token is not a console session, and a session cookie opens no API route."""
    client = console.client()
    api_like = client.get("/console", headers={"Authorization": "Bearer dw_anything"})
    assert api_like.status_code == 303
    signed = console.signed_in("dco")
    assert signed.get("/api/v1/tenants").status_code == 401


def test_cookie_parsing_of_hostile_values(console: Console) -> None:
    for value in ("", "x" * 5000, "\u0663" * 10, '"; dw_session=x', "%00"):
        client = console.client()
        cookie = SimpleCookie()
        cookie["dw_session"] = value
        header = cookie.output(header="").strip().encode("utf-8")
        answer = client.get("/console", headers={b"cookie": header})
        assert answer.status_code == 303


def test_an_answer_over_https_keeps_the_browser_to_https(console: Console) -> None:
    answer = console.client().get("/console/login")
    assert answer.headers["strict-transport-security"] == "max-age=31536000"
