"""Ports point inward: the layers import only what is beneath them.

- `domain` imports nothing of dataward's outside itself: it is pure.
- `services` import the domain and each other, never an adapter, an entry point, or the
  composition root (`bootstrap`, `installation`): what they need from outside they receive
  through a port.
- `adapters` import the domain and the services' ports, never a service's use case.
- The entry points are thin and apart: the command line does not import the API, nor the API
  the command line.

Every `import` is read, those inside functions too, so a lazy import cannot hide a dependency.
`KNOWN` lists what is still to move, each with where it goes; it may only shrink.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "src" / "dataward"

OUTSIDE = {
    "domain": (
        "dataward.services",
        "dataward.adapters",
        "dataward.entrypoints",
        "dataward.bootstrap",
        "dataward.installation",
        "dataward.config",
    ),
    "services": (
        "dataward.adapters",
        "dataward.entrypoints",
        "dataward.bootstrap",
        "dataward.installation",
    ),
    "adapters": ("dataward.entrypoints", "dataward.bootstrap", "dataward.installation"),
    "entrypoints/cli": ("dataward.entrypoints.api",),
    "entrypoints/api": ("dataward.entrypoints.cli",),
}
"""For each layer (a folder under src/dataward), the modules it may not import."""


def _is_port(name: str) -> bool:
    """An adapter imports a service module only if it is one of ports (`ports`, `*_ports`)."""
    return name == "ports" or name.endswith("_ports")


KNOWN: dict[tuple[str, str], str] = {
    ("services/quarantine/lines.py", "dataward.adapters.ingest.files"): (
        "a replay's source is made by a port bound in bootstrap"
    ),
}
"""Imports that break the rule today, each with its way out."""


PACKAGES = {"dataward", "dataward.domain", "dataward.services", "dataward.adapters",
            "dataward.entrypoints"}  # fmt: skip
"""`from <package> import <name>` imports the module <package>.<name>."""


def _imports(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module in PACKAGES:
                yield from (f"{node.module}.{alias.name}" for alias in node.names)
            else:
                yield node.module


STARTS_THE_API = {"dataward.entrypoints.api.app", "dataward.entrypoints.api.server"}
"""`dataward serve` starts the API: the one thing the command line takes from it."""


def _breaks(layer: str, module: str) -> bool:
    if layer == "entrypoints/cli" and module in STARTS_THE_API:
        return False
    if any(module == bad or module.startswith(f"{bad}.") for bad in OUTSIDE[layer]):
        return True
    if layer == "adapters" and module.startswith("dataward.services."):
        return not _is_port(module.rsplit(".", 1)[-1])
    return False


def _found() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for layer in OUTSIDE:
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            where = path.relative_to(PACKAGE).as_posix()
            found |= {(where, m) for m in _imports(path) if _breaks(layer, m)}
    return found


def test_no_layer_imports_what_is_above_it() -> None:
    broken = {
        (where, module)
        for where, module in _found()
        if not any(where == k[0] and module.startswith(k[1]) for k in KNOWN)
    }
    assert not broken, "\n".join(f"{w} imports {m}" for w, m in sorted(broken))


@pytest.mark.parametrize(("where", "module"), sorted(KNOWN))
def test_each_known_exception_still_exists(where: str, module: str) -> None:
    """A known exception that is gone must leave the list, so the list only shrinks."""
    assert any(w == where and m.startswith(module) for w, m in _found()), (
        f"{where} no longer imports {module}: take it out of KNOWN"
    )
