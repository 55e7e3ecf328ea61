"""Every kind of broken register is rejected with every problem named by path and line."""

from __future__ import annotations

import pytest
import yaml

from dataward.adapters.register_file import parse_register, shipped_register_text
from dataward.domain.errors import RegisterInvalid
from dataward.domain.register.problems import Severity

SHIPPED = shipped_register_text()


def mutate(old: str, new: str, *, count: int = 1) -> str:
    """The shipped register with one exact piece of text replaced (which must be there)."""
    assert SHIPPED.count(old) >= count, f"fixture text not found: {old!r}"
    return SHIPPED.replace(old, new, count)


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def rejected(text: str) -> list[str]:
    with pytest.raises(RegisterInvalid) as caught:
        parse_register(text, source="test.yaml")
    return [str(p) for p in caught.value.problems]


def test_a_misspelt_lawful_basis_is_named_with_its_path_and_line() -> None:
    text = mutate(
        "    lawful_basis: consent\n    marketing: true\n    consent_channels: [email, sms, post]",
        "    lawful_basis: consnt\n    marketing: true\n    consent_channels: [email, sms, post]",
    )
    (problem,) = rejected(text)
    assert problem.startswith("purposes[12].lawful_basis: not one of 'consent'")
    assert "consnt" not in problem  # the value refused is never quoted
    assert problem.endswith(f"(line {line_of(text, 'consnt')})")


def test_a_purpose_naming_an_unknown_category() -> None:
    text = mutate("categories: [technical, usage]", "categories: [technical, usgae]")
    (problem,) = rejected(text)
    assert "purposes[11].categories[1]: unknown category 'usgae'" in problem
    assert f"(line {line_of(text, 'usgae')})" in problem


def test_a_purpose_naming_an_unknown_recipient() -> None:
    text = mutate("recipients: [mondago]", "recipients: [mondago_ltd]")
    (problem,) = rejected(text)
    assert "unknown recipient 'mondago_ltd'" in problem
    assert f"(line {line_of(text, 'mondago_ltd')})" in problem


def test_legitimate_interests_without_a_statement() -> None:
    text = mutate("    legitimate_interest: To recover debts due to us.\n", "")
    (problem,) = rejected(text)
    assert "purposes[4]: purpose 'debt_recovery' relies on legitimate interests" in problem


def test_consent_outside_marketing_is_a_warning_not_an_error() -> None:
    text = mutate(
        "    categories: [identity, contact, correspondence]\n    lawful_basis: contract",
        "    categories: [identity, contact, correspondence]\n    lawful_basis: consent",
    )
    loaded = parse_register(text, source="test.yaml")
    (warning,) = loaded.warnings
    assert warning.severity is Severity.WARNING
    assert warning.location == "purposes[2].lawful_basis"
    assert "consent is relied on only for direct marketing" in warning.message


def test_a_transfer_outside_the_uk_and_eea_without_a_mechanism() -> None:
    text = mutate(
        '      - {country: IE, mechanism: adequacy, note: "EEA state (DPA 2018 Sch 21 para 5)"}\n'
        "    terms:\n      contract_date: 2023-01-10  # confirm: date of its data processing "
        "terms\n"
        "      instructions: Hold support",
        "      - {country: IN}\n    terms:\n      contract_date: 2023-01-10\n"
        "      instructions: Hold support",
    )
    (problem,) = rejected(text)
    assert "processors[2].transfers[0]: transfer to IN (outside the UK and EEA) has no" in problem


def test_adequacy_claimed_for_a_country_without_it() -> None:
    text = mutate("{country: US, mechanism: uk_addendum,", "{country: BR, mechanism: adequacy,")
    (problem,) = rejected(text)
    assert "'adequacy' claimed for BR, which is not on the UK adequacy list" in problem


def test_us_adequacy_needs_the_data_privacy_framework_extension() -> None:
    text = mutate(
        "      - {country: US, mechanism: adequacy, dpf_uk_extension: true, dpf_certified_on: ",
        "      - {country: US, mechanism: adequacy, dpf_certified_on: ",
    )
    (problem,) = rejected(text)
    assert "Data Privacy Framework" in problem


def test_a_category_without_a_retention_rule() -> None:
    text = mutate("    role: controller\n    retention: technical_logs\n", "    role: controller\n")
    (problem,) = rejected(text)
    assert problem.startswith("categories[4]: category 'technical' has no retention rule")


def test_a_missing_required_field() -> None:
    text = mutate("  website: https://www.akixi.com\n", "")
    (problem,) = rejected(text)
    assert problem.startswith("organisation.website: required field is missing")
    assert "(line " in problem


def test_an_unknown_field_is_refused_not_ignored() -> None:
    text = mutate("minimum_age: 13\n", "minimum_age: 13\nminimum_agee: 12\n")
    (problem,) = rejected(text)
    assert problem.startswith("minimum_agee: unknown field (line ")


def test_a_minimum_age_below_the_uk_age_of_digital_consent() -> None:
    (problem,) = rejected(mutate("minimum_age: 13", "minimum_age: 12"))
    assert problem.startswith("minimum_age: Input should be greater than or equal to 13")


def test_duplicate_keys_in_a_list() -> None:
    text = mutate("  - key: analytics\n", "  - key: content_and_advertising\n")
    problems = rejected(text)
    assert any("purposes[11].key: duplicate 'content_and_advertising'" in p for p in problems)
    # The renamed purpose leaves the marketing role pointing at a purpose that is gone.
    assert any("staff_roles[3].purposes[4]: unknown purpose 'analytics'" in p for p in problems)


def test_a_key_written_twice_in_one_mapping() -> None:
    text = mutate("minimum_age: 13\n", "minimum_age: 13\nminimum_age: 16\n")
    (problem,) = rejected(text)
    assert (
        problem == f"minimum_age: this key appears twice (line {line_of(text, 'minimum_age: 16')})"
    )


def test_a_bad_retention_duration() -> None:
    text = mutate(
        "{duration: P13M, runs_from: collection}", "{duration: 13 months, runs_from: collection}"
    )
    (problem,) = rejected(text)
    assert "retention_rules[1].terms[0].duration: not a duration like P7Y" in problem
    assert "13 months" not in problem


def test_citing_the_repealed_1998_act() -> None:
    text = mutate(
        "  - Data Protection Act 2018, as amended", "  - Data Protection Act 1998, as amended"
    )
    (problem,) = rejected(text)
    assert problem.startswith("legislation[1]: 'Data Protection Act 1998' was repealed")


def test_a_cookie_set_without_consent_needs_an_exemption() -> None:
    text = mutate("    lifetime: P1Y\n    exemption: appearance\n", "    lifetime: P1Y\n")
    (problem,) = rejected(text)
    assert problem.startswith("cookies[3]: a cookie set without consent names no exemption")


def test_collecting_a_prohibited_field_is_refused() -> None:
    text = mutate("{key: date_of_birth, label: Date of birth}", "{key: health, label: Health}")
    (problem,) = rejected(text)
    assert "field 'health' belongs to prohibited category 'special_category'" in problem


def test_every_problem_is_listed_not_just_the_first() -> None:
    text = mutate("categories: [technical, usage]", "categories: [technical, usgae]")
    text = text.replace("recipients: [mondago]", "recipients: [mondago_ltd]", 1)
    text = text.replace("minimum_age: 13", "minimum_age: 12")
    # The schema error stops cross-checks (they need a valid model); fix it and both show.
    assert len(rejected(text)) == 1
    text = text.replace("minimum_age: 12", "minimum_age: 13")
    assert len(rejected(text)) == 2


def test_yaml_syntax_errors_name_the_line() -> None:
    text = mutate("minimum_age: 13\n", "minimum_age: [13\n")
    (problem,) = rejected(text)
    assert problem.startswith("(document): not valid YAML")
    assert "(line " in problem


def test_an_empty_file() -> None:
    assert rejected("") == ["(document): the file is empty"]


@pytest.mark.parametrize(
    ("field", "old", "bad"),
    [
        ("organisation.website", "  website: https://www.akixi.com\n", "javascript:alert(1)"),
        ("organisation.website", "  website: https://www.akixi.com\n", "http://www.akixi.com"),
        (
            "contacts.supervisory_authority.complaint_url",
            "    complaint_url: https://ico.org.uk/make-a-complaint/\n",
            "JavaScript:alert(1)",
        ),
        (
            "contacts.complaints.web_form",
            "    web_form: https://www.akixi.com/privacy/complaints\n",
            "data:text/html,<script>alert(1)</script>",
        ),
        (
            "contacts.data_compliance_officer.web",
            "    web: https://www.akixi.com/privacy-policy/\n",
            "https://www.akixi.com@evil.example/",  # a user name, then someone else's host
        ),
        (
            "contacts.data_compliance_officer.web",
            "    web: https://www.akixi.com/privacy-policy/\n",
            'https://www.akixi.com/"><script>alert(1)</script>',
        ),
        (
            "contacts.supervisory_authority.website",
            "    website: https://ico.org.uk\n",
            "mailto:x@y.org?bcc=z@evil.example",
        ),
    ],
)
def test_a_link_that_is_not_https_is_named_with_its_path_and_line(
    field: str, old: str, bad: str
) -> None:
    key = old.split(":", 1)[0]
    text = mutate(old, f"{key}: '{bad}'\n")
    (problem,) = rejected(text)
    assert problem.startswith(f"{field}: must "), problem
    assert problem.endswith(f"(line {line_of(text, repr(bad))})")
    assert bad not in problem


@pytest.mark.parametrize(
    ("field", "old", "bad"),
    [
        ("contacts.complaints.email", "    email: dco@akixi.com  # confirm\n    web_form", "dco"),
        (
            "contacts.marketing.email",
            "    email: marketing@akixi.com\n",
            "marketing?bcc=someone@evil.example",
        ),
        (
            "contacts.marketing.email",
            "    email: marketing@akixi.com\n",
            "<script>@akixi.com",
        ),
    ],
)
def test_an_address_that_a_mailto_link_would_misread_is_refused(
    field: str, old: str, bad: str
) -> None:
    key, rest = old.split(":", 1)
    tail = rest[rest.index("\n") :]
    text = mutate(old, f"{key}: '{bad}'{tail}")
    (problem,) = rejected(text)
    assert problem.startswith(f"{field}: must be an e-mail address"), problem
    assert f"(line {line_of(text, repr(bad))})" in problem


def test_a_link_may_be_a_mailto_address_and_keeps_its_spelling() -> None:
    text = mutate(
        "    web_form: https://www.akixi.com/privacy/complaints\n",
        "    web_form: mailto:Complaints@akixi.com\n",
    )
    loaded = parse_register(text, source="test.yaml")
    assert loaded.register.contacts.complaints.web_form == "mailto:Complaints@akixi.com"


def test_a_marketing_partner_that_may_not_use_the_data_for_itself_is_a_contradiction() -> None:
    # the notice would say Mondago "may not use your data for their own purposes" and, in
    # the same breath, that Mondago markets its own products with it
    text = mutate(
        "    own_purposes_allowed: true\n    scopes:\n      - key: marketing_and_sales",
        "    scopes:\n      - key: marketing_and_sales",
    )
    (problem,) = rejected(text)
    assert problem.startswith(
        "recipients[1]: recipient 'mondago' receives data for marketing (mondago_marketing) "
        "and is not our service provider"
    )
    assert "set own_purposes_allowed" in problem


def test_an_independent_controller_that_may_not_use_the_data_for_itself() -> None:
    text = mutate(
        "    own_purposes_allowed: true  # as independent controllers, for their professional "
        "duties\n",
        "",
    )
    (problem,) = rejected(text)
    assert problem.startswith(
        "recipients[3]: recipient 'professional_advisers' is described as an independent controller"
    )


def test_a_service_provider_never_uses_the_data_for_its_own_purposes() -> None:
    text = mutate(
        "    services: [hosting, e-mail delivery, payment processing, system administration]\n",
        "    services: [hosting, e-mail delivery, payment processing, system administration]\n"
        "    own_purposes_allowed: true\n",
    )
    (problem,) = rejected(text)
    assert problem.startswith("recipients[2].own_purposes_allowed: a service provider acts as")
    added = line_of(text, "system administration]\n    own_purposes_allowed") + 1
    assert problem.endswith(f"(line {added})")


@pytest.mark.parametrize("role", ["tenant_admin", "marketing"])
def test_a_role_narrower_than_every_tenant_cannot_be_given_maintenance(role: str) -> None:
    actions = {
        "tenant_admin": "    actions: [register_subjects, erase_subjects, ingest_calls, "
        "read_call_reports, manage_requests,\n              manage_holds, manage_restrictions]\n",
        "marketing": "    actions: [register_subjects, record_consent, disclose_to_recipients]\n",
    }[role]
    granted = actions.replace("]\n", ", run_maintenance]\n")
    text = mutate(actions, granted)
    (problem,) = rejected(text)
    index = [r["key"] for r in yaml.safe_load(text)["staff_roles"]].index(role)
    assert problem.startswith(f"staff_roles[{index}].actions[")
    assert "run_maintenance reaches every tenant's data" in problem
    at = line_of(text, granted) + granted[: granted.index("run_maintenance")].count("\n")
    assert problem.endswith(f"(line {at})")
