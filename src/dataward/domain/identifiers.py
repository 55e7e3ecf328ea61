"""Direct identifiers and their normal forms.

A value is normalised before it is indexed or stored, so that one person's number written three
ways is found as one: phones to E.164 (default region per tenant, GB otherwise), e-mail with
its domain lower-cased and IDNA-encoded (UTS 46, IDNA 2008), free text with its white space
folded. An invalid value is refused with an error that names the identifier type and the
reason, never the value.

An e-mail address keeps its mailbox exactly: the part before @ as typed (in Unicode's
canonical composition, NFC, which changes no character), because only the receiving host may
say which spellings reach the same mailbox; that is the address sealed, shown and written to.
Only the blind index compares addresses without regard to case (`Identifier.index_form`).
Earlier versions case-folded the part before @ and read the domain under IDNA 2003, which
turned `ß@…` into `ss@…` and `faß.de` into another domain, `fass.de`: letters could go to
someone else.

An e-mail address is accepted only as an unquoted RFC 5322 addr-spec (a dot-atom local part at
a host name), with RFC 6531's non-ASCII letters allowed: quoted local parts, comments, domain
literals, markup, quotes, backslashes, white space and control or invisible characters are
refused. An address is shown in letters and pages and put in mail headers, so nothing in one
may be read as markup, a header break or a hidden character.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

import idna
import phonenumbers

from dataward.domain.errors import InvalidIdentifier, InvalidValue

DEFAULT_REGION = "GB"


class IdentifierType(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    NAME = "name"
    POSTAL_ADDRESS = "postal_address"
    ACCOUNT_ID = "account_id"
    USERNAME = "username"
    AGENT_ID = "agent_id"


def identifier_type(kind: IdentifierType | str, field: str = "type") -> IdentifierType:
    """`kind` as an identifier type; one that is not is refused naming `field`, not `kind`."""
    try:
        return IdentifierType(kind)
    except ValueError:
        allowed = ", ".join(t.value for t in IdentifierType)
        raise InvalidValue(field, f"one of {allowed}") from None


# Identifiers that single out one person: one subject each (per tenant, or among our own).
# Names and postal addresses are shared by different people and are never unique.
UNIQUE_TYPES: frozenset[IdentifierType] = frozenset(
    {
        IdentifierType.PHONE,
        IdentifierType.EMAIL,
        IdentifierType.ACCOUNT_ID,
        IdentifierType.USERNAME,
        IdentifierType.AGENT_ID,
    }
)

# Which register field each identifier is (category.field), for the gate's category check.
REGISTER_FIELD: dict[IdentifierType, tuple[str, str]] = {
    IdentifierType.PHONE: ("contact", "telephone"),
    IdentifierType.EMAIL: ("contact", "email"),
    IdentifierType.NAME: ("identity", "first_name"),
    IdentifierType.POSTAL_ADDRESS: ("contact", "billing_address"),
    IdentifierType.ACCOUNT_ID: ("identity", "end_user_id"),
    IdentifierType.USERNAME: ("identity", "username"),
    IdentifierType.AGENT_ID: ("telephony_activity", "agent_id"),
}


@dataclass(frozen=True, slots=True)
class Identifier:
    """A normalised identifier value, ready to index and encrypt."""

    type: IdentifierType
    value: str
    """What is sealed, shown and used: for e-mail, the mailbox as typed."""

    @property
    def index_form(self) -> str:
        """What the blind index is computed over: the value, and for e-mail the value with its
        part before @ lower-cased, so `Ann@…` and `ann@…` are found as one subject.

        Lower-casing, not Unicode's full case folding: folding turns `ß` into `ss` and the long s
        (U+017F) into `s`, joining mailboxes that differ by more than case. For an ASCII address the
        two agree, so the index of every ASCII address is what it always was."""
        if self.type is not IdentifierType.EMAIL:
            return self.value
        local, _, domain = self.value.rpartition("@")
        return f"{local.lower()}@{domain}"

    def __repr__(self) -> str:  # never print the value by accident
        return f"Identifier(type={self.type.value!r}, value=<{len(self.value)} chars>)"

    __str__ = __repr__


_ATEXT = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+")
"""An atom of RFC 5322's dot-atom: its printable ASCII, without specials, quotes or `\\`."""
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_MAX_LOCAL_OCTETS = 64  # RFC 5321 4.5.3.1.1
_MAX_DOMAIN_OCTETS = 253  # RFC 1035, without the root's dot
_SPACE = re.compile(r"\s+")
_MAX_LENGTH = 500
_PHONE_CHARACTERS = "0123456789+-.()/ \t"


def normalise(kind: IdentifierType | str, raw: str, *, region: str | None = None) -> Identifier:
    """The normal form of `raw` as an identifier of `kind`; InvalidIdentifier if it is not one."""
    kind = identifier_type(kind)
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidIdentifier(kind.value, "empty")
    if len(raw) > _MAX_LENGTH:
        raise InvalidIdentifier(kind.value, f"longer than {_MAX_LENGTH} characters")
    if kind is IdentifierType.PHONE:
        return Identifier(kind, normalise_phone(raw, region or DEFAULT_REGION))
    if kind is IdentifierType.EMAIL:
        return Identifier(kind, _normalise_email(raw))
    if kind in (IdentifierType.ACCOUNT_ID, IdentifierType.USERNAME, IdentifierType.AGENT_ID):
        text = unicodedata.normalize("NFKC", raw).strip()
        if _SPACE.search(text):
            raise InvalidIdentifier(kind.value, "contains white space")
        return Identifier(kind, text)
    text = _SPACE.sub(" ", unicodedata.normalize("NFKC", raw)).strip()
    return Identifier(kind, text)


def normalise_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    """E.164 (`+441632960001`) for a possible number, read in `region` without a country code.

    "Possible" (the right length for its country), not "valid" (in a range the metadata knows
    as allocated): numbers reach us from telephone networks, which allocate ranges before any
    library's metadata catches up, and Ofcom's drama ranges used in tests are possible only.
    Lookups and ingest share this one rule, so a subject is always found by the number that
    created it.

    A Northern Ireland number dialled the Irish way (`048 9012 3456` in region IE, which the
    library reads as +353 48...) is the same line as `+44 28 9012 3456`, and becomes it: +353 48
    is no Irish range but the Republic's code for Northern Ireland's 028.

    Only ASCII digits, `+`, spaces and the separators `-.()/` are taken. The library
    would read letters as keypad digits (`0800 FLOWERS` as 0800 3569377) and other scripts'
    digits as digits, and would drop an extension (`x12`, `;ext=12`): each would make one
    person's number out of something else, so each is refused instead.
    """
    if not raw.isascii() or raw.strip(_PHONE_CHARACTERS):
        raise InvalidIdentifier("phone", "has characters other than digits, + and separators")
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as error:
        raise InvalidIdentifier("phone", _parse_reason(error)) from None
    number = _northern_ireland(number)
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:  # local-only numbers are not E.164
        raise InvalidIdentifier("phone", f"not a possible number for region {region}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_NI_FROM_IRELAND = "48"
_NI_AREA = "28"
_NI_LOCAL_DIGITS = 8


def _northern_ireland(number: phonenumbers.PhoneNumber) -> phonenumbers.PhoneNumber:
    """+353 48 and eight digits, as the Republic dials Northern Ireland, as +44 28 and them."""
    national = str(number.national_number)
    if (
        number.country_code == 353
        and national.startswith(_NI_FROM_IRELAND)
        and len(national) == len(_NI_FROM_IRELAND) + _NI_LOCAL_DIGITS
    ):
        local = national[len(_NI_FROM_IRELAND) :]
        return phonenumbers.PhoneNumber(country_code=44, national_number=int(_NI_AREA + local))
    return number


def _parse_reason(error: phonenumbers.NumberParseException) -> str:
    return {
        phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "unknown country code",
        phonenumbers.NumberParseException.NOT_A_NUMBER: "not a phone number",
        phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "too short",
        phonenumbers.NumberParseException.TOO_SHORT_NSN: "too short",
        phonenumbers.NumberParseException.TOO_LONG: "too long",
    }.get(error.error_type, "not a phone number")


def _normalise_email(raw: str) -> str:
    """The address as typed (NFC) at its domain's ASCII form; see the module's docstring."""
    text = unicodedata.normalize("NFC", raw).strip()
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        raise InvalidIdentifier("email", "not an e-mail address")
    _check_local_part(local)
    ascii_domain = _host_name(domain)
    return f"{local}@{ascii_domain}"


def _check_local_part(local: str) -> None:
    """A dot-atom: atoms of `_ATEXT` (or non-ASCII letters, marks, digits and symbols, as RFC
    6531 allows) joined by single dots, at most 64 octets."""
    if len(local.encode("utf-8")) > _MAX_LOCAL_OCTETS:
        raise InvalidIdentifier("email", "the part before @ is longer than 64 octets")
    for atom in local.split("."):
        if not atom:
            raise InvalidIdentifier("email", "a dot at the start or end, or two dots together")
        if not all(_atom_character(c) for c in atom):
            raise InvalidIdentifier(
                "email", "the part before @ holds a character an address may not carry"
            )


def _atom_character(character: str) -> bool:
    if character.isascii():
        return _ATEXT.fullmatch(character) is not None
    # Non-ASCII: no control, format (invisible, bidirectional), private, unassigned or
    # separator characters.
    return unicodedata.category(character)[0] not in {"C", "Z"}


def _host_name(domain: str) -> str:
    """`domain` lower-cased, if it is a host name of letters, digits and hyphens with a dot
    in it; domain literals (`[192.0.2.1]`) are refused. A name with non-ASCII letters is
    taken in its ASCII form under UTS 46 (IDNA 2008, nontransitional: `faß.de` is
    `xn--fa-hia.de`, not `fass.de`); an ASCII name is taken as it is, as it always was."""
    if domain.isascii():
        ascii_domain = domain.lower()
    else:
        try:
            ascii_domain = idna.encode(
                domain, uts46=True, transitional=False, std3_rules=True
            ).decode("ascii")
        except (idna.IDNAError, UnicodeError):
            raise InvalidIdentifier(
                "email", "the domain is not a valid internationalised name"
            ) from None
    labels = ascii_domain.split(".")
    if len(ascii_domain) > _MAX_DOMAIN_OCTETS or not all(
        _HOST_LABEL.fullmatch(label) for label in labels
    ):
        raise InvalidIdentifier("email", "the domain is not a host name")
    if len(labels) < 2:
        raise InvalidIdentifier("email", "the domain has no dot")
    return ascii_domain
