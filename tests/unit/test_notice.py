"""The public privacy notice, rendered from the shipped register as HTML and as Markdown."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import pytest

from dataward.adapters.documents.notice import SECTIONS, render_notice
from dataward.adapters.register_file import (
    load_register_file,
    parse_register,
    shipped_register_text,
)
from dataward.domain.register.model import Duration, LawfulBasis, Purpose, Register

FORMATS = ["html", "md"]
FORBIDDEN = (
    "Data Protection Act 1998",
    "is the Processor and responsible",
    "clearly unfounded",
    "try to respond",
)
_AUTOLINK = re.compile(r"<([^<>\s]+(?:://|@)[^<>\s]+)>")
VOID = {"meta", "br", "hr", "img", "link", "input"}


@pytest.fixture(scope="module")
def register() -> Register:
    return load_register_file().register


class _Page(HTMLParser):
    """Text, ids, links and tag nesting of an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.ids: list[str] = []
        self.links: list[str] = []
        self.open: list[str] = []
        self.mismatched: list[str] = []
        self.seen: set[str] = set()
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.add(tag)
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(found["id"] or "")
        if tag == "a" and found.get("href"):
            self.links.append(found["href"] or "")
        if tag not in VOID:
            self.open.append(tag)
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False
        if self.open and self.open[-1] == tag:
            self.open.pop()
        else:
            self.mismatched.append(tag)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.chunks).split())


def _page(register: Register) -> _Page:
    page = _Page()
    page.feed(render_notice(register, "html"))
    page.close()
    return page


def _text(register: Register, fmt: str) -> str:
    """The notice as a reader sees it: markup gone (HTML) and whitespace collapsed."""
    if fmt == "html":
        return _page(register).text
    markdown = render_notice(register, fmt)  # type: ignore[arg-type]
    return " ".join(_AUTOLINK.sub(r"\1", markdown).split())


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@pytest.mark.parametrize("fmt", FORMATS)
def test_notice_names_every_right_with_its_article_and_how(register: Register, fmt: str) -> None:
    text = _text(register, fmt)
    for right in register.rights:
        assert f"{right.name} ({right.article})" in text
        assert " ".join(right.how.split()) in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_notice_gives_the_ico_address_phone_and_complaint_page(
    register: Register, fmt: str
) -> None:
    text = _text(register, fmt)
    authority = register.contacts.supervisory_authority
    assert authority.name in text
    assert authority.address.postcode
    assert authority.address.postcode in text
    assert authority.address.one_line() in text
    assert authority.phone
    assert authority.phone in text
    assert authority.complaint_url in text
    assert authority.website in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_notice_gives_our_complaints_route_and_its_acknowledgement_time(
    register: Register, fmt: str
) -> None:
    text = _text(register, fmt)
    complaints = register.contacts.complaints
    assert complaints.email in text
    assert complaints.web_form in text
    assert f"We acknowledge your complaint within {complaints.acknowledge_within_days} days" in text
    assert "judicial remedy" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_notice_states_its_version_date_and_what_it_replaces(register: Register, fmt: str) -> None:
    text = _text(register, fmt)
    policy = register.policy
    assert f"version {policy.version}" in text
    assert f"last updated on {_long(policy.last_updated)}" in text
    assert policy.supersedes is not None
    assert f"replaces the version dated {_long(policy.supersedes)}" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_notice_lists_every_purpose_with_its_basis_and_legitimate_interest(
    register: Register, fmt: str
) -> None:
    text = _text(register, fmt)
    for purpose in register.purposes:
        assert " ".join(purpose.activity.split()) in text, purpose.key
        if purpose.legitimate_interest:
            assert " ".join(purpose.legitimate_interest.split()) in text, purpose.key
    for basis in {p.lawful_basis for p in register.purposes if p.lawful_basis}:
        assert f"{basis.label} ({basis.article} UK GDPR)" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_notice_explains_the_mondago_sharing_in_both_its_scopes(
    register: Register, fmt: str
) -> None:
    text = _text(register, fmt)
    mondago = register.recipient("mondago")
    assert f"Sharing with {mondago.name}" in text
    assert len(mondago.scopes) == 2
    for scope in mondago.scopes:
        assert scope.description in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_notice_names_mondago_an_independent_controller_marketing_to_those_who_consented(
    register: Register, fmt: str
) -> None:
    text = _text(register, fmt)
    mondago = register.recipient("mondago")
    shared_with = text[text.rindex("Who we share your data with") :]
    entry = shared_with[shared_with.index(mondago.name) : shared_with.index("Service providers")]
    assert "Mondago receives them as an independent controller" in entry
    assert "markets its own products and services only to people who consented to Mondago's" in (
        entry
    )
    # the contradiction the notice used to carry: marketing its own products with data it
    # "may not use for its own purposes"
    assert "may not use your data for their own purposes" not in entry


@pytest.mark.parametrize("fmt", FORMATS)
def test_notice_says_mondago_markets_only_with_consent_and_never_on_legitimate_interests(
    register: Register, fmt: str
) -> None:
    text = _text(register, fmt)
    purpose = register.purpose("mondago_marketing")
    consent = "Consent (Art. 6(1)(a) UK GDPR)"
    # the purposes table: Mondago's marketing on consent, with no legitimate interest stated
    activity = " ".join(purpose.activity.split())
    row = text[text.index(activity) + len(activity) :].lstrip(" |")
    categories = "Identity Data, Contact Data, Marketing and Communications Data"
    assert row.startswith(categories)
    cell = " " if fmt == "html" else " | "
    assert row[len(categories) :].lstrip(" |").startswith(f"{consent}{cell}Not applicable")
    assert "Mondago addendum" not in text
    assert "Art. 6(1)(f))" not in text  # the addendum's legitimate interest, gone
    # the sharing section: what it says Mondago does, and the basis it gives for it, agree
    section = text[text.index("Sharing with Mondago Limited") :]
    section = section[: section.index("An objection to marketing stops")]
    assert "only to people who consented to Mondago's marketing" in section.replace("&#39;", "'")
    (marketing_scope,) = [
        s for s in register.recipient("mondago").scopes if "mondago_marketing" in s.purposes
    ]
    said = section[section.index(marketing_scope.description) :]
    assert said[len(marketing_scope.description) :].startswith(f" Lawful basis: {consent}.")
    assert "Legitimate interests" not in section


@pytest.mark.parametrize("fmt", FORMATS)
def test_notice_says_a_child_is_never_marketed_to(register: Register, fmt: str) -> None:
    text = _text(register, fmt)
    assert (
        f"If we learn that someone is under {register.minimum_age}, we never use their data for "
        "marketing, ours or any other company's, whatever the basis we would otherwise rely on."
    ) in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_notice_covers_marketing_opt_outs_and_third_party_opt_in(
    register: Register, fmt: str
) -> None:
    text = _text(register, fmt)
    marketing_email = register.contacts.marketing.email
    assert marketing_email
    assert f"opt out by e-mailing {marketing_email}" in text
    assert "right to object to direct marketing at any time" in text
    for channel in register.marketing_channels:
        assert channel.name in text
        for way in channel.opt_out:
            assert way in text
    third_party = register.marketing_channel("third_party")
    opt_in = re.escape(third_party.name) + r" (\| )?Only with your express opt-in consent"
    assert re.search(opt_in, text)


@pytest.mark.parametrize("fmt", FORMATS)
def test_notice_lists_every_cookie_with_a_readable_lifetime_and_consent(
    register: Register, fmt: str
) -> None:
    text = _text(register, fmt)
    assert register.cookies
    for cookie in register.cookies:
        assert cookie.name in text
        assert cookie.purpose in text
        if cookie.lifetime:
            assert Duration.parse(cookie.lifetime).describe() in text
    assert "6 months" in text  # cookie_choices, P6M
    assert "Until you close your browser" in text
    assert "Only with your consent" in text
    assert "No consent needed: strictly necessary" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_notice_says_what_we_collect_and_what_we_never_collect(
    register: Register, fmt: str
) -> None:
    text = _text(register, fmt)
    for category in register.categories:
        assert category.name in text
        for field in category.fields:
            assert field.label in text
    for prohibited in register.prohibited_categories:
        assert prohibited.name in text
    assert f"children under {register.minimum_age}" in text
    assert "We do not knowingly collect data relating to children" in text
    assert "aggregated data" in text
    for method in register.collection_methods:
        assert method.name in text
        for example in method.examples:
            assert example in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_notice_gives_transfers_with_their_safeguards(register: Register, fmt: str) -> None:
    text = _text(register, fmt)
    assert "The United States (US)" in text
    assert "Data Privacy Framework UK Extension" in text
    assert "UK Addendum to the EU standard contractual clauses" in text
    assert "Ireland (IE)" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_notice_gives_each_retention_rule_in_words(register: Register, fmt: str) -> None:
    text = _text(register, fmt)
    for rule in register.retention_rules:
        assert rule.name in text
    assert (
        "7 years from the end of the relationship, or 6 years from the end of the financial "
        "year of the last transaction, whichever is later"
    ) in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_notice_states_fees_identity_checks_and_time_limits_as_the_law_has_them(
    register: Register, fmt: str
) -> None:
    text = _text(register, fmt)
    assert "manifestly unfounded or excessive" in text
    assert "You do not have to pay a fee" in text
    assert "confirm your identity" in text
    assert "within one month of receiving your request at the latest" in text
    assert "up to two further months" in text
    assert "we tell you within the first month" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_notice_sends_call_data_requests_to_the_customer(register: Register, fmt: str) -> None:
    text = _text(register, fmt)
    assert register.organisation.controller_scope in text
    assert register.organisation.processor_scope in text
    assert "we forward it to the customer without undue delay" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_notice_contains_none_of_the_old_policys_defects(register: Register, fmt: str) -> None:
    raw = render_notice(register, fmt)  # type: ignore[arg-type]
    text = _text(register, fmt)
    for phrase in FORBIDDEN:
        assert phrase.lower() not in raw.lower()
        assert phrase.lower() not in text.lower()


@pytest.mark.parametrize("fmt", FORMATS)
def test_notice_sections_come_in_the_promised_order(register: Register, fmt: str) -> None:
    text = _text(register, fmt)
    positions = [text.index(f"{n}. {name}") for n, (_, name) in enumerate(SECTIONS, start=1)]
    assert positions == sorted(positions)


def test_html_notice_is_a_whole_page_with_contents_and_section_anchors(
    register: Register,
) -> None:
    page = _page(register)
    assert {"html", "head", "title", "body", "nav", "main"} <= page.seen
    assert page.title.startswith("Privacy notice")
    assert page.open == []
    assert page.mismatched == []
    for anchor, _ in SECTIONS:
        assert anchor in page.ids
        assert f"#{anchor}" in page.links
    assert len(page.ids) == len(set(page.ids))


def test_markdown_notice_has_anchored_headings_and_a_contents_list(register: Register) -> None:
    markdown = render_notice(register, "md")
    for number, (anchor, name) in enumerate(SECTIONS, start=1):
        assert f"\n## {number}. {name} {{#{anchor}}}\n" in markdown
        assert f"[{name}](#{anchor})" in markdown
    rows = [line for line in markdown.splitlines() if line.startswith("|")]
    assert rows
    header_cells = {line.count("|") for line in rows if line.startswith("|---")}
    assert all(re.fullmatch(r"\|(---\|)+", line) for line in rows if line.startswith("|---"))
    assert header_cells


def test_html_notice_escapes_register_text(register: Register) -> None:
    added = Purpose(
        key="events",
        activity="To invite you to <b>events</b> & webinars.",
        categories=["identity"],
        lawful_basis=LawfulBasis.CONSENT,
        consent_channels=["email"],
        subject_kinds=["marketing_contact"],
        retention="marketing_preferences",
    )
    changed = register.model_copy(update={"purposes": [*register.purposes, added]})
    html = render_notice(changed, "html")
    assert "To invite you to &lt;b&gt;events&lt;/b&gt; &amp; webinars." in html
    markdown = render_notice(changed, "md")
    assert r"To invite you to \<b\>events\</b\> & webinars." in markdown  # text, not HTML


def test_markdown_table_cells_cannot_break_the_table(register: Register) -> None:
    added = Purpose(
        key="pipes",
        activity="To compare plans | prices.",
        categories=["identity"],
        lawful_basis=LawfulBasis.CONTRACT,
        subject_kinds=["end_user"],
        retention="customer_records",
    )
    changed = register.model_copy(update={"purposes": [*register.purposes, added]})
    assert "| To compare plans \\| prices. |" in render_notice(changed, "md")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_changed_register_changes_the_notice(register: Register, fmt: str) -> None:
    contacts = register.contacts
    dco = contacts.data_compliance_officer.model_copy(update={"email": "privacy@example.org"})
    complaints = contacts.complaints.model_copy(update={"acknowledge_within_days": 14})
    changed = register.model_copy(
        update={
            "contacts": contacts.model_copy(
                update={"data_compliance_officer": dco, "complaints": complaints}
            ),
            "minimum_age": 16,
        }
    )
    text = _text(changed, fmt)
    assert "privacy@example.org" in text
    assert "We acknowledge your complaint within 14 days" in text
    assert "children under 16" in text
    assert "children under 13" not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_company_fact_is_written_into_the_templates(fmt: str) -> None:
    """Rename the company, its partner and the regulator's site: none of the old names remain."""
    renamed = (
        shipped_register_text()
        .replace("Akixi", "Examplo")
        .replace("akixi", "examplo")
        .replace("Mondago", "Partnerco")
        .replace("ico.org.uk", "regulator.example")
        .replace("Wycliffe House", "Regulator House")
    )
    changed = parse_register(renamed, source="<renamed>").register
    raw = render_notice(changed, fmt)  # type: ignore[arg-type]
    for old in ("Akixi", "akixi", "Mondago", "ico.org.uk", "Wycliffe"):
        assert old not in raw
    assert "Examplo Limited" in raw
    assert "Partnerco" in raw


def test_an_unknown_format_is_refused(register: Register) -> None:
    with pytest.raises(ValueError, match="unknown notice format"):
        render_notice(register, "pdf")  # type: ignore[arg-type]
