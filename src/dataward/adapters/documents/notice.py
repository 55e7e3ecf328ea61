"""The public privacy notice (UK GDPR Arts. 13 and 14), rendered from the register.

Every company fact comes from the register; the templates hold only the plain-English framing
and the rules of law that do not change with the company (fees, the one-month limit, the ICO
as regulator). This module turns the register into ready-to-print text so both templates,
HTML and Markdown, say exactly the same thing.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Any, Literal

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from dataward.adapters.documents.styles import with_stylesheets
from dataward.domain.register.model import (
    Cookie,
    CookieDuration,
    CookieExemption,
    CookieParty,
    Duration,
    LawfulBasis,
    MarketingChannel,
    RecipientKind,
    Register,
    Role,
    Transfer,
)
from dataward.domain.register.required import in_words, requirement
from dataward.domain.register.ropa import (
    contact_party,
)
from dataward.domain.register.transfers import HOME
from dataward.domain.register.wording import (
    basis_text,
    describe_holds,
    describe_mechanism,
    describe_period,
)

TITLE = "Privacy notice"

# (anchor id, heading), in the order the notice presents them.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("who-we-are", "Who we are"),
    ("contact-details", "Contact details"),
    ("version", "Version of this notice"),
    ("legislation", "The law we follow"),
    ("data-we-collect", "The data we collect about you"),
    ("how-we-collect", "How we collect your data"),
    ("how-we-use", "How we use your data"),
    ("marketing", "Marketing and opting out"),
    ("cookies", "Cookies"),
    ("disclosures", "Who we share your data with"),
    ("international-transfers", "International transfers"),
    ("data-security", "Data security"),
    ("data-retention", "How long we keep your data"),
    ("your-rights", "Your legal rights"),
    ("complaints", "Complaints"),
)

# Names for the destinations UK law names (EEA, adequacy list) and the commonest others.
COUNTRY_NAMES: dict[str, str] = {
    "AD": "Andorra",
    "AR": "Argentina",
    "AT": "Austria",
    "AU": "Australia",
    "BE": "Belgium",
    "BG": "Bulgaria",
    "CA": "Canada",
    "CH": "Switzerland",
    "CY": "Cyprus",
    "CZ": "Czechia",
    "DE": "Germany",
    "DK": "Denmark",
    "EE": "Estonia",
    "ES": "Spain",
    "FI": "Finland",
    "FO": "the Faroe Islands",
    "FR": "France",
    "GB": "the United Kingdom",
    "GG": "Guernsey",
    "GI": "Gibraltar",
    "GR": "Greece",
    "HR": "Croatia",
    "HU": "Hungary",
    "IE": "Ireland",
    "IL": "Israel",
    "IM": "the Isle of Man",
    "IN": "India",
    "IS": "Iceland",
    "IT": "Italy",
    "JE": "Jersey",
    "JP": "Japan",
    "KR": "the Republic of Korea",
    "LI": "Liechtenstein",
    "LT": "Lithuania",
    "LU": "Luxembourg",
    "LV": "Latvia",
    "MT": "Malta",
    "NL": "the Netherlands",
    "NO": "Norway",
    "NZ": "New Zealand",
    "PH": "the Philippines",
    "PL": "Poland",
    "PT": "Portugal",
    "RO": "Romania",
    "SE": "Sweden",
    "SG": "Singapore",
    "SI": "Slovenia",
    "SK": "Slovakia",
    "US": "the United States",
    "UY": "Uruguay",
    "ZA": "South Africa",
}

EXEMPTION_WORDS: dict[CookieExemption, str] = {
    CookieExemption.COMMUNICATION: "No consent needed: used only to carry a communication",
    CookieExemption.STRICTLY_NECESSARY: (
        "No consent needed: strictly necessary for the service you asked for"
    ),
    CookieExemption.STATISTICAL: (
        "No consent needed: statistics to improve our website (you can object)"
    ),
    CookieExemption.APPEARANCE: (
        "No consent needed: remembers how the website looks for you (you can object)"
    ),
    CookieExemption.EMERGENCY_ASSISTANCE: "No consent needed: emergency assistance",
}


def render_notice(register: Register, fmt: Literal["html", "md"]) -> str:
    """The complete privacy notice as a standalone HTML page or as Markdown."""
    if fmt not in ("html", "md"):
        raise ValueError(f"unknown notice format {fmt!r}; use 'html' or 'md'")
    template = _environment(fmt).get_template(f"notice.{fmt}.j2")
    return template.render(title=TITLE, sections=SECTIONS, **notice_context(register))


def render_notice_part(register: Register, part: Literal["contents", "sections"]) -> Markup:
    """One part of the HTML notice, for a page that shows it inside its own layout (the
    portal): its table of contents, or its numbered sections (each heading an `h2`)."""
    if part not in ("contents", "sections"):
        raise ValueError(f"unknown notice part {part!r}")
    template = _html_environment().get_template(f"notice_{part}.html.j2")
    html = template.render(title=TITLE, sections=SECTIONS, **notice_context(register))
    return Markup(html)  # noqa: S704 - rendered with autoescape from the register's text


def notice_context(register: Register) -> dict[str, Any]:
    """Everything the notice says, as text ready for a template."""
    org = register.organisation
    contacts = register.contacts
    authority = contacts.supervisory_authority
    return {
        "org": org,
        "registered_address": org.registered_address.one_line(),
        "processor_subjects": [
            kind.name for kind in register.subject_kinds if kind.role is Role.PROCESSOR
        ],
        "has_processor_data": bool(register.categories_for(Role.PROCESSOR)),
        "dco": contacts.data_compliance_officer,
        "dco_details": contact_party(contacts.data_compliance_officer).contact,
        "marketing_contact": contacts.marketing,
        "complaints": contacts.complaints,
        "authority": authority,
        "authority_address": authority.address.one_line(),
        "version": register.policy.version,
        "last_updated": long_date(register.policy.last_updated),
        "supersedes": long_date(register.policy.supersedes) if register.policy.supersedes else None,
        "legislation": register.legislation,
        "controller_categories": _categories(register, Role.CONTROLLER),
        "processor_categories": _categories(register, Role.PROCESSOR),
        "prohibited": [
            {"name": p.name, "fields": ", ".join(f.replace("_", " ") for f in p.fields)}
            for p in register.prohibited_categories
        ],
        "minimum_age": register.minimum_age,
        "anonymised": [r.name for r in register.retention_rules if r.anonymise],
        "collection_methods": register.collection_methods,
        "controller_purposes": _purposes(register, Role.CONTROLLER),
        "processor_purposes": _purposes(register, Role.PROCESSOR),
        "required_data": _required(register),
        "marketing_purposes": [p.activity for p in register.purposes if p.marketing],
        "channels": [_channel(channel) for channel in register.marketing_channels],
        "partners": [
            {"name": r.name, "description": r.description, "scopes": r.scopes}
            for r in register.recipients
            if r.kind is RecipientKind.MARKETING_PARTNER
        ],
        "cookies": [_cookie(cookie) for cookie in register.cookies],
        "recipients": [
            {
                "name": r.name,
                "description": r.description,
                "services": ", ".join(r.services),
                "own_purposes_allowed": r.own_purposes_allowed,
            }
            for r in register.recipients
        ],
        "processors": register.processors,
        "transfers": _transfers(register),
        "security_measures": [m.description for m in register.security_measures],
        "retention": [
            {
                "name": rule.name,
                "period": describe_period(rule),
                "holds": describe_holds(rule),
                "anonymise": rule.anonymise,
                "legal_reference": rule.legal_reference,
            }
            for rule in register.retention_rules
        ],
        "rights": register.rights,
    }


def long_date(day: date) -> str:
    """A date as people write it: 25 November 2026."""
    return f"{day.day} {day:%B %Y}"


def country_name(code: str) -> str:
    """A country as people name it, with its code: "the United States (US)"."""
    name = COUNTRY_NAMES.get(code)
    return f"{name[0].upper()}{name[1:]} ({code})" if name else code


_MARKDOWN_MARKUP = re.compile(r"([\\`<>\[\]])")
"""What turns Markdown text into something else: `<` opens raw HTML, a comment or an
autolink, `[` a link or an image (a `javascript:` one included), a backtick code, a backslash
the escape of what follows."""


def md_text(value: object) -> str:
    """Register text as plain Markdown text: each character above backslash-escaped, so a
    value is shown as written and never read as HTML or a link by any Markdown renderer
    (CommonMark lets a backslash escape any ASCII punctuation). Text already made safe (a
    table cell, which is `Markup`) passes unchanged."""
    if isinstance(value, Markup):
        return str(value)
    return _MARKDOWN_MARKUP.sub(r"\\\1", str(value))


def md_cell(value: object) -> Markup:
    """Text safe inside a Markdown table cell: plain text (`md_text`), one line, pipes escaped."""
    one_line = " ".join(md_text(value).split())
    return Markup(one_line.replace("|", "\\|"))  # noqa: S704 - Markdown, escaped above


def cookie_lifetime(cookie: Cookie) -> str:
    if cookie.duration is CookieDuration.SESSION or cookie.lifetime is None:
        return "Until you close your browser"
    return Duration.parse(cookie.lifetime).describe()


def cookie_consent(cookie: Cookie) -> str:
    if cookie.consent_required:
        return "Only with your consent"
    if cookie.exemption is None:  # the register's cross-checks refuse this
        return "No consent needed"
    return EXEMPTION_WORDS[cookie.exemption]


def _cookie(cookie: Cookie) -> dict[str, str]:
    return {
        "name": cookie.name,
        "provider": cookie.provider,
        "party": "First party" if cookie.party is CookieParty.FIRST else "Third party",
        "purpose": cookie.purpose,
        "type": cookie.duration.value.capitalize(),
        "lifetime": cookie_lifetime(cookie),
        "consent": cookie_consent(cookie),
    }


def _categories(register: Register, role: Role) -> list[dict[str, str]]:
    return [
        {
            "name": c.name,
            "description": c.description,
            "fields": ", ".join(f.label for f in c.fields),
        }
        for c in register.categories_for(role)
    ]


def _purposes(register: Register, role: Role) -> list[dict[str, str | None]]:
    rows: list[dict[str, str | None]] = []
    for purpose in register.purposes_for(role):
        basis = purpose.lawful_basis
        rows.append(
            {
                "activity": purpose.activity,
                "categories": ", ".join(register.category(k).name for k in purpose.categories),
                "basis": basis_text(basis) if basis else None,
                "legitimate_interest": purpose.legitimate_interest,
                "instructions": purpose.controller_instructions,
            }
        )
    return rows


def _required(register: Register) -> list[dict[str, str]]:
    """What each purpose needs the person to give, whose requirement it is (Art. 13(2)(e))."""
    return [
        {
            "activity": purpose.activity,
            "fields": in_words(register, purpose.required_fields),
            "requirement": requirement(purpose),
        }
        for purpose in register.purposes_for(Role.CONTROLLER)
        if purpose.required_fields
    ]


def _channel(channel: MarketingChannel) -> dict[str, Any]:
    return {
        "name": channel.name,
        "consent": channel.basis is LawfulBasis.CONSENT,
        "basis": basis_text(channel.basis),
        "soft_opt_in": channel.soft_opt_in,
        "opt_out": channel.opt_out,
    }


def _transfers(register: Register) -> list[dict[str, str]]:
    """Every transfer out of the UK, by whom, with its safeguard in words."""
    sources = [(r.name, r.transfers) for r in register.recipients]
    sources += [(f"{p.name} ({p.service})", p.transfers) for p in register.processors]
    rows: list[dict[str, str]] = []
    for who, transfers in sources:
        rows.extend(
            {"who": who, "country": country_name(t.country), "safeguard": _sentence(t)}
            for t in transfers
            if t.country != HOME
        )
    return rows


def _sentence(transfer: Transfer) -> str:
    words = describe_mechanism(transfer)
    return words[0].upper() + words[1:]


def _environment(fmt: Literal["html", "md"]) -> Environment:
    return _markdown_environment() if fmt == "md" else _html_environment()


@cache
def _html_environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("dataward", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return with_stylesheets(environment)


@cache
def _markdown_environment() -> Environment:
    """Markdown's own escaping, not HTML's: every value goes out through `md_text` (the
    template's own text and its macros' are ours and written as Markdown)."""
    environment = Environment(
        loader=PackageLoader("dataward", "templates"),
        autoescape=False,  # noqa: S701 - Markdown: every value escaped by `finalize` instead
        finalize=md_text,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["cell"] = md_cell
    return environment
