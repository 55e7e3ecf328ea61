"""The DPV JSON-LD export: every purpose described with DPV concepts that exist."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dataward.adapters.documents.dpv import export_dpv
from dataward.adapters.register_file import load_register_file
from dataward.domain.register.model import LawfulBasis, Register, Role

ART_6_BASES = {
    "dpv:Consent",
    "dpv:Contract",
    "dpv:LegalObligation",
    "dpv:VitalInterest",
    "dpv:PublicInterest",
    "dpv:LegitimateInterest",
}


@pytest.fixture(scope="module")
def register() -> Register:
    return load_register_file().register


@pytest.fixture(scope="module")
def document(register: Register) -> dict[str, Any]:
    return export_dpv(register)


def nodes(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {node["@id"]: node for node in document["@graph"]}


def processes(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        node["dct:identifier"]: node
        for node in document["@graph"]
        if node["@id"].startswith("dw:process/")
    }


def ids(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [item["@id"] for item in values]


def test_the_context_names_the_dpv_namespaces(document: dict[str, Any]) -> None:
    context = document["@context"]

    assert context["dpv"] == "https://w3id.org/dpv#"
    assert context["pd"] == "https://w3id.org/dpv/pd#"
    assert context["legal-gb"] == "https://w3id.org/dpv/legal/gb#"


def test_every_purpose_is_a_dpv_process(register: Register, document: dict[str, Any]) -> None:
    found = processes(document)

    assert set(found) == {p.key for p in register.purposes}
    assert all(node["@type"] == "dpv:Process" for node in found.values())
    assert all(ids(node["dpv:hasPurpose"]) for node in found.values())


def test_every_legal_basis_is_an_art_6_basis_of_dpv(
    register: Register, document: dict[str, Any]
) -> None:
    found = processes(document)

    for purpose in register.purposes:
        bases = ids(found[purpose.key].get("dpv:hasLegalBasis", []))
        assert set(bases) <= ART_6_BASES
        assert len(bases) == (0 if purpose.lawful_basis is None else 1)


def test_consent_marketing_maps_to_the_consent_basis(
    register: Register, document: dict[str, Any]
) -> None:
    found = processes(document)

    assert ids(found["direct_marketing"]["dpv:hasLegalBasis"]) == ["dpv:Consent"]
    assert ids(found["direct_marketing"]["dpv:hasPurpose"]) == ["dpv:DirectMarketing"]
    for purpose in register.purposes:
        if purpose.lawful_basis is LawfulBasis.CONSENT:
            assert ids(found[purpose.key]["dpv:hasLegalBasis"]) == ["dpv:Consent"]


def test_the_json_round_trips(document: dict[str, Any]) -> None:
    assert json.loads(json.dumps(document)) == document


def test_controller_and_processor_are_named_by_role(
    register: Register, document: dict[str, Any]
) -> None:
    found = processes(document)

    for purpose in register.purposes:
        node = found[purpose.key]
        if purpose.role is Role.CONTROLLER:
            assert ids(node["dpv:hasDataController"]) == ["dw:organisation"]
            assert "dpv:hasDataProcessor" not in node
        else:
            assert ids(node["dpv:hasDataController"]) == ["dw:customer"]
            assert ids(node["dpv:hasDataProcessor"]) == ["dw:organisation"]


def test_every_reference_to_our_own_nodes_resolves(document: dict[str, Any]) -> None:
    graph = nodes(document)

    for node in graph.values():
        for name in ("dpv:hasDataSubject", "dpv:hasRecipient", "dpv:hasLegalBasis"):
            for target in ids(node.get(name, [])):
                assert not target.startswith("dw:") or target in graph, (node["@id"], target)


def test_storage_conditions_carry_the_retention_terms(
    register: Register, document: dict[str, Any]
) -> None:
    found = processes(document)

    for purpose in register.purposes:
        rule = register.retention_rule(purpose.retention)
        conditions = found[purpose.key]["dpv:hasStorageCondition"]
        durations = [c["dpv:hasDuration"]["rdf:value"]["@value"] for c in conditions]
        assert durations == [term.duration for term in rule.terms]
        assert {c["@type"] for c in conditions} == {"dpv:StorageDuration"}


def test_transfers_abroad_name_the_country_and_safeguard(document: dict[str, Any]) -> None:
    graph = nodes(document)
    transfer = graph["dw:transfer/processor/payment_processing/US"]

    assert ids(transfer["dpv:hasProcessing"]) == ["dpv:Transfer"]
    assert ids(transfer["dpv:hasThirdCountry"]) == ["loc:US"]
    [basis] = ids(transfer["dpv:hasLegalBasis"])
    assert graph[basis]["@type"] == "dpv:DataTransferLegalBasis"
    assert "UK Addendum" in graph[basis]["rdfs:label"]
    assert not any(node_id.endswith("/GB") for node_id in graph)
