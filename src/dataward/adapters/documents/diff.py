"""Rendering a register diff for a person (text) or a program (JSON)."""

from __future__ import annotations

import json
from typing import Any, Literal

from dataward.domain.register.diff import Change, RegisterDiff

MATERIAL_HEADING = "Changes that require notice before processing"
EDITORIAL_HEADING = "Editorial changes"
NO_CHANGES = "No changes"


def render_diff(diff: RegisterDiff, fmt: Literal["text", "json"]) -> str:
    """The diff as text with two headed sections, or as JSON with `material` and `editorial`."""
    if fmt == "json":
        document = {
            "material": [_as_json(change) for change in diff.material],
            "editorial": [_as_json(change) for change in diff.editorial],
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if fmt == "text":
        return _as_text(diff)
    raise ValueError(f"unknown diff format {fmt!r}; use 'text' or 'json'")


def _as_json(change: Change) -> dict[str, Any]:
    return {
        "path": change.path,
        "kind": change.kind.value,
        "old": change.old,
        "new": change.new,
        "summary": change.summary,
    }


def _as_text(diff: RegisterDiff) -> str:
    if diff.empty:
        return NO_CHANGES + "\n"
    lines: list[str] = []
    for heading, changes in (
        (MATERIAL_HEADING, diff.material),
        (EDITORIAL_HEADING, diff.editorial),
    ):
        title = f"{heading} ({len(changes)})"
        if lines:
            lines.append("")
        lines.extend([title, "=" * len(title)])
        lines.extend([f"- {change.summary}" for change in changes] or ["(none)"])
    return "\n".join(lines) + "\n"
