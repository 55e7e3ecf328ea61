"""Documentation as tests: an undocumented command or setting fails the build."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
from typer.main import get_group

from dataward.config import Settings
from dataward.entrypoints.cli.main import app

README = (Path(__file__).parents[1] / "README.md").read_text("utf-8")


def _commands(cli: typer.Typer) -> list[str]:
    group = get_group(cli)
    names: list[str] = []
    for name, command in group.commands.items():
        sub = getattr(command, "commands", None)
        if sub:
            names.extend(f"{name} {child}" for child in sub)
        else:
            names.append(name)
    return names


@pytest.mark.parametrize("command", _commands(app))
def test_every_cli_command_is_in_the_readme(command: str) -> None:
    assert f"`dataward {command}" in README


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    assert f"`DATAWARD_{name.upper()}`" in README
    assert Settings.model_fields[name].description


def test_the_quick_start_is_exactly_two_commands() -> None:
    quick_start = README.split("## Quick start", 1)[1].split("```")[1]
    assert quick_start.strip().splitlines() == ["make run", "make test"]


ROOT = Path(__file__).parents[1]
CITATION = re.compile(r"docs/legal-rules\.md\s+([AC]\d(?:\s+R\d)?)")


def _citations() -> list[tuple[str, str]]:
    found = []
    for path in [
        *(ROOT / "src").rglob("*.py"),
        *(ROOT / "src").rglob("*.yaml"),
        *(ROOT / "tests").rglob("*.py"),
    ]:
        text = " ".join(path.read_text("utf-8").split())  # a citation may wrap a line
        found += [(path.relative_to(ROOT).as_posix(), m) for m in CITATION.findall(text)]
    return found


def test_every_citation_of_the_legal_rules_names_a_rule_there() -> None:
    """A comment citing `docs/legal-rules.md A1 R1` leads to `#a1-r1`, which must exist."""
    rules = (ROOT / "docs" / "legal-rules.md").read_text("utf-8")
    cited = _citations()
    assert len(cited) >= 15  # the finder finds the citations the code has
    for where, rule in cited:
        anchor = "-".join(rule.lower().split())
        assert f'<a id="{anchor}"></a>' in rules, f"{where} cites {rule}: no #{anchor}"
