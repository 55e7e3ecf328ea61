"""Reading a register from YAML, with the file's line number on every problem.

The file is read by `yaml_document` (composed with line numbers, validated by the model), then
cross-checked; problems are collected, never raised one at a time: a DCO fixing a register
wants the whole list.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path as FilePath

from dataward.adapters.yaml_document import DocumentKind, parse_document, read_document
from dataward.domain.errors import RegisterInvalid
from dataward.domain.register.checks import cross_check
from dataward.domain.register.document import LoadedRegister
from dataward.domain.register.model import Register

SHIPPED_REGISTER = "register.yaml"
REGISTER_DOCUMENT = DocumentKind(Register, "register", RegisterInvalid, cross_check)


def shipped_register_text() -> str:
    return resources.files("dataward.policies").joinpath(SHIPPED_REGISTER).read_text("utf-8")


def load_register_file(path: FilePath | str | None = None) -> LoadedRegister:
    """Load and check a register file (the shipped one when `path` is None)."""
    if path is None:
        return parse_register(shipped_register_text(), source=f"<shipped {SHIPPED_REGISTER}>")
    return parse_register(read_document(path, RegisterInvalid), source=str(path))


def parse_register(text: str, *, source: str) -> LoadedRegister:
    """Parse, validate and cross-check; raise `RegisterInvalid` listing every error."""
    register, warnings = parse_document(text, source, REGISTER_DOCUMENT)
    return LoadedRegister(
        register=register,
        source=source,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        text=text,
        warnings=tuple(warnings),
    )
