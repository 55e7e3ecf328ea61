"""The register records what each recipient is to us, the Art. 28 terms of every processor, and
enough of each transfer abroad to rely on it: a register missing any of it is refused, by path
and line; and a transfer is refused at run time when its mechanism does not hold today."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dataward.adapters.register_file import parse_register, shipped_register_text
from dataward.domain.errors import InvalidValue
from dataward.domain.register.model import RecipientRole, Transfer, TransferMechanism
from dataward.domain.register.ropa import build_ropa
from dataward.domain.register.transfers import (
    covering_keys,
    suspension_key,
    transfer_refusal,
)
from tests.unit.test_register_invalid import line_of, mutate, rejected

TODAY = date(2026, 12, 1)


def test_the_shipped_register_gives_each_recipient_its_role_and_each_processor_its_terms() -> None:
    register = parse_register(shipped_register_text(), source="shipped").register
    roles = {r.key: r.role for r in register.recipients}
    assert roles["mondago"] is RecipientRole.INDEPENDENT_CONTROLLER
    assert roles["service_providers"] is RecipientRole.PROCESSOR
    for recipient in register.recipients:
        assert (recipient.terms is not None) is recipient.role.acts_for_us, recipient.key
    assert all(p.terms is not None for p in register.processors)


def test_a_processor_without_art_28_terms_is_refused_at_its_line() -> None:
    block = (
        "    terms:\n      contract_date: 2023-01-10  # confirm: date of its data processing "
        "terms\n      instructions: Send the e-mail Akixi asks it to send, to the addresses "
        "Akixi gives, and nothing else.\n      sub_processors: []\n      reference: E-mail "
        "provider's data processing addendum  # confirm: where the signed copy is kept\n"
    )
    text = mutate(block, "")
    (problem,) = rejected(text)
    assert problem.startswith("processors[1]: processor 'email_delivery' has no contract")
    assert problem.endswith(f"(line {line_of(text, '  - key: email_delivery')})")


def test_a_recipient_processor_with_no_terms_is_named() -> None:
    text = mutate(
        "    kind: marketing_partner\n    role: independent_controller\n",
        "    kind: marketing_partner\n    role: processor\n",
    )
    problems = rejected(text)
    assert any(
        p.startswith("recipients[1]: recipient 'mondago' is a processor: record its Art. 28")
        for p in problems
    )
    # a processor that may use the data for itself is a controller (Art. 28(10))
    assert any(
        p.startswith("recipients[1].own_purposes_allowed: a processor acts only") for p in problems
    )


def test_an_independent_controller_must_be_free_to_use_the_data_for_itself() -> None:
    text = mutate(
        "  - key: tax_authority\n    name: HM Revenue & Customs, regulators and other authorities",
        "  - key: tax_authority\n    name: HM Revenue & Customs, regulators and other authorities",
    )
    text = text.replace(
        "authorities based in the United Kingdom, acting as independent controllers, who",
        "authorities based in the United Kingdom, who",
    ).replace("    own_purposes_allowed: true\n\nprocessors:", "\nprocessors:")
    (problem,) = rejected(text)
    assert problem.startswith(
        "recipients[4].role: recipient 'tax_authority' is an independent controller"
    )


def test_us_adequacy_without_the_dpf_certification_date_is_refused_at_its_line() -> None:
    old = "{country: US, mechanism: adequacy, dpf_uk_extension: true, dpf_certified_on: 2026-11-02}"
    new = "{country: US, mechanism: adequacy, dpf_uk_extension: true}"
    text = mutate(old, new)
    (problem,) = rejected(text)
    assert problem.startswith("processors[1].transfers[0]: US adequacy rests on the recipient's")
    assert problem.endswith(f"(line {line_of(text, new)})")


def test_a_derogation_needs_its_ground_and_its_record() -> None:
    old = '{country: US, mechanism: uk_addendum, note: "UK Addendum to the EU standard'
    text = mutate(old, '{country: US, mechanism: derogation, note: "UK Addendum to the EU standard')
    problems = rejected(text)
    assert any("must name its Art. 49 ground" in p for p in problems)
    assert any("needs its record (derogation_record)" in p for p in problems)
    recorded = mutate(
        old,
        "{country: US, mechanism: derogation, derogation: contract_with_subject, "
        'derogation_record: "DCO file 12, occasional transfer", '
        'note: "UK Addendum to the EU standard',
    )
    assert parse_register(recorded, source="t").register


def test_the_record_of_processing_shows_roles_and_art_28_terms() -> None:
    register = parse_register(shipped_register_text(), source="shipped").register
    ropa = build_ropa(register)
    marketing = next(e for e in ropa.controller if e.key == "order_delivery")
    text = "\n".join(marketing.recipients)
    assert "Mondago Limited (independent controller; GB)" in text
    assert "Service providers (processor;" in text
    assert "Art. 28 terms of 2023-01-10" in text
    assert "may use sub-processors:" in text


# -- run time ---------------------------------------------------------------------------------


def _us(**extra: object) -> Transfer:
    return Transfer.model_validate(
        {"country": "US", "mechanism": "adequacy", "dpf_uk_extension": True, **extra}
    )


def test_a_transfer_inside_the_uk_or_eea_needs_nothing() -> None:
    assert transfer_refusal(Transfer(country="GB"), {"adequacy"}, TODAY) is None
    assert transfer_refusal(Transfer(country="FR"), {"adequacy"}, TODAY) is None


def test_a_transfer_abroad_without_a_mechanism_is_refused() -> None:
    refusal = transfer_refusal(Transfer(country="IN"), set(), TODAY)
    assert refusal == "IN is outside the UK and EEA and the register records no mechanism"


def test_us_adequacy_holds_only_with_a_recent_dpf_certification() -> None:
    assert transfer_refusal(_us(dpf_certified_on=TODAY - timedelta(days=30)), set(), TODAY) is None
    assert "certification date" in str(transfer_refusal(_us(), set(), TODAY))
    stale = _us(dpf_certified_on=TODAY - timedelta(days=400))
    assert "over a year ago" in str(transfer_refusal(stale, set(), TODAY))
    future = _us(dpf_certified_on=TODAY + timedelta(days=1))
    assert "after today" in str(transfer_refusal(future, set(), TODAY))
    no_extension = _us(dpf_uk_extension=False, dpf_certified_on=TODAY)
    assert "not covered by UK adequacy" in str(transfer_refusal(no_extension, set(), TODAY))


@pytest.mark.parametrize("key", ["adequacy", "adequacy:US"])
def test_a_suspended_mechanism_refuses_the_transfer_it_covers(key: str) -> None:
    transfer = _us(dpf_certified_on=TODAY)
    refusal = transfer_refusal(transfer, {key}, TODAY)
    assert refusal == f"the adequacy transfer to US is suspended ({key})"
    assert transfer_refusal(transfer, {"adequacy:JP", "idta"}, TODAY) is None


def test_a_derogation_suspended_by_its_ground() -> None:
    transfer = Transfer.model_validate(
        {
            "country": "BR",
            "mechanism": "derogation",
            "derogation": "explicit_consent",
            "derogation_record": "consent form v3",
        }
    )
    assert covering_keys(transfer) == {"derogation", "derogation:BR", "derogation:explicit_consent"}
    assert transfer_refusal(transfer, set(), TODAY) is None
    assert transfer_refusal(transfer, {"derogation:explicit_consent"}, TODAY) is not None
    bare = transfer.model_copy(update={"derogation_record": None})
    assert "no record" in str(transfer_refusal(bare, set(), TODAY))


def test_suspension_keys_are_normalised_and_anything_else_refused_without_echo() -> None:
    assert suspension_key(" adequacy:us ") == "adequacy:US"
    assert suspension_key("derogation:EXPLICIT_CONSENT") == "derogation:explicit_consent"
    assert suspension_key(TransferMechanism.IDTA.value) == "idta"
    for bad in ("not_restricted", "adequacy:USA", "<script>", "idta:US:x", "x" * 500, ""):
        with pytest.raises(InvalidValue) as refused:
            suspension_key(bad)
        assert refused.value.field == "mechanism"
        assert bad not in str(refused.value) or bad == ""


def test_a_suspended_adequacy_reaches_the_eea_too_and_the_uk_needs_none() -> None:
    ireland = Transfer.model_validate({"country": "IE", "mechanism": "adequacy"})
    assert transfer_refusal(ireland, set(), TODAY) is None
    for key in ("adequacy", "adequacy:IE"):
        assert transfer_refusal(ireland, {key}, TODAY) == (
            f"the adequacy transfer to IE is suspended ({key})"
        )
    home = Transfer.model_validate({"country": "GB", "mechanism": "not_restricted"})
    assert transfer_refusal(home, {"adequacy", "idta"}, TODAY) is None
