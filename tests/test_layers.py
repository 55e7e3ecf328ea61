"""Ports point inward: the layers import only what is beneath them.

- `domain` imports nothing of dataward's outside itself: it is pure.
- `services` import the domain and each other, never an adapter, an entry point, or the
  composition root (`bootstrap`, `installation`): what they need from outside they receive
  through a port.
- `adapters` import the domain and the services' ports, never a service's use case.
- The entry points are thin and apart: the command line does not import the API, nor the API
  the command line.

Every `import` is read, those inside functions too, so a lazy import cannot hide a dependency.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

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


PACKAGES = {
    "dataward",
    "dataward.domain",
    "dataward.services",
    "dataward.adapters",
    "dataward.entrypoints",
}
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
    broken = _found()
    assert not broken, "\n".join(f"{w} imports {m}" for w, m in sorted(broken))


def test_the_rule_sees_lazy_imports_and_tells_ports_from_use_cases(tmp_path: Path) -> None:
    module = tmp_path / "lazy.py"
    module.write_text("def f():\n    from dataward.adapters.sql.uow import SqlUnitOfWork\n")
    assert list(_imports(module)) == ["dataward.adapters.sql.uow"]
    assert _breaks("services", "dataward.adapters.sql.uow")
    assert _breaks("domain", "dataward.services.ports")
    assert _breaks("adapters", "dataward.services.rights.requests")
    assert not _breaks("adapters", "dataward.services.calls.ingest_ports")
    assert not _breaks("entrypoints/cli", "dataward.entrypoints.api.server")
    assert _breaks("entrypoints/cli", "dataward.entrypoints.api.calls")
