"""Normal forms of identifiers, refused with a reason that never repeats them: an e-mail address
is an unquoted RFC 5322 addr-spec, kept with its mailbox as typed and its domain in the ASCII
form IDNA 2008 gives, and only its blind index ignores case; a phone number is ASCII digits,
`+` and separators only, so nothing else becomes a digit (letters, other scripts' digits) and
nothing is silently dropped (an extension)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataward.domain.calls.parties import agent_id_from_interface, looks_like_extension
from dataward.domain.errors import InvalidIdentifier
from dataward.domain.identifiers import IdentifierType, normalise, normalise_phone

EMAIL = IdentifierType.EMAIL
MOBILE = "+447700900123"  # Ofcom's drama range
FULL_WIDTH = {ord(digit): 0xFF10 + int(digit) for digit in "0123456789"}


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("A.Person@Example.ORG", "A.Person@example.org"),
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
    ("raw", "normal", "index"),
    [
        ("ß@example.com", "ß@example.com", "ß@example.com"),  # not ss@
        ("user@faß.de", "user@xn--fa-hia.de", "user@xn--fa-hia.de"),  # not fass.de
        ("Straße@FAß.example", "Straße@xn--fa-hia.example", "straße@xn--fa-hia.example"),
        ("ẞ@example.com", "ẞ@example.com", "ß@example.com"),  # capital sharp s, by case only
        ("\u017f@example.com", "\u017f@example.com", "\u017f@example.com"),  # long s: not s@
        ("ΟΔΟΣ@example.gr", "ΟΔΟΣ@example.gr", "οδος@example.gr"),
        ("jo" + "e\u0301" + "@example.org", "jo\u00e9@example.org", "jo\u00e9@example.org"),
        ("Ann@Bücher.Example", "Ann@xn--bcher-kva.example", "ann@xn--bcher-kva.example"),
    ],
)
def test_an_address_keeps_its_mailbox_and_only_its_index_ignores_case(
    raw: str, normal: str, index: str
) -> None:
    identifier = normalise(EMAIL, raw)
    assert identifier.value == normal
    assert identifier.index_form == index


def test_addresses_that_differ_by_more_than_case_are_indexed_apart() -> None:
    pairs = [
        ("ß@example.com", "ss@example.com"),
        ("user@faß.de", "user@fass.de"),
        ("\u017f@example.com", "s@example.com"),  # long s
    ]
    for one, other in pairs:
        assert normalise(EMAIL, one).index_form != normalise(EMAIL, other).index_form


def _index_before_unicode_mailboxes(raw: str) -> str:
    """The normal form every e-mail blind index was made from until addresses kept their
    mailbox: NFKC, the part before @ case-folded, the domain under IDNA 2003."""
    text = unicodedata.normalize("NFKC", raw).strip()
    local, _, domain = text.rpartition("@")
    return f"{local.casefold()}@{domain.encode('idna').decode('ascii').casefold()}"


_ATOM = st.text(
    alphabet=st.sampled_from(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-"
    ),
    min_size=1,
    max_size=12,
)
_LABEL = st.from_regex(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,10}[A-Za-z0-9])?", fullmatch=True)


@given(
    local=st.lists(_ATOM, min_size=1, max_size=4).map(".".join),
    labels=st.lists(_LABEL, min_size=2, max_size=4),
)
def test_the_index_of_an_ascii_address_is_what_it_always_was(local: str, labels: list[str]) -> None:
    """Subjects stored before keep being found: their blind indexes need no migration."""
    raw = f"{local}@{'.'.join(labels)}"
    identifier = normalise(EMAIL, raw)
    assert identifier.index_form == _index_before_unicode_mailboxes(raw)
    assert identifier.value.partition("@")[0] == local  # the case typed is kept


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


@pytest.mark.parametrize(
    "written",
    [
        "07700 900123",
        "07700900123",
        "+44 7700 900123",
        "(07700) 900-123",
        "0044 7700 900123",
        "07700.900.123",
        "07700/900123",
        " 07700 900123\t",
    ],
)
def test_a_number_written_with_separators_is_one_number(written: str) -> None:
    assert normalise_phone(written) == MOBILE


@pytest.mark.parametrize(
    "written",
    [
        "07700 9OO 123",  # letter O for zero: the keypad would make it 6
        "07700 900abc",
        "0800 FLOWERS",
        "٠٧٧٠٠٩٠٠١٢٣",  # Arabic-Indic digits
        "07700900123".translate(FULL_WIDTH),
        "07700 90012³",
        "07700 900123 ext. 12",  # an extension would be dropped
        "07700900123;ext=12",
        "07700900123x12",
        "tel:+447700900123",
    ],
)
def test_a_number_with_anything_but_digits_and_separators_is_refused(written: str) -> None:
    with pytest.raises(InvalidIdentifier) as refused:
        normalise_phone(written)
    assert "900" not in str(refused.value)
    with pytest.raises(InvalidIdentifier):
        normalise("phone", written)


@pytest.mark.parametrize("written", ["٣٠١", "301".translate(FULL_WIDTH), "30¹"])
def test_other_scripts_digits_are_no_extension(written: str) -> None:
    assert not looks_like_extension(written)
    assert agent_id_from_interface(f"SIP/{written}") is None


def test_an_ascii_extension_still_is_one() -> None:
    assert looks_like_extension("301")
    assert agent_id_from_interface("SIP/301") == "301"


@pytest.mark.parametrize(
    ("written", "region"),
    [
        ("048 9012 3456", "IE"),  # dialled from the Republic
        ("04890123456", "IE"),
        ("+353 48 9012 3456", "GB"),
        ("+44 28 9012 3456", "IE"),
        ("028 9012 3456", "GB"),
    ],
)
def test_a_northern_ireland_number_is_one_number_however_ireland_dials_it(
    written: str, region: str
) -> None:
    assert normalise_phone(written, region) == "+442890123456"


def test_only_plus_353_48_with_eight_digits_is_taken_for_northern_ireland() -> None:
    assert normalise_phone("+353 48 901 2345", "IE") == "+353489012345"  # seven digits
    assert normalise_phone("047 12345", "IE") == "+3534712345"  # Monaghan stays Irish
