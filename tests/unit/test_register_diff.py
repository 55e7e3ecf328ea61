"""The register diff: what must be told to people before processing, and what is editorial."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dataward.adapters.documents.diff import render_diff
from dataward.adapters.register_file import (
    load_register_file,
    parse_register,
    shipped_register_text,
)
from dataward.domain.register.diff import Change, ChangeKind, RegisterDiff, diff_registers
from dataward.domain.register.model import (
    Cookie,
    CookieDuration,
    CookieParty,
    LawfulBasis,
    Register,
    Transfer,
    TransferMechanism,
)


@pytest.fixture(scope="module")
def register() -> Register:
    return load_register_file().register


def with_purpose(register: Register, key: str, **update: Any) -> Register:
    purposes = [p.model_copy(update=update) if p.key == key else p for p in register.purposes]
    return register.model_copy(update={"purposes": purposes})


def with_recipient(register: Register, key: str, **update: Any) -> Register:
    recipients = [r.model_copy(update=update) if r.key == key else r for r in register.recipients]
    return register.model_copy(update={"recipients": recipients})


def with_term(register: Register, rule_key: str, duration: str) -> Register:
    rule = register.retention_rule(rule_key)
    terms = [rule.terms[0].model_copy(update={"duration": duration}), *rule.terms[1:]]
    changed = rule.model_copy(update={"terms": terms})
    rules = [changed if r.key == rule_key else r for r in register.retention_rules]
    return register.model_copy(update={"retention_rules": rules})


def paths(changes: list[Change]) -> list[str]:
    return [change.path for change in changes]


def test_identical_registers_have_no_changes(register: Register) -> None:
    diff = diff_registers(register, register)

    assert diff.empty
    assert diff == RegisterDiff()
    assert render_diff(diff, "text") == "No changes\n"


def test_a_new_purpose_is_material(register: Register) -> None:
    purpose = register.purpose("analytics").model_copy(update={"key": "call_quality_scoring"})
    new = register.model_copy(update={"purposes": [*register.purposes, purpose]})

    diff = diff_registers(register, new)

    assert paths(diff.material) == ["purposes[call_quality_scoring]"]
    assert diff.material[0].kind is ChangeKind.ADDED
    assert diff.material[0].new["activity"] == purpose.activity
    assert "a new purpose" in diff.material[0].summary
    assert diff.editorial == []


def test_a_changed_lawful_basis_is_material(register: Register) -> None:
    new = with_purpose(register, "analytics", lawful_basis=LawfulBasis.CONSENT)

    diff = diff_registers(register, new)

    assert paths(diff.material) == ["purposes[analytics].lawful_basis"]
    change = diff.material[0]
    assert (change.kind, change.old, change.new) == (
        ChangeKind.CHANGED,
        "legitimate_interests",
        "consent",
    )


def test_a_changed_legitimate_interest_statement_is_material(register: Register) -> None:
    new = with_purpose(register, "analytics", legitimate_interest="To sell insights.")

    diff = diff_registers(register, new)

    assert paths(diff.material) == ["purposes[analytics].legitimate_interest"]


def test_a_new_recipient_is_material(register: Register) -> None:
    acme = register.recipient("professional_advisers").model_copy(
        update={"key": "acme_auditors", "name": "Acme Auditors LLP"}
    )
    new = register.model_copy(update={"recipients": [*register.recipients, acme]})

    diff = diff_registers(register, new)

    assert paths(diff.material) == ["recipients[acme_auditors]"]


def test_a_purpose_gaining_a_recipient_or_category_is_material(register: Register) -> None:
    new = with_purpose(
        register,
        "analytics",
        recipients=["service_providers", "mondago"],
        categories=["technical", "usage", "contact"],
    )

    diff = diff_registers(register, new)

    assert sorted(paths(diff.material)) == [
        "purposes[analytics].categories[contact]",
        "purposes[analytics].recipients[mondago]",
    ]


def test_a_new_transfer_to_a_new_country_is_material(register: Register) -> None:
    adviser = register.recipient("professional_advisers")
    swiss = Transfer(country="CH", mechanism=TransferMechanism.ADEQUACY)
    new = with_recipient(register, "professional_advisers", transfers=[*adviser.transfers, swiss])

    diff = diff_registers(register, new)

    assert paths(diff.material) == ["recipients[professional_advisers].transfers[CH]"]
    assert diff.material[0].new["mechanism"] == "adequacy"


def test_a_changed_transfer_mechanism_of_a_processor_is_material(register: Register) -> None:
    processors = [
        p.model_copy(
            update={"transfers": [Transfer(country="US", mechanism=TransferMechanism.IDTA)]}
        )
        if p.key == "email_delivery"
        else p
        for p in register.processors
    ]
    new = register.model_copy(update={"processors": processors})

    diff = diff_registers(register, new)

    assert "processors[email_delivery].transfers[US].mechanism" in paths(diff.material)


def test_a_changed_dco_email_and_version_are_editorial_only(register: Register) -> None:
    contacts = register.contacts
    dco = contacts.data_compliance_officer.model_copy(update={"email": "privacy@akixi.com"})
    new = register.model_copy(
        update={
            "contacts": contacts.model_copy(update={"data_compliance_officer": dco}),
            "policy": register.policy.model_copy(update={"version": "2026.2"}),
        }
    )

    diff = diff_registers(register, new)

    assert diff.material == []
    assert paths(diff.editorial) == [
        "policy.version",
        "contacts.data_compliance_officer.email",
    ]
    assert all("Editorial" in change.summary for change in diff.editorial)


def test_a_version_bump_in_the_yaml_text_is_editorial() -> None:
    text = shipped_register_text()
    assert 'version: "2026.1"' in text
    old = parse_register(text, source="old").register
    new = parse_register(text.replace('version: "2026.1"', 'version: "2026.2"'), source="new")

    diff = diff_registers(old, new.register)

    assert (paths(diff.material), paths(diff.editorial)) == ([], ["policy.version"])


def test_longer_retention_is_material(register: Register) -> None:
    new = with_term(register, "technical_logs", "P25M")

    diff = diff_registers(register, new)

    assert paths(diff.material) == ["retention_rules[technical_logs].terms[collection].duration"]


def test_shorter_retention_is_editorial(register: Register) -> None:
    new = with_term(register, "technical_logs", "P6M")

    diff = diff_registers(register, new)

    assert diff.material == []
    assert paths(diff.editorial) == ["retention_rules[technical_logs].terms[collection].duration"]
    assert "no longer than before" in diff.editorial[0].summary


def test_the_same_period_written_differently_is_editorial(register: Register) -> None:
    new = with_term(register, "customer_records", "P84M")  # 84 months are 7 years

    assert diff_registers(register, new).material == []


def test_a_purpose_moved_to_a_longer_retention_rule_is_material(register: Register) -> None:
    longer = with_purpose(register, "analytics", retention="customer_records")
    shorter = with_purpose(register, "analytics", retention="technical_logs")

    assert paths(diff_registers(register, longer).material) == ["purposes[analytics].retention"]
    assert diff_registers(register, shorter).material == []


def test_a_new_consent_cookie_is_material_and_an_exempt_one_editorial(register: Register) -> None:
    def cookie(name: str, *, consent: bool) -> Cookie:
        return Cookie(
            name=name,
            provider="Akixi",
            party=CookieParty.FIRST,
            purpose="Test.",
            duration=CookieDuration.SESSION,
            consent_required=consent,
        )

    new = register.model_copy(
        update={
            "cookies": [
                *register.cookies,
                cookie("_fbp", consent=True),
                cookie("lb", consent=False),
            ]
        }
    )

    diff = diff_registers(register, new)

    assert paths(diff.material) == ["cookies[_fbp]"]
    assert paths(diff.editorial) == ["cookies[lb]"]


def test_removed_processing_is_editorial_and_says_why(register: Register) -> None:
    purposes = [p for p in register.purposes if p.key != "content_and_advertising"]
    new = register.model_copy(update={"purposes": purposes})

    diff = diff_registers(register, new)

    assert diff.material == []
    assert paths(diff.editorial) == ["purposes[content_and_advertising]"]
    assert "reduces processing" in diff.editorial[0].summary


def test_list_items_are_matched_by_key_not_position(register: Register) -> None:
    new = register.model_copy(update={"purposes": list(reversed(register.purposes))})

    assert diff_registers(register, new).empty


def test_text_rendering_has_both_headed_sections(register: Register) -> None:
    new = with_purpose(register, "analytics", lawful_basis=LawfulBasis.CONSENT)
    new = new.model_copy(update={"policy": new.policy.model_copy(update={"version": "2026.2"})})

    text = render_diff(diff_registers(register, new), "text")

    material = text.index("Changes that require notice before processing (1)")
    editorial = text.index("Editorial changes (1)")
    assert material < text.index("purposes[analytics].lawful_basis") < editorial
    assert editorial < text.index("policy.version")


def test_json_rendering_lists_each_change_with_its_fields(register: Register) -> None:
    new = with_purpose(register, "analytics", lawful_basis=LawfulBasis.CONSENT)

    document = json.loads(render_diff(diff_registers(register, new), "json"))

    assert document["editorial"] == []
    [change] = document["material"]
    assert change["path"] == "purposes[analytics].lawful_basis"
    assert (change["kind"], change["old"], change["new"]) == (
        "changed",
        "legitimate_interests",
        "consent",
    )
    assert change["summary"].startswith("purposes[analytics].lawful_basis changed")
