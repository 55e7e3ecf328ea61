"""The register's vocabulary moved to `register_terms`; every old import still works."""

from __future__ import annotations

from pathlib import Path

from dataward.domain.register import model as register
from dataward.domain.register import terms

SRC = Path(register.__file__).parent


def test_every_name_in_all_is_there_and_the_terms_are_the_same_objects() -> None:
    for name in register.__all__:
        assert hasattr(register, name), name
    for name in ("LawfulBasis", "Role", "StaffAction", "StaffRoleScope", "Duration", "Key"):
        assert name in register.__all__
        assert getattr(register, name) is getattr(terms, name)


def test_the_public_classes_of_register_are_all_exported() -> None:
    public = {
        name
        for name, value in vars(register).items()
        if isinstance(value, type)
        and not name.startswith("_")
        and value.__module__ in {register.__name__, terms.__name__}
    }
    assert public <= set(register.__all__)


def test_both_modules_stay_under_five_hundred_lines() -> None:
    for module in ("model.py", "terms.py"):
        assert len((SRC / module).read_text("utf-8").splitlines()) < 500, module
