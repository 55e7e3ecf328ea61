"""Normal forms of identifiers: an e-mail address is an unquoted RFC 5322 addr-spec or it is
refused, with a reason that never repeats it."""

from __future__ import annotations

import pytest

from dataward.domain.errors import InvalidIdentifier
from dataward.domain.identifiers import IdentifierType, normalise

EMAIL = IdentifierType.EMAIL


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("A.Person@Example.ORG", "a.person@example.org"),
        ("  someone+tag@example.co.uk ", "someone+tag@example.co.uk"),
        ("o'brien@example.ie", "o'brien@example.ie"),
        ("x!#$%&*/=?^_`{|}~-y@example.org", "x!#$%&*/=?^_`{|}~-y@example.org"),
        ("jörg@bücher.example", "jörg@xn--bcher-kva.example"),
        ("someone@sub-domain.example.org", "someone@sub-domain.example.org"),
    ],
)
def test_an_unquoted_rfc_address_is_kept_in_its_normal_form(raw: str, normal: str) -> None:
    assert normalise(EMAIL, raw).value == normal


@pytest.mark.parametrize(
    "raw",
    [
        "<script>alert(1)</script>@example.org",
        "someone@example.org<script>",
        "someone@<b>example</b>.org",
        '"quoted"@example.org',
        'some"one@example.org',
        "some\\one@example.org",
        "some one@example.org",
        "someone@exam ple.org",
        "some\tone@example.org",
        "someone@example.org\r\nBcc: victim@example.org",
        "some\x00one@example.org",
        "some\x1bone@example.org",
        "some\u200bone@example.org",  # zero-width space
        "some\u202eone@example.org",  # right-to-left override
        "some\u2028one@example.org",  # line separator
        "some(comment)one@example.org",
        "some,one@example.org",
        "some;one@example.org",
        "some:one@example.org",
        "some[one]@example.org",
        "some@one@example.org",
        ".someone@example.org",
        "someone.@example.org",
        "some..one@example.org",
        "someone@[192.0.2.1]",
        "someone@example.org.",
        "someone@-example.org",
        "someone@example_host.org",
        "someone@localhost",
        "@example.org",
        "someone@",
        "someone",
        "a" * 65 + "@example.org",
        "someone@" + ("a" * 60 + ".") * 5 + "org",
    ],
)
def test_an_address_with_markup_quotes_or_control_characters_is_refused(raw: str) -> None:
    with pytest.raises(InvalidIdentifier) as refused:
        normalise(EMAIL, raw)
    message = str(refused.value)
    assert "email" in message
    assert raw.strip() not in message
    for part in ("script", "quoted", "victim", "192.0.2.1", "comment"):
        assert part not in message
