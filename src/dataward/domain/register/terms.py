"""The register's vocabulary: the closed sets (enums) and small value types it is written in.

Roles, lawful bases, transfer mechanisms, retention events, staff actions and the like, with the
constrained strings (keys, field references, country codes) and `Duration`. The models that
use them are in `register`, which re-exports every name here, so `from
dataward.domain.register.model import LawfulBasis` keeps working. Nothing here does I/O.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints
from pydantic_core import PydanticCustomError

from dataward.domain.errors import InvalidIdentifier
from dataward.domain.identifiers import IdentifierType, normalise

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
FieldRef = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$", max_length=129)
]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
NonEmpty = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]

_URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]+")
"""What an address may hold (RFC 3986's unreserved and reserved characters, and `%`), less
`[` and `]`: no white space, quotes, angle brackets or backslashes, nothing non-ASCII (write it
percent-encoded)."""
_HOST = re.compile(
    r"(?:(?!-)[a-z0-9-]{1,63}(?<!-)\.)+(?!-)[a-z0-9-]{1,63}(?<!-)(?::[0-9]{1,5})?", re.IGNORECASE
)
_MAILTO_MISREAD = frozenset("?#%&")
"""Characters an address may hold but a `mailto:` link reads as its own (headers, a fragment,
an escape): a register address with one would send mail somewhere else than it says."""
_MAX_URL = 2000


def _web_address(value: str) -> str:
    """An `https://` address at a host name, or `mailto:` and an e-mail address: what a page
    may put in a link's `href`. A `javascript:` or `data:` address, a user name before the
    host (`https://ours@theirs`) and characters a page or a Markdown link would read as
    markup are refused."""
    if value.startswith("mailto:"):
        _mail_address(value.removeprefix("mailto:"))
        return value
    if not value.startswith("https://"):
        raise PydanticCustomError(
            "web_address", "must be an https:// address (or mailto: and an e-mail address)"
        )
    if len(value) > _MAX_URL or not _URL_CHARACTERS.fullmatch(value):
        raise PydanticCustomError(
            "web_address",
            f"must be an https:// address of at most {_MAX_URL} printable ASCII characters, "
            "without spaces, quotes, brackets or backslashes (percent-encode the rest)",
        )
    authority = re.split(r"[/?#]", value.removeprefix("https://"), maxsplit=1)[0]
    if not _HOST.fullmatch(authority):
        raise PydanticCustomError(
            "web_address", "must name a host (like www.example.com) right after https://"
        )
    return value


def _mail_address(value: str) -> str:
    """An e-mail address (`domain.identifiers`' rules), kept as written, that a `mailto:`
    link reads as written."""
    try:
        normalise(IdentifierType.EMAIL, value)
    except InvalidIdentifier:
        raise PydanticCustomError("email_address", "must be an e-mail address") from None
    if _MAILTO_MISREAD & set(value):
        raise PydanticCustomError("email_address", "must be an e-mail address without ?, #, % or &")
    return value


WebAddress = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_web_address)]
"""A link the notice and the pages show: https://, or mailto: an address."""
MailAddress = Annotated[
    str, StringConstraints(strip_whitespace=True), AfterValidator(_mail_address)
]
"""An e-mail address the notice shows as a `mailto:` link."""


MODEL_CONFIG = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)
"""How every part of the register is read: frozen, and no key it does not know."""


class Role(StrEnum):
    """Which hat the organisation wears for a dataset (UK GDPR Art. 4(7) and 4(8))."""

    CONTROLLER = "controller"
    PROCESSOR = "processor"


class LawfulBasis(StrEnum):
    """UK GDPR Art. 6(1) lawful bases."""

    CONSENT = "consent"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal_obligation"
    VITAL_INTERESTS = "vital_interests"
    PUBLIC_TASK = "public_task"
    LEGITIMATE_INTERESTS = "legitimate_interests"

    @property
    def article(self) -> str:
        return {
            LawfulBasis.CONSENT: "Art. 6(1)(a)",
            LawfulBasis.CONTRACT: "Art. 6(1)(b)",
            LawfulBasis.LEGAL_OBLIGATION: "Art. 6(1)(c)",
            LawfulBasis.VITAL_INTERESTS: "Art. 6(1)(d)",
            LawfulBasis.PUBLIC_TASK: "Art. 6(1)(e)",
            LawfulBasis.LEGITIMATE_INTERESTS: "Art. 6(1)(f)",
        }[self]

    @property
    def label(self) -> str:
        return {
            LawfulBasis.CONSENT: "Consent",
            LawfulBasis.CONTRACT: "Performance of a contract",
            LawfulBasis.LEGAL_OBLIGATION: "Compliance with a legal obligation",
            LawfulBasis.VITAL_INTERESTS: "Vital interests",
            LawfulBasis.PUBLIC_TASK: "Public task",
            LawfulBasis.LEGITIMATE_INTERESTS: "Legitimate interests",
        }[self]


class ProhibitedKind(StrEnum):
    SPECIAL_CATEGORY = "special_category"  # Art. 9
    CRIMINAL_OFFENCE = "criminal_offence"  # Art. 10


class RecipientKind(StrEnum):
    GROUP_COMPANY = "group_company"
    MARKETING_PARTNER = "marketing_partner"
    SERVICE_PROVIDER = "service_provider"
    PROFESSIONAL_ADVISER = "professional_adviser"
    AUTHORITY = "authority"


class RecipientRole(StrEnum):
    """What a recipient is to us for the data it receives (UK GDPR Art. 4(7), 4(8), 26, 28)."""

    PROCESSOR = "processor"  # acts on our documented instructions (Art. 28)
    SUB_PROCESSOR = "sub_processor"  # engaged for data we ourselves process for a customer
    INDEPENDENT_CONTROLLER = "independent_controller"  # decides its own purposes and means
    JOINT_CONTROLLER = "joint_controller"  # decides them with us (Art. 26 arrangement)

    @property
    def acts_for_us(self) -> bool:
        """A processor or sub-processor: bound by Art. 28 terms, never its own purposes."""
        return self in (RecipientRole.PROCESSOR, RecipientRole.SUB_PROCESSOR)


class TransferMechanism(StrEnum):
    """How a transfer out of the UK is made lawful (UK GDPR Chapter V)."""

    NOT_RESTRICTED = "not_restricted"  # destination is the UK itself
    ADEQUACY = "adequacy"  # DPA 2018 Sch 21 para 5 and later regulations
    IDTA = "idta"
    UK_ADDENDUM = "uk_addendum"
    BCR = "bcr"
    CODE_OF_CONDUCT = "code_of_conduct"
    CERTIFICATION = "certification"
    DEROGATION = "derogation"


class Derogation(StrEnum):
    """Art. 49 derogations."""

    EXPLICIT_CONSENT = "explicit_consent"
    CONTRACT_WITH_SUBJECT = "contract_with_subject"
    CONTRACT_IN_SUBJECT_INTEREST = "contract_in_subject_interest"
    PUBLIC_INTEREST = "public_interest"
    LEGAL_CLAIMS = "legal_claims"
    VITAL_INTERESTS = "vital_interests"
    PUBLIC_REGISTER = "public_register"
    COMPELLING_LEGITIMATE_INTERESTS = "compelling_legitimate_interests"


class RetentionEvent(StrEnum):
    """The event a retention period runs from."""

    COLLECTION = "collection"
    RELATIONSHIP_END = "relationship_end"
    FINANCIAL_YEAR_END_OF_LAST_TRANSACTION = "financial_year_end_of_last_transaction"
    LAST_INTERACTION = "last_interaction"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    CALL_END = "call_end"
    CONTRACT_END = "contract_end"
    REQUEST_CLOSED = "request_closed"
    SESSION_END = "session_end"


class HoldKind(StrEnum):
    """What may keep data past its retention date (Art. 17(3))."""

    LEGAL_CLAIMS = "legal_claims"
    TAX_ENQUIRY = "tax_enquiry"
    REGULATORY_INVESTIGATION = "regulatory_investigation"
    OPEN_RIGHTS_REQUEST = "open_rights_request"


class CookieExemption(StrEnum):
    """PECR reg 6 and Sch A1 exceptions to the consent rule."""

    COMMUNICATION = "communication"
    STRICTLY_NECESSARY = "strictly_necessary"
    STATISTICAL = "statistical"
    APPEARANCE = "appearance"
    EMERGENCY_ASSISTANCE = "emergency_assistance"


class CookieParty(StrEnum):
    FIRST = "first"
    THIRD = "third"


class CookieDuration(StrEnum):
    SESSION = "session"
    PERSISTENT = "persistent"


class StaffRoleScope(StrEnum):
    ALL_TENANTS = "all_tenants"
    OWN_TENANT = "own_tenant"
    NONE = "none"


class StaffAction(StrEnum):
    """What a staff role may do besides using data for a purpose (which the gate decides)."""

    REGISTER_SUBJECTS = "register_subjects"
    ERASE_SUBJECTS = "erase_subjects"
    RECORD_CONSENT = "record_consent"
    MANAGE_RESTRICTIONS = "manage_restrictions"
    MANAGE_OBJECTIONS = "manage_objections"
    READ_AUDIT_LOG = "read_audit_log"
    MANAGE_REGISTER = "manage_register"
    MANAGE_TENANTS = "manage_tenants"
    MANAGE_STAFF = "manage_staff"
    INGEST_CALLS = "ingest_calls"
    READ_CALL_REPORTS = "read_call_reports"
    MANAGE_REQUESTS = "manage_requests"
    MANAGE_HOLDS = "manage_holds"  # place, review and lift litigation holds
    MANAGE_BREACHES = "manage_breaches"
    """Record, assess, report and notify personal data breaches (Art. 33, 34)."""
    DISCLOSE_TO_RECIPIENTS = "disclose_to_recipients"
    """Export subjects' data to a register recipient (the gate still decides each subject)."""
    RUN_MAINTENANCE = "run_maintenance"
    """Work on every tenant's data at once (the key sweep, the master key's rotation): only for
    a role whose tenant scope is `all_tenants` (`GLOBAL_ACTIONS`)."""


GLOBAL_ACTIONS = frozenset({StaffAction.RUN_MAINTENANCE})
"""Actions that reach every tenant's data at once: a register may give them only to a role of
tenant scope `all_tenants`, and `permissions.require` refuses them to any other."""


_DURATION = re.compile(r"^P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<days>\d+)D)?$")


class Duration(BaseModel):
    """A calendar duration: whole years, months and days (ISO 8601 `P7Y`, `P13M`, `P30D`)."""

    model_config = MODEL_CONFIG

    years: int = 0
    months: int = 0
    days: int = 0

    @classmethod
    def parse(cls, text: str) -> Duration:
        match = _DURATION.match(text)
        if not match or text == "P":
            raise ValueError("not a duration like P7Y, P13M or P30D")
        parts = {name: int(value) for name, value in match.groupdict().items() if value}
        return cls(**parts)

    def iso(self) -> str:
        text = "P"
        text += f"{self.years}Y" if self.years else ""
        text += f"{self.months}M" if self.months else ""
        text += f"{self.days}D" if self.days else ""
        return text if text != "P" else "P0D"

    def describe(self) -> str:
        parts = []
        for amount, unit in ((self.years, "year"), (self.months, "month"), (self.days, "day")):
            if amount:
                parts.append(f"{amount} {unit}{'s' if amount != 1 else ''}")
        return ", ".join(parts) or "no time"
