"""Data dataward never stores: the register's prohibited categories (UK GDPR Arts. 9 and 10).

Whatever offers fields for storage (an import, a form, an ingest mapping) passes their names
here first. A field is matched by its name, case and surrounding space ignored, and by the last
part of a dotted name (`caller.health` is `health`). The error names the field as the register
spells it, and the category: never the name as it was offered, which could hold anything, nor
the value.
"""

from __future__ import annotations

from collections.abc import Iterable

from dataward.domain.errors import ProhibitedData
from dataward.domain.register.model import ProhibitedCategory, Register


def prohibited_fields(register: Register) -> dict[str, ProhibitedCategory]:
    """Each prohibited field name, with the category that prohibits it."""
    return {
        field: category for category in register.prohibited_categories for field in category.fields
    }


def refuse_prohibited(register: Register, field_names: Iterable[str]) -> None:
    """Raise `ProhibitedData` for the first field of a prohibited category; else return."""
    prohibited = prohibited_fields(register)
    for name in field_names:
        bare = _bare(name)
        category = prohibited.get(bare)
        if category is not None:  # named as the register names it, not as it was offered
            raise ProhibitedData(bare, category.key, category.kind.value)


def _bare(name: str) -> str:
    return name.strip().casefold().rsplit(".", 1)[-1].strip().replace("-", "_").replace(" ", "_")
