"""The fideslang export, checked by fideslang itself in its own virtual environment.

fideslang pins its own pydantic, so it lives in `.fides-venv` (or the interpreter named by
DATAWARD_FIDES_PYTHON), never in the project's environment; `tests/support/validate_fides.py`
runs there and parses the export with fideslang's models and default taxonomy.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from dataward.adapters.documents.fides import export_fides
from dataward.adapters.register_file import load_register_file
from dataward.domain.register.model import Register, Role

ROOT = Path(__file__).parents[2]
VALIDATOR = ROOT / "tests" / "support" / "validate_fides.py"
FIDES_PYTHON = Path(os.environ.get("DATAWARD_FIDES_PYTHON", ROOT / ".fides-venv/bin/python"))


@pytest.fixture(scope="module")
def register() -> Register:
    return load_register_file().register


def validate(document: dict[str, Any], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    if not FIDES_PYTHON.exists():
        pytest.skip(
            f"no fideslang interpreter at {FIDES_PYTHON}: create it with "
            "`python3 -m venv .fides-venv && .fides-venv/bin/pip install fideslang` "
            "or set DATAWARD_FIDES_PYTHON"
        )
    export = tmp_path / "fides.json"
    export.write_text(json.dumps(document, indent=2), "utf-8")
    return subprocess.run(
        [str(FIDES_PYTHON), str(VALIDATOR), str(export)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.fideslang
def test_the_shipped_register_exports_to_valid_fideslang(
    register: Register, tmp_path: Path
) -> None:
    result = validate(export_fides(register), tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    systems = 2 + len(register.recipients) + len(register.processors)
    assert result.stdout.strip() == f"ok {systems} systems"


@pytest.mark.fideslang
def test_the_validator_names_an_unknown_data_category(register: Register, tmp_path: Path) -> None:
    document = export_fides(register)
    document["system"][0]["privacy_declarations"][0]["data_categories"][0] = "user.not_a_real_key"

    result = validate(document, tmp_path)

    assert result.returncode == 1
    assert "unknown data_category 'user.not_a_real_key'" in result.stdout


def test_each_purpose_is_one_privacy_declaration_of_its_role(register: Register) -> None:
    systems = {s["fides_key"]: s for s in export_fides(register)["system"]}

    for role in (Role.CONTROLLER, Role.PROCESSOR):
        system = systems[f"akixi_limited_as_{role.value}"]
        names = [d["name"].split(":", 1)[0] for d in system["privacy_declarations"]]
        assert names == [p.key for p in register.purposes_for(role)]


def test_custom_labels_are_declared_under_a_default_parent(register: Register) -> None:
    document = export_fides(register)

    declared = {item["fides_key"] for item in document["data_category"]}
    assert "user.telephony_activity" in declared
    uses = {d["data_use"] for s in document["system"] for d in s["privacy_declarations"]}
    assert "essential.service.call_reporting" in uses
    for item in document["data_category"] + document["data_use"]:
        assert item["fides_key"].startswith(item["parent_key"] + ".")
