"""What a subject access (Art. 15) or portability (Art. 20) answer holds: datasets of rows,
the supplementary information, and what was withheld and why. Pure data, no I/O; the
documents adapter renders it as a ZIP, deterministically.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

Cell = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class Dataset:
    """One table of the answer: a name (also its CSV file's), columns and rows of scalars."""

    name: str
    description: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...] = ()

    def records(self) -> list[dict[str, Cell]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def __repr__(self) -> str:  # never print the rows by accident
        return f"Dataset(name={self.name!r}, rows={len(self.rows)})"


@dataclass(frozen=True, slots=True)
class Withheld:
    """Something held that the answer does not give, and why (in words for the person)."""

    item: str
    reason: str


@dataclass(frozen=True, slots=True)
class SubjectPackage:
    kind: str
    """access or portability"""
    request_id: str
    subject_id: str
    generated_at: datetime
    organisation: str
    datasets: tuple[Dataset, ...]
    supplementary: Mapping[str, Any] = field(default_factory=dict)
    withheld: tuple[Withheld, ...] = ()

    def dataset(self, name: str) -> Dataset:
        for dataset in self.datasets:
            if dataset.name == name:
                return dataset
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "request_id": self.request_id,
            "subject_id": self.subject_id,
            "generated_at": self.generated_at.isoformat(),
            "organisation": self.organisation,
            "datasets": {
                d.name: {"description": d.description, "records": d.records()}
                for d in self.datasets
            },
            "supplementary_information": dict(self.supplementary),
            "withheld": [{"item": w.item, "reason": w.reason} for w in self.withheld],
        }

    def __repr__(self) -> str:
        return (
            f"SubjectPackage(kind={self.kind!r}, request_id={self.request_id!r}, "
            f"datasets={[d.name for d in self.datasets]})"
        )
