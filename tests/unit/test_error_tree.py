"""The errors module's docstring draws every error dataward raises, and says where it lives."""

from __future__ import annotations

import importlib
import pkgutil

import dataward
from dataward.domain import errors
from dataward.domain.errors import DatawardError


def _every_module() -> None:
    for module in pkgutil.walk_packages(dataward.__path__, "dataward."):
        # Alembic environments and `python -m dataward` run when imported.
        if "migrations" not in module.name and not module.name.endswith("__main__"):
            importlib.import_module(module.name)


def _subclasses(kind: type[DatawardError]) -> set[type[DatawardError]]:
    found = set(kind.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_every_error_is_in_the_tree_with_its_module() -> None:
    _every_module()
    tree = errors.__doc__ or ""
    for error in _subclasses(DatawardError):
        line = next((t for t in tree.splitlines() if f" {error.__name__} " in t + " "), None)
        assert line is not None, f"{error.__name__} is not in the errors tree"
        if error.__module__ != errors.__name__:
            where = error.__module__.removeprefix("dataward.")
            block = tree.split(f" {error.__name__} ", 1)[1].split("├──", 1)[0].split("└──")[0]
            assert f"({where})" in block, f"{error.__name__}: the tree does not say {where}"
