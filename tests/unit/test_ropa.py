"""The record of processing (Art. 30) built from the shipped register, in every format."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser

import pytest

from dataward.adapters.documents.ropa import CSV_COLUMNS, FIELD_LABELS, render_ropa
from dataward.adapters.register_file import load_register_file
from dataward.domain.register.model import (
    Derogation,
    HoldKind,
    LawfulBasis,
    Purpose,
    Register,
    RetentionEvent,
    Role,
    Transfer,
    TransferMechanism,
)
from dataward.domain.register.ropa import (
    CONTROLLER_EXTRAS,
    CONTROLLER_FIELDS,
    NO_CONTROLLERS,
    PROCESSOR_EXTRAS,
    PROCESSOR_FIELDS,
    build_ropa,
)
from dataward.domain.register.wording import (
    DEROGATION_WORDS,
    EVENT_WORDS,
    HOLD_WORDS,
    MECHANISM_WORDS,
)

Rows = dict[str, dict[str, str]]


@pytest.fixture(scope="module")
def register() -> Register:
    return load_register_file().register


class _EntryParser(HTMLParser):
    """Collects, per <section id>, the <td> text of each row carrying data-field."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: dict[str, dict[str, str]] = {}
        self.tags: list[str] = []
        self.title = ""
        self._section: str | None = None
        self._field: str | None = None
        self._in_title = False
        self._in_td = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = dict(attrs)
        if tag == "section" and found.get("id"):
            self._section = found["id"]
            self.sections[self._section or ""] = {}
        if found.get("data-field") and self._section:
            self._field = found["data-field"]
        self._in_title = tag == "title"
        self._in_td = self._in_td or tag == "td"

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._in_td = False
        if tag == "tr":
            self._field = None
        if tag == "section":
            self._section = None
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._section and self._field and self._in_td:
            cells = self.sections[self._section]
            cells[self._field] = cells.get(self._field, "") + data


def _html_entries(register: Register) -> tuple[_EntryParser, Rows, Rows]:
    parser = _EntryParser()
    parser.feed(render_ropa(register, "html"))
    controller = {
        key.removeprefix("controller-"): {f: " ".join(v.split()) for f, v in cells.items()}
        for key, cells in parser.sections.items()
        if key.startswith("controller-")
    }
    processor = {
        key.removeprefix("processor-"): {f: " ".join(v.split()) for f, v in cells.items()}
        for key, cells in parser.sections.items()
        if key.startswith("processor-")
    }
    return parser, controller, processor


def _csv_entries(register: Register) -> tuple[list[str], Rows, Rows]:
    reader = csv.DictReader(io.StringIO(render_ropa(register, "csv")))
    rows = list(reader)
    controller = {row["key"]: row for row in rows if row["part"] == "controller"}
    processor = {row["key"]: row for row in rows if row["part"] == "processor"}
    assert len(controller) + len(processor) == len(rows)
    return list(reader.fieldnames or []), controller, processor


def _json_entries(register: Register) -> tuple[dict[str, object], Rows, Rows]:
    document = json.loads(render_ropa(register, "json"))
    controller = {
        e["key"]: {f: "; ".join(v) for f, v in e.items() if f != "key"}
        for e in document["controller"]
    }
    processor = {
        e["key"]: {f: "; ".join(v) for f, v in e.items() if f != "key"}
        for e in document["processor"]
    }
    return document, controller, processor


def _all_formats(register: Register) -> dict[str, tuple[Rows, Rows]]:
    _, csv_c, csv_p = _csv_entries(register)
    _, json_c, json_p = _json_entries(register)
    _, html_c, html_p = _html_entries(register)
    return {"csv": (csv_c, csv_p), "json": (json_c, json_p), "html": (html_c, html_p)}


def _keys(register: Register, role: Role) -> set[str]:
    return {p.key for p in register.purposes_for(role)}


@pytest.mark.parametrize("fmt", ["csv", "json", "html"])
def test_every_controller_purpose_has_every_art_30_1_field_filled(
    register: Register, fmt: str
) -> None:
    controller, _ = _all_formats(register)[fmt]
    assert set(controller) == _keys(register, Role.CONTROLLER)
    for key, entry in controller.items():
        for field in CONTROLLER_FIELDS + CONTROLLER_EXTRAS:
            assert entry.get(field, "").strip(), f"{fmt}: {key} has no {field}"


@pytest.mark.parametrize("fmt", ["csv", "json", "html"])
def test_every_processor_purpose_has_every_art_30_2_field_filled(
    register: Register, fmt: str
) -> None:
    _, processor = _all_formats(register)[fmt]
    assert set(processor) == _keys(register, Role.PROCESSOR)
    assert processor, "the shipped register has processor purposes"
    for key, entry in processor.items():
        for field in PROCESSOR_FIELDS + PROCESSOR_EXTRAS:
            assert entry.get(field, "").strip(), f"{fmt}: {key} has no {field}"


def test_art_30_field_names_are_the_csv_columns_and_the_html_has_a_label_for_each() -> None:
    fields = CONTROLLER_FIELDS + CONTROLLER_EXTRAS + PROCESSOR_FIELDS + PROCESSOR_EXTRAS
    assert set(fields) <= set(CSV_COLUMNS)
    assert CSV_COLUMNS[:2] == ("part", "key")
    assert set(fields) <= set(FIELD_LABELS)
    for field in ("joint_controller", "representative", "dco", "transfers", "purposes"):
        assert field in CONTROLLER_FIELDS
    for field in ("processor", "controllers", "processing", "transfers", "security_measures"):
        assert field in PROCESSOR_FIELDS


def test_csv_lists_join_with_semicolons_and_processor_only_columns_stay_empty(
    register: Register,
) -> None:
    header, controller, processor = _csv_entries(register)
    assert header == list(CSV_COLUMNS)
    assert controller["order_delivery"]["processor"] == ""
    assert processor["telephony_reporting"]["lawful_basis"] == ""
    assert "Identity Data: First name" in controller["order_delivery"]["personal_data"]
    assert "; Contact Data: " in controller["order_delivery"]["personal_data"]


def test_json_says_which_policy_version_it_was_generated_from(register: Register) -> None:
    document, _, _ = _json_entries(register)
    assert document["generated_from"] == {
        "policy_version": register.policy.version,
        "last_updated": register.policy.last_updated.isoformat(),
    }


def test_html_is_a_titled_page_with_one_section_per_purpose(register: Register) -> None:
    parser, controller, processor = _html_entries(register)
    assert parser.title.startswith("Record of processing activities")
    assert parser.tags[:3] == ["html", "head", "meta"]
    assert parser.tags.count("section") == len(register.purposes)
    html = render_ropa(register, "html")
    for tag in ("section", "table", "tr", "td", "ul", "html", "body"):
        assert html.count(f"<{tag}>") + html.count(f"<{tag} ") == html.count(f"</{tag}>"), tag
    assert len(controller) + len(processor) == len(register.purposes)


def test_joint_controller_and_representative_are_stated_as_none(register: Register) -> None:
    for entry in build_ropa(register).controller:
        columns = entry.columns()
        assert columns["joint_controller"] == ("none",)
        assert columns["representative"] == ("none",)


def test_controller_and_dco_carry_their_contact_details(register: Register) -> None:
    entry = build_ropa(register).controller[0].columns()
    organisation = register.organisation
    assert organisation.legal_name in entry["controller"][0]
    assert organisation.website in entry["controller"][0]
    assert organisation.registered_address.one_line() in entry["controller"][0]
    dco = register.contacts.data_compliance_officer
    assert dco.name in entry["dco"][0]
    assert dco.email
    assert dco.email in entry["dco"][0]


def test_debt_recovery_rests_on_legitimate_interests_with_its_statement(
    register: Register,
) -> None:
    purpose = register.purpose("debt_recovery")
    for fmt, (controller, _) in _all_formats(register).items():
        entry = controller["debt_recovery"]
        assert "Legitimate interests" in entry["lawful_basis"], fmt
        assert "Art. 6(1)(f)" in entry["lawful_basis"], fmt
        assert purpose.legitimate_interest == entry["legitimate_interest"], fmt
        assert entry["consent_based"] == "no", fmt


def test_consent_purposes_say_so_with_their_channels(register: Register) -> None:
    columns = {e.key: e.columns() for e in build_ropa(register).controller}
    assert columns["direct_marketing"]["consent_based"][0].startswith("yes")
    consent = columns["direct_marketing"]["consent_based"][0]
    for key in register.purpose("direct_marketing").consent_channels:
        assert register.marketing_channel(key).name in consent
    assert columns["order_delivery"]["legitimate_interest"] == ("not applicable",)


def test_us_transfers_show_their_mechanism(register: Register) -> None:
    _, controller, _ = _csv_entries(register)
    transfers = controller["order_delivery"]["transfers"]
    assert "Payment processor, US: the UK Addendum to the EU standard contractual" in transfers
    assert "E-mail delivery provider, US: UK adequacy regulations" in transfers
    assert "Data Privacy Framework UK Extension" in transfers
    assert (
        "Customer support desk software, IE: UK adequacy regulations; EEA state (DPA 2018"
        in transfers
    )


def test_transfers_come_from_recipients_and_from_processors_of_the_categories(
    register: Register,
) -> None:
    entries = {e.key: e for e in build_ropa(register).controller}
    analytics = {(t.via, t.country) for t in entries["analytics"].transfers}
    # analytics uses Technical and Usage data: only the service providers' recipient transfers.
    assert ("Service providers", "US") in analytics
    assert not any(via == "Payment processor" for via, _ in analytics)
    debt = {(t.via, t.country, t.mechanism) for t in entries["debt_recovery"].transfers}
    assert ("Payment processor", "US", TransferMechanism.UK_ADDENDUM) in debt
    assert all(t.country != "GB" for e in entries.values() for t in e.transfers)


def test_a_derogation_transfer_names_its_ground(register: Register) -> None:
    derogation = Transfer(
        country="IN", mechanism=TransferMechanism.DEROGATION, derogation=Derogation.LEGAL_CLAIMS
    )
    processors = [
        p.model_copy(update={"transfers": [*p.transfers, derogation]})
        if p.key == "payment_processing"
        else p
        for p in register.processors
    ]
    changed = register.model_copy(update={"processors": processors})
    _, controller, _ = _csv_entries(changed)
    transfers = controller["order_delivery"]["transfers"]
    assert "Payment processor, IN: an Art. 49 derogation on the ground of legal claims" in transfers


def test_customer_records_retention_gives_both_terms_and_the_later_wins(
    register: Register,
) -> None:
    for fmt, (controller, _) in _all_formats(register).items():
        limits = controller["order_delivery"]["erasure_time_limits"]
        assert "7 years from the end of the relationship" in limits, fmt
        assert "6 years from the end of the financial year of the last transaction" in limits, fmt
        assert "whichever is later" in limits, fmt
        assert "a tax enquiry" in limits, fmt
        assert "Limitation Act 1980" in limits, fmt


def test_a_category_with_its_own_rule_shows_that_rule_too(register: Register) -> None:
    entry = {e.key: e for e in build_ropa(register).controller}["order_delivery"]
    marketing = register.category("marketing_communications")
    assert marketing.retention != register.purpose("order_delivery").retention
    assert any(line.startswith(marketing.name) for line in entry.erasure_time_limits)


def test_sources_come_from_the_subject_kinds_collection_methods(register: Register) -> None:
    entry = {e.key: e for e in build_ropa(register).controller}["analytics"]
    expected = {
        register.collection_method(source).name
        for kind in register.purpose("analytics").subject_kinds
        for source in register.subject_kind(kind).sources
    }
    assert set(entry.sources) == expected


def test_with_no_tenant_the_processor_entries_say_so_not_a_placeholder(
    register: Register,
) -> None:
    for entry in build_ropa(register).processor:
        assert entry.columns()["controllers"] == (NO_CONTROLLERS,)
    assert "none" in NO_CONTROLLERS
    assert "tenant register" not in NO_CONTROLLERS  # no pointer to a list kept elsewhere


def test_named_customers_are_listed_as_the_controllers(register: Register) -> None:
    customers = [("Example Contact Centre Ltd", "dpo@example.org")]
    _, _, processor = _csv_entries(register)
    assert processor["telephony_reporting"]["controllers"] == NO_CONTROLLERS
    named = csv.DictReader(io.StringIO(render_ropa(register, "csv", controllers=customers)))
    row = next(r for r in named if r["key"] == "telephony_reporting")
    assert row["controllers"] == "Example Contact Centre Ltd (dpo@example.org)"


def test_processor_purposes_record_instructions_and_only_sub_processors(
    register: Register,
) -> None:
    entry = {e.key: e for e in build_ropa(register).processor}["telephony_reporting"]
    purpose = register.purpose("telephony_reporting")
    assert purpose.controller_instructions
    assert any(purpose.controller_instructions in line for line in entry.columns()["processing"])
    names = " ".join(entry.sub_processors)
    assert "Cloud infrastructure provider" in names
    assert "E-mail delivery provider" not in names
    assert entry.columns()["transfers"] == ("none: the data is not transferred outside the UK",)


def test_a_changed_dco_email_shows_in_every_format(register: Register) -> None:
    contacts = register.contacts
    dco = contacts.data_compliance_officer.model_copy(update={"email": "privacy@example.org"})
    changed = register.model_copy(
        update={"contacts": contacts.model_copy(update={"data_compliance_officer": dco})}
    )
    for fmt, (controller, processor) in _all_formats(changed).items():
        for entry in [*controller.values(), *processor.values()]:
            assert "privacy@example.org" in entry["dco"], fmt


def test_an_added_purpose_gets_its_own_entry_in_every_format(register: Register) -> None:
    added = Purpose(
        key="webinar_invitations",
        activity="To invite you to <webinars> & events you asked about.",
        categories=["identity", "contact"],
        lawful_basis=LawfulBasis.CONSENT,
        consent_channels=["email"],
        subject_kinds=["marketing_contact"],
        recipients=["service_providers"],
        retention="marketing_preferences",
    )
    changed = register.model_copy(update={"purposes": [*register.purposes, added]})
    for fmt, (controller, _) in _all_formats(changed).items():
        entry = controller["webinar_invitations"]
        assert "To invite you to <webinars> & events" in entry["purposes"], fmt
        assert entry["consent_based"].startswith("yes"), fmt
    assert "&lt;webinars&gt; &amp; events" in render_ropa(changed, "html")


def test_an_unknown_format_is_refused(register: Register) -> None:
    with pytest.raises(ValueError, match="unknown record format"):
        render_ropa(register, "pdf")  # type: ignore[arg-type]


def test_every_retention_event_hold_mechanism_and_derogation_has_words() -> None:
    assert set(EVENT_WORDS) == set(RetentionEvent)
    assert set(HOLD_WORDS) == set(HoldKind)
    assert set(MECHANISM_WORDS) == set(TransferMechanism)
    assert set(DEROGATION_WORDS) == set(Derogation)
