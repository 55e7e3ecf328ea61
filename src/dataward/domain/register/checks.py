"""Cross-checks that relate one part of the register to another.

The schema in `register` checks each value on its own; these checks find what no single field
can show: a purpose naming a category that does not exist, legitimate interests with no
statement, a transfer with no lawful mechanism. Each finding carries the path of the value it is
about, so the loader can add the file's line number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from dataward.domain.register.agreement_checks import agreement_problems, transfer_problems
from dataward.domain.register.marketing_checks import marketing_senders
from dataward.domain.register.model import (
    CookieDuration,
    Duration,
    LawfulBasis,
    Recipient,
    RecipientKind,
    RecipientRole,
    Register,
    Role,
)
from dataward.domain.register.problems import Path, Problem, Severity
from dataward.domain.register.required_checks import required_fields
from dataward.domain.register.terms import GLOBAL_ACTIONS, StaffRoleScope

REQUIRED_RIGHTS = (
    "access",
    "rectification",
    "erasure",
    "restriction",
    "objection",
    "portability",
    "withdraw_consent",
    "complain",
)
REPEALED_LAW = ("Data Protection Act 1998",)


def cross_check(register: Register) -> list[Problem]:
    """Every problem the register has, in document order of the checks."""
    checks = (
        _unique_keys,
        _legislation,
        _categories,
        _prohibited_fields,
        _subject_kinds,
        _purposes,
        required_fields,
        _recipients,
        _processors,
        agreement_problems,
        _retention,
        _cookies,
        _staff_roles,
        _rights,
        marketing_senders,
    )
    return [problem for check in checks for problem in check(register)]


def _unique_keys(reg: Register) -> Iterator[Problem]:
    lists: dict[str, Iterable[str]] = {
        "categories": (c.key for c in reg.categories),
        "prohibited_categories": (c.key for c in reg.prohibited_categories),
        "collection_methods": (c.key for c in reg.collection_methods),
        "subject_kinds": (s.key for s in reg.subject_kinds),
        "purposes": (p.key for p in reg.purposes),
        "recipients": (r.key for r in reg.recipients),
        "processors": (p.key for p in reg.processors),
        "retention_rules": (r.key for r in reg.retention_rules),
        "cookies": (c.name for c in reg.cookies),
        "marketing_channels": (m.key for m in reg.marketing_channels),
        "staff_roles": (s.key for s in reg.staff_roles),
        "rights": (r.key for r in reg.rights),
    }
    for name, keys in lists.items():
        seen: dict[str, int] = {}
        for index, key in enumerate(keys):
            if key in seen:
                yield Problem(
                    (name, index, "key" if name != "cookies" else "name"),
                    f"duplicate {key!r}: already used by {name}[{seen[key]}]",
                )
            else:
                seen[key] = index


def _legislation(reg: Register) -> Iterator[Problem]:
    for index, law in enumerate(reg.legislation):
        for repealed in REPEALED_LAW:
            if repealed.lower() in law.lower():
                yield Problem(
                    ("legislation", index), f"{repealed!r} was repealed; cite current law"
                )


def _categories(reg: Register) -> Iterator[Problem]:
    rules = {r.key for r in reg.retention_rules}
    for index, category in enumerate(reg.categories):
        if category.retention is None:
            yield Problem(("categories", index), f"category {category.key!r} has no retention rule")
        elif category.retention not in rules:
            yield Problem(
                ("categories", index, "retention"),
                _unknown("retention rule", category.retention, rules),
            )
        seen: set[str] = set()
        for field_index, data_field in enumerate(category.fields):
            if data_field.key in seen:
                yield Problem(
                    ("categories", index, "fields", field_index, "key"),
                    f"duplicate field {data_field.key!r} in category {category.key!r}",
                )
            seen.add(data_field.key)


def _prohibited_fields(reg: Register) -> Iterator[Problem]:
    prohibited = {f: p.key for p in reg.prohibited_categories for f in p.fields}
    for index, category in enumerate(reg.categories):
        for field_index, data_field in enumerate(category.fields):
            if data_field.key in prohibited:
                yield Problem(
                    ("categories", index, "fields", field_index, "key"),
                    f"field {data_field.key!r} belongs to prohibited category "
                    f"{prohibited[data_field.key]!r}; it may not be collected",
                )


def _subject_kinds(reg: Register) -> Iterator[Problem]:
    methods = {m.key for m in reg.collection_methods}
    for index, kind in enumerate(reg.subject_kinds):
        for source_index, source in enumerate(kind.sources):
            if source not in methods:
                yield Problem(
                    ("subject_kinds", index, "sources", source_index),
                    _unknown("collection method", source, methods),
                )


def _purposes(reg: Register) -> Iterator[Problem]:  # noqa: PLR0912 - one rule per branch
    categories = {c.key: c for c in reg.categories}
    kinds = {k.key for k in reg.subject_kinds}
    recipients = {r.key for r in reg.recipients}
    rules = {r.key for r in reg.retention_rules}
    channels = {c.key for c in reg.marketing_channels}
    for index, purpose in enumerate(reg.purposes):
        here: Path = ("purposes", index)
        for i, key in enumerate(purpose.categories):
            if key not in categories:
                yield Problem((*here, "categories", i), _unknown("category", key, categories))
            elif categories[key].role is not purpose.role:
                yield Problem(
                    (*here, "categories", i),
                    f"category {key!r} is {categories[key].role} data but purpose "
                    f"{purpose.key!r} is a {purpose.role} purpose",
                )
        for i, key in enumerate(purpose.subject_kinds):
            if key not in kinds:
                yield Problem((*here, "subject_kinds", i), _unknown("subject kind", key, kinds))
        for i, key in enumerate(purpose.recipients):
            if key not in recipients:
                yield Problem((*here, "recipients", i), _unknown("recipient", key, recipients))
        if purpose.retention not in rules:
            yield Problem(
                (*here, "retention"), _unknown("retention rule", purpose.retention, rules)
            )
        for i, key in enumerate(purpose.consent_channels):
            if key not in channels:
                yield Problem(
                    (*here, "consent_channels", i), _unknown("marketing channel", key, channels)
                )
        basis = purpose.lawful_basis
        if purpose.role is Role.CONTROLLER and basis is None:
            yield Problem(here, f"controller purpose {purpose.key!r} has no lawful_basis")
        if purpose.role is Role.PROCESSOR:
            if basis is not None:
                yield Problem(
                    (*here, "lawful_basis"),
                    "a processor purpose rests on the controller's basis; record "
                    "controller_instructions instead",
                )
            if purpose.controller_instructions is None:
                yield Problem(
                    here, f"processor purpose {purpose.key!r} has no controller_instructions"
                )
        if basis is LawfulBasis.LEGITIMATE_INTERESTS and not purpose.legitimate_interest:
            yield Problem(
                here,
                f"purpose {purpose.key!r} relies on legitimate interests but states none "
                "(legitimate_interest is required)",
            )
        if basis is not LawfulBasis.LEGITIMATE_INTERESTS and purpose.legitimate_interest:
            yield Problem(
                (*here, "legitimate_interest"),
                "a legitimate-interest statement on a purpose whose basis is "
                f"{basis}; remove it or change the basis",
                Severity.WARNING,
            )
        if basis is LawfulBasis.CONSENT and not purpose.marketing:
            yield Problem(
                (*here, "lawful_basis"),
                "consent is relied on only for direct marketing; check that consent is the "
                "right basis here",
                Severity.WARNING,
            )
        if purpose.marketing and basis is LawfulBasis.CONSENT and not purpose.consent_channels:
            yield Problem(here, "a consent-based marketing purpose names no consent_channels")


def _recipients(reg: Register) -> Iterator[Problem]:
    purposes = {p.key for p in reg.purposes}
    fields = {f"{c.key}.{f.key}" for c in reg.categories for f in c.fields}
    for index, recipient in enumerate(reg.recipients):
        for t, transfer in enumerate(recipient.transfers):
            yield from transfer_problems(transfer, ("recipients", index, "transfers", t))
        yield from _own_purposes(reg, index, recipient)
        for s, scope in enumerate(recipient.scopes):
            here: Path = ("recipients", index, "scopes", s)
            for i, key in enumerate(scope.purposes):
                if key not in purposes:
                    yield Problem((*here, "purposes", i), _unknown("purpose", key, purposes))
            for i, key in enumerate(scope.fields):
                if key not in fields:
                    yield Problem(
                        (*here, "fields", i), _unknown("field (category.field)", key, fields)
                    )


_INDEPENDENT_CONTROLLER = re.compile(r"\bindependent controllers?\b", re.IGNORECASE)


def _own_purposes(reg: Register, index: int, recipient: Recipient) -> Iterator[Problem]:
    """`own_purposes_allowed` agrees with what the register says the recipient does: the notice
    says "they may not use your data for their own purposes" of every recipient without it.

    A recipient that receives data for a marketing purpose markets with it for itself unless it
    is a service provider (our processor, sending our marketing); one described as an
    independent controller decides its own purposes by definition. Either needs
    `own_purposes_allowed`; a service provider never has it."""
    here: Path = ("recipients", index)
    if recipient.own_purposes_allowed:
        if recipient.kind is RecipientKind.SERVICE_PROVIDER:
            yield Problem(
                (*here, "own_purposes_allowed"),
                "a service provider acts as our processor: it may not use data for its own "
                "purposes",
            )
        return
    marketing = {p.key for p in reg.purposes if p.marketing}
    used_for = {p.key for p in reg.purposes if recipient.key in p.recipients}
    used_for |= {key for scope in recipient.scopes for key in scope.purposes}
    if recipient.kind is not RecipientKind.SERVICE_PROVIDER and used_for & marketing:
        yield Problem(
            here,
            f"recipient {recipient.key!r} receives data for marketing "
            f"({', '.join(sorted(used_for & marketing))}) and is not our service provider, so "
            "it markets with it for itself: set own_purposes_allowed (the notice would "
            "otherwise say it may not use the data for its own purposes)",
        )
        return
    if _INDEPENDENT_CONTROLLER.search(recipient.description):
        yield Problem(
            here,
            f"recipient {recipient.key!r} is described as an independent controller, which "
            "decides its own purposes: set own_purposes_allowed (the notice would otherwise say "
            "it may not use the data for its own purposes)",
        )
    elif recipient.role is RecipientRole.INDEPENDENT_CONTROLLER:
        yield Problem(
            (*here, "role"),
            f"recipient {recipient.key!r} is an independent controller, which decides its own "
            "purposes: set own_purposes_allowed (the notice would otherwise say it may not use "
            "the data for its own purposes)",
        )


def _processors(reg: Register) -> Iterator[Problem]:
    categories = {c.key for c in reg.categories}
    for index, processor in enumerate(reg.processors):
        for i, key in enumerate(processor.categories):
            if key not in categories:
                yield Problem(
                    ("processors", index, "categories", i), _unknown("category", key, categories)
                )
        for t, transfer in enumerate(processor.transfers):
            yield from transfer_problems(transfer, ("processors", index, "transfers", t))


def _retention(reg: Register) -> Iterator[Problem]:
    for index, rule in enumerate(reg.retention_rules):
        for t, term in enumerate(rule.terms):
            try:
                Duration.parse(term.duration)
            except ValueError as error:
                yield Problem(("retention_rules", index, "terms", t, "duration"), str(error))
    rules = {r.key: r for r in reg.retention_rules}
    default = rules.get(reg.default_call_retention)
    if default is None:
        yield Problem(
            ("default_call_retention",),
            _unknown("retention rule", reg.default_call_retention, rules),
        )
    elif not default.set_by_controller:
        yield Problem(
            ("default_call_retention",),
            "call data is processor data: its retention rule must be set_by_controller",
        )


def _cookies(reg: Register) -> Iterator[Problem]:
    for index, cookie in enumerate(reg.cookies):
        here: Path = ("cookies", index)
        if not cookie.consent_required and cookie.exemption is None:
            yield Problem(here, "a cookie set without consent names no exemption")
        if cookie.duration is CookieDuration.PERSISTENT:
            if cookie.lifetime is None:
                yield Problem(here, "a persistent cookie has no lifetime")
            else:
                try:
                    Duration.parse(cookie.lifetime)
                except ValueError as error:
                    yield Problem((*here, "lifetime"), str(error))
        elif cookie.lifetime is not None:
            yield Problem((*here, "lifetime"), "a session cookie has no lifetime")


def _staff_roles(reg: Register) -> Iterator[Problem]:
    purposes = {p.key for p in reg.purposes}
    categories = {c.key for c in reg.categories}
    for index, role in enumerate(reg.staff_roles):
        for i, key in enumerate(role.purposes):
            if key not in purposes:
                yield Problem(
                    ("staff_roles", index, "purposes", i), _unknown("purpose", key, purposes)
                )
        for i, key in enumerate(role.categories):
            if key not in categories:
                yield Problem(
                    ("staff_roles", index, "categories", i), _unknown("category", key, categories)
                )
        for i, action in enumerate(role.actions):
            if action in GLOBAL_ACTIONS and role.tenant_scope is not StaffRoleScope.ALL_TENANTS:
                yield Problem(
                    ("staff_roles", index, "actions", i),
                    f"{action.value} reaches every tenant's data: only a role of tenant scope "
                    f"all_tenants may have it, not one of {role.tenant_scope.value}",
                )


def _rights(reg: Register) -> Iterator[Problem]:
    present = {r.key for r in reg.rights}
    for key in REQUIRED_RIGHTS:
        if key not in present:
            yield Problem(("rights",), f"the right {key!r} is missing; the notice must name it")


def _unknown(what: str, key: str, known: Iterable[str]) -> str:
    options = ", ".join(sorted(known)) or "none defined"
    return f"unknown {what} {key!r} (known: {options})"
