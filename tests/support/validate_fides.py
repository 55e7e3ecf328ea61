"""Check a dataward fideslang export with fideslang itself.

Run by the Python of a virtual environment that has fideslang installed (fideslang pins its own
pydantic, so it never goes into the project's environment):

    .fides-venv/bin/python tests/support/validate_fides.py export.json

Every system, organization and custom taxonomy item is parsed with its fideslang model; fields
the model does not know are reported (fideslang ignores them silently); every data category,
data use and data subject referenced must exist in fideslang's default taxonomy or among the
custom items the export declares, and data flows must name a system the export declares.
Prints one problem per line and exits 1, or prints "ok N systems" and exits 0.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from fideslang import DEFAULT_TAXONOMY
from fideslang.models import (
    DataCategory,
    DataFlow,
    DataSubject,
    DataUse,
    Organization,
    PrivacyDeclaration,
    System,
)
from pydantic import BaseModel, ValidationError

CUSTOM_MODELS: dict[str, type[BaseModel]] = {
    "data_category": DataCategory,
    "data_use": DataUse,
    "data_subject": DataSubject,
}
TOP_LEVEL = {"system", "organization", *CUSTOM_MODELS}


def validate(document: Any) -> tuple[list[str], int]:
    """All problems with the document, and how many systems it has."""
    if not isinstance(document, dict):
        return ["the export must be a JSON object"], 0
    problems = [f"unknown top-level key {key!r}" for key in document if key not in TOP_LEVEL]
    known, deprecated = _default_keys()
    organizations = {"default_organization"}
    for item in document.get("organization", []):
        if _parse(Organization, item, "organization", problems) is not None:
            organizations.add(item["fides_key"])
    _check_custom(document, known, problems)
    systems = document.get("system", [])
    system_keys = {s.get("fides_key") for s in systems if isinstance(s, dict)}
    for system in systems:
        where = f"system {system.get('fides_key')!r}"
        _parse(System, system, where, problems)
        if system.get("organization_fides_key", "default_organization") not in organizations:
            problems.append(f"{where}: unknown organization {system['organization_fides_key']!r}")
        for direction in ("egress", "ingress"):
            for flow in system.get(direction) or []:
                _check_flow(flow, f"{where} {direction}", system_keys, known, problems)
        for declaration in system.get("privacy_declarations") or []:
            here = f"{where} declaration {declaration.get('name')!r}"
            _check_declaration(declaration, here, known, deprecated, problems)
    problems += _unknown_fields(document)
    return problems, len(systems)


def _check_custom(
    document: dict[str, Any], known: dict[str, set[str]], problems: list[str]
) -> None:
    """Parse the custom taxonomy items, add their keys to `known`, check their parents."""
    for kind, model in CUSTOM_MODELS.items():
        for item in document.get(kind, []):
            where = f"{kind} {item.get('fides_key')!r}"
            if _parse(model, item, where, problems) is None:
                continue
            if item["fides_key"] in known[kind]:
                problems.append(f"{where}: redeclares a default taxonomy key")
            known[kind].add(item["fides_key"])
    for kind in ("data_category", "data_use"):
        for item in document.get(kind, []):
            parent = item.get("parent_key")
            if parent is not None and parent not in known[kind]:
                problems.append(f"{kind} {item.get('fides_key')!r}: unknown parent_key {parent!r}")


def _default_keys() -> tuple[dict[str, set[str]], set[str]]:
    known = {
        "data_category": {c.fides_key for c in DEFAULT_TAXONOMY.data_category},
        "data_use": {u.fides_key for u in DEFAULT_TAXONOMY.data_use},
        "data_subject": {s.fides_key for s in DEFAULT_TAXONOMY.data_subject},
    }
    deprecated = {
        item.fides_key
        for items in (
            DEFAULT_TAXONOMY.data_category,
            DEFAULT_TAXONOMY.data_use,
            DEFAULT_TAXONOMY.data_subject,
        )
        for item in items
        if item.version_deprecated
    }
    return known, deprecated


def _parse(model: type[BaseModel], item: Any, where: str, problems: list[str]) -> BaseModel | None:
    try:
        return model.model_validate(item)
    except ValidationError as error:
        for detail in error.errors():
            location = ".".join(str(part) for part in detail["loc"]) or "(item)"
            problems.append(f"{where}: {location}: {detail['msg']}")
        return None


def _check_declaration(
    declaration: dict[str, Any],
    where: str,
    known: dict[str, set[str]],
    deprecated: set[str],
    problems: list[str],
) -> None:
    references = [
        ("data_use", [declaration.get("data_use")]),
        ("data_category", declaration.get("data_categories") or []),
        ("data_category", declaration.get("shared_categories") or []),
        ("data_subject", declaration.get("data_subjects") or []),
    ]
    for kind, keys in references:
        for key in keys:
            if key not in known[kind]:
                problems.append(f"{where}: unknown {kind} {key!r}")
            elif key in deprecated:
                problems.append(f"{where}: deprecated {kind} {key!r}")


def _check_flow(
    flow: dict[str, Any],
    where: str,
    system_keys: set[Any],
    known: dict[str, set[str]],
    problems: list[str],
) -> None:
    if flow.get("type") == "system" and flow.get("fides_key") not in system_keys:
        problems.append(f"{where}: flow to unknown system {flow.get('fides_key')!r}")
    if flow.get("type") == "dataset":
        problems.append(f"{where}: flow to dataset {flow.get('fides_key')!r}, none declared")
    for key in flow.get("data_categories") or []:
        if key not in known["data_category"]:
            problems.append(f"{where}: unknown data_category {key!r}")


def _unknown_fields(document: dict[str, Any]) -> list[str]:
    """Fields fideslang would drop without a word: almost always a misspelling."""
    problems: list[str] = []
    for kind, model in [("organization", Organization), *CUSTOM_MODELS.items()]:
        for item in document.get(kind, []):
            problems += _extra(item, model, f"{kind} {item.get('fides_key')!r}")
    for system in document.get("system", []):
        where = f"system {system.get('fides_key')!r}"
        problems += _extra(system, System, where)
        for direction in ("egress", "ingress"):
            for flow in system.get(direction) or []:
                problems += _extra(flow, DataFlow, f"{where} {direction}")
        for declaration in system.get("privacy_declarations") or []:
            name = declaration.get("name")
            problems += _extra(declaration, PrivacyDeclaration, f"{where} declaration {name!r}")
    return problems


def _extra(item: Any, model: type[BaseModel], where: str) -> list[str]:
    if not isinstance(item, dict):
        return []
    return [f"{where}: unknown field {name!r}" for name in item if name not in model.model_fields]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        sys.stderr.write("usage: validate_fides.py EXPORT.json\n")
        return 2
    document = json.loads(Path(argv[1]).read_text("utf-8"))
    problems, systems = validate(document)
    for problem in problems:
        sys.stdout.write(problem + "\n")
    if problems:
        return 1
    sys.stdout.write(f"ok {systems} systems\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
