"""Cross-checks of the data each purpose requires (`Purpose.required_fields`).

Data is required only by a contract or by law (UK GDPR Art. 13(2)(e)): a purpose on any other
basis, or one we carry out for a customer (whose basis is the customer's), may not require any.
Each required field is a field of one of the purpose's own categories, named once. A field no
identifier is cannot be checked when a subject is registered: that is a warning, the notice
still says it is required.
"""

from __future__ import annotations

from collections.abc import Iterator

from dataward.domain.register.model import Register
from dataward.domain.register.problems import Path, Problem, Severity
from dataward.domain.register.required import REQUIRING_BASES, checkable


def required_fields(reg: Register) -> Iterator[Problem]:
    categories = {c.key: {f.key for f in c.fields} for c in reg.categories}
    for index, purpose in enumerate(reg.purposes):
        if not purpose.required_fields:
            continue
        here: Path = ("purposes", index, "required_fields")
        if purpose.lawful_basis not in REQUIRING_BASES:
            basis = purpose.lawful_basis.value if purpose.lawful_basis else "the customer's basis"
            yield Problem(
                here,
                f"purpose {purpose.key!r} relies on {basis}: data is required only by a "
                "contract or by law (Art. 13(2)(e)); use lawful_basis contract or "
                "legal_obligation, or remove required_fields",
            )
        seen: set[str] = set()
        for i, field in enumerate(purpose.required_fields):
            category, _, name = field.partition(".")
            if field in seen:
                yield Problem((*here, i), f"field {field!r} is required twice")
            seen.add(field)
            if category not in purpose.categories:
                yield Problem(
                    (*here, i),
                    f"field {field!r} is not in the purpose's categories "
                    f"({', '.join(purpose.categories)})",
                )
            elif name not in categories.get(category, set()):
                yield Problem((*here, i), f"category {category!r} has no field {name!r}")
            elif not checkable(field):
                yield Problem(
                    (*here, i),
                    f"no identifier holds {field!r}: a subject registered without it cannot "
                    "be refused (the notice still says it is required)",
                    Severity.WARNING,
                )
