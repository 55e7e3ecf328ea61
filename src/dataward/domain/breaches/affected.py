"""Interim: replaced by the full scope and count module."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class AffectedStore(StrEnum):
    SUBJECTS = "subjects"
    CALLS = "calls"
    REQUESTS = "requests"


@dataclass(frozen=True, slots=True)
class AffectedScope:
    tenant_id: str | None
    start: datetime
    end: datetime
    categories: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class AffectedCount:
    people: int
    records: int
    by_store: Mapping[str, int] = field(default_factory=dict)
    people_by_store: Mapping[str, int] = field(default_factory=dict)
    unidentified: int = 0


def check_scope(scope: AffectedScope, *, now: datetime) -> None:
    if not scope.start < scope.end <= now:
        raise ValueError("window")
