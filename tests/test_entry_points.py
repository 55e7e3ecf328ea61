"""Entry points call a use case with its context and its command, nothing else.

A command-line command or an API handler gets a bound use case from the composition root
(`common.use_case` / `common.reading`, `deps.UseCaseDep` / `deps.ReadingDep`) and never opens
a unit of work of its own: the one place each door binds one is its binding module. The few
steps that run before a register or an actor exists (loading the register, the published
register's documents, redeeming a download link whose token is its only credential) are named
here, and the list may only shrink.
"""

from __future__ import annotations

import ast
from pathlib import Path

ENTRY_POINTS = Path(__file__).parents[1] / "src" / "dataward" / "entrypoints"

BINDINGS = {"api/deps.py", "api/console/web.py", "cli/common.py"}
"""Where each door binds a use case (and reads the register and the token) for the others."""

BEFORE_ANY_ACTOR = {
    "api/register.py",  # the published register's versions: no token, no actor
    "api/downloads.py",  # a download link's token is its own credential
    "api/console/auth.py",  # signing in, and a password link: their credentials are their own
    "cli/main.py",  # `dataward init` may replace the register before one is in force
    "cli/policy.py",  # loading a register, and reading one before a database exists
}
"""Doors that run before a register or an actor exists, so no use case can be bound."""


def _opens_a_unit_of_work(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "uow"
    ]


def test_no_entry_point_opens_a_unit_of_work_of_its_own() -> None:
    found = {
        f"{path.relative_to(ENTRY_POINTS)}:{line}"
        for path in sorted(ENTRY_POINTS.rglob("*.py"))
        if str(path.relative_to(ENTRY_POINTS)) not in BINDINGS | BEFORE_ANY_ACTOR
        for line in _opens_a_unit_of_work(path)
    }
    assert found == set(), "entry points pass a bound use case: " + ", ".join(sorted(found))


def test_the_exceptions_are_still_needed() -> None:
    """An exception no longer used goes from the list."""
    unused = {name for name in BEFORE_ANY_ACTOR if not _opens_a_unit_of_work(ENTRY_POINTS / name)}
    assert unused == set()


def test_the_rule_sees_a_unit_of_work_opened_anywhere_in_a_call(tmp_path: Path) -> None:
    handler = tmp_path / "handler.py"
    handler.write_text("def f(c):\n    return g(x=c.uow(read_only=True))\n", encoding="utf-8")
    assert _opens_a_unit_of_work(handler) == [2]
