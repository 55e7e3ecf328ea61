"""What changed between two registers, and which changes must be told to people first.

UK GDPR Art. 13(3) and 14(4): before personal data is processed for a new purpose, the people it
is about must be told. The same holds for anything that changes what they were told in a way that
matters: a new recipient or transfer, a different lawful basis, more data, longer retention. Such
changes are *material*; the notice must go out before the processing starts. Everything else
(wording, contacts, version bookkeeping, removed processing, shorter retention) is *editorial*:
the published notice is updated, but no processing waits on it.

The diff is structural: every difference between the two registers is reported, list items are
identified by their key (or name, country or event) rather than their position, and each change
is then classified by the rules below. A change no rule claims is editorial, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any

from dataward.domain.register.model import Duration, Register

Segment = str | tuple[str, str]  # a field name, or (list name, item id) for a list item


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True, slots=True)
class Change:
    path: str
    kind: ChangeKind
    old: Any
    new: Any
    summary: str


@dataclass(frozen=True, slots=True)
class RegisterDiff:
    material: list[Change] = field(default_factory=list)
    editorial: list[Change] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.material and not self.editorial


def diff_registers(old: Register, new: Register) -> RegisterDiff:
    """Every difference from `old` to `new`, split into material and editorial changes."""
    diff = RegisterDiff()
    for segments, kind, before, after in _walk(
        old.model_dump(mode="json"), new.model_dump(mode="json"), ()
    ):
        raw = _Raw(segments, kind, before, after, old, new)
        material, reason = _classify(raw)
        change = Change(raw.path, kind, before, after, f"{_describe(raw)}. {reason}")
        (diff.material if material else diff.editorial).append(change)
    return diff


# -- the structural walk -----------------------------------------------------------------------

_ITEM_IDS = ("key", "name", "country", "runs_from")


def _walk(
    old: Any, new: Any, path: tuple[Segment, ...]
) -> Iterator[tuple[tuple[Segment, ...], ChangeKind, Any, Any]]:
    if isinstance(old, dict) and isinstance(new, dict):
        for name in [*old, *(k for k in new if k not in old)]:
            yield from _walk(old.get(name), new.get(name), (*path, name))
    elif isinstance(old, list) and isinstance(new, list):
        yield from _walk_list(old, new, path)
    elif old != new:
        if old is None:
            yield path, ChangeKind.ADDED, None, new
        elif new is None:
            yield path, ChangeKind.REMOVED, old, None
        else:
            yield path, ChangeKind.CHANGED, old, new


def _walk_list(
    old: list[Any], new: list[Any], path: tuple[Segment, ...]
) -> Iterator[tuple[tuple[Segment, ...], ChangeKind, Any, Any]]:
    parent = str(path[-1]) if path else ""
    before, after = _identified(old), _identified(new)
    for item_id, item in before.items():
        where = (*path[:-1], (parent, item_id))
        if item_id not in after:
            yield where, ChangeKind.REMOVED, item, None
        elif isinstance(item, dict):
            yield from _walk(item, after[item_id], where)
    for item_id, item in after.items():
        if item_id not in before:
            yield (*path[:-1], (parent, item_id)), ChangeKind.ADDED, None, item


def _identified(items: list[Any]) -> dict[str, Any]:
    """Items by their identity: a key-like field for objects, the value itself for text."""
    result: dict[str, Any] = {}
    for item in items:
        if isinstance(item, dict):
            ident = next((str(item[f]) for f in _ITEM_IDS if f in item), str(len(result)))
        else:
            ident = str(item)
        unique, count = ident, 2
        while unique in result:
            unique, count = f"{ident}#{count}", count + 1
        result[unique] = item
    return result


@dataclass(frozen=True, slots=True)
class _Raw:
    segments: tuple[Segment, ...]
    kind: ChangeKind
    old: Any
    new: Any
    old_register: Register
    new_register: Register

    @property
    def path(self) -> str:
        text = ""
        for segment in self.segments:
            part = f"{segment[0]}[{segment[1]}]" if isinstance(segment, tuple) else segment
            text += f".{part}" if text else part
        return text

    @property
    def shape(self) -> str:
        """The path with item ids blanked: `purposes[].lawful_basis`."""
        parts = [f"{s[0]}[]" if isinstance(s, tuple) else s for s in self.segments]
        return ".".join(parts)

    def item(self, depth: int = 0) -> str:
        """The id of the `depth`-th list item on the path (0 is the outermost)."""
        ids = [s[1] for s in self.segments if isinstance(s, tuple)]
        return ids[depth]

    @property
    def value(self) -> Any:
        return self.new if self.new is not None else self.old


def _describe(raw: _Raw) -> str:
    if raw.kind is ChangeKind.ADDED:
        return f"{raw.path} added" + _brief(raw.new, prefix=": ")
    if raw.kind is ChangeKind.REMOVED:
        return f"{raw.path} removed" + _brief(raw.old, prefix=": ")
    return f"{raw.path} changed from {_brief(raw.old)} to {_brief(raw.new)}"


def _brief(value: Any, prefix: str = "") -> str:
    if isinstance(value, dict):
        return ""
    text = str(value)
    return prefix + (repr(text) if len(text) <= 80 else repr(text[:77] + "..."))


# -- classification ------------------------------------------------------------------------------


Rule = Callable[[_Raw], tuple[bool, str]]

_NOTICE = "tell the people concerned before the processing starts (UK GDPR Art. 13(3), 14(4))"


def _always(reason: str) -> Rule:
    def rule(_raw: _Raw) -> tuple[bool, str]:
        return True, f"Material: {reason}; {_NOTICE}."

    return rule


def _on_add(reason: str) -> Rule:
    def rule(raw: _Raw) -> tuple[bool, str]:
        if raw.kind is ChangeKind.ADDED:
            return True, f"Material: {reason}; {_NOTICE}."
        return False, _editorial(raw)

    return rule


def _to_true(reason: str) -> Rule:
    def rule(raw: _Raw) -> tuple[bool, str]:
        if raw.new is True:
            return True, f"Material: {reason}; {_NOTICE}."
        return False, "Editorial: this narrows the processing."

    return rule


def _new_cookie(raw: _Raw) -> tuple[bool, str]:
    if raw.kind is ChangeKind.ADDED and raw.new.get("consent_required"):
        return True, "Material: a new cookie that needs consent (PECR reg 6); ask before it is set."
    if raw.kind is ChangeKind.ADDED:
        return False, "Editorial: the new cookie is exempt from consent; list it in the notice."
    return False, _editorial(raw)


def _cookie_lifetime(raw: _Raw) -> tuple[bool, str]:
    cookie = next((c for c in raw.new_register.cookies if c.name == raw.item()), None)
    old, new = _days(raw.old), _days(raw.new)
    if cookie is not None and cookie.consent_required and (old is None or (new or 0) > old):
        return True, "Material: a consent cookie now lasts longer; consent must cover its lifetime."
    return False, "Editorial: the cookie is exempt from consent or now lasts no longer."


def _transfer_terms(_raw: _Raw) -> tuple[bool, str]:
    return True, (
        "Material: the safeguard for a transfer abroad changed (UK GDPR Art. 13(1)(f), 15(2)); "
        f"{_NOTICE}."
    )


def _rule_retention(raw: _Raw) -> tuple[bool, str]:
    """A purpose, category or the call default now points at another retention rule."""
    if raw.new is None:
        return False, "Editorial: the rule is no longer named here; nothing is kept longer."
    if raw.old is None:
        return True, f"Material: retention is newly set and may be longer; {_NOTICE}."
    return _longer(_rule_terms(raw.old_register, raw.old), _rule_terms(raw.new_register, raw.new))


def _term_added(raw: _Raw) -> tuple[bool, str]:
    if raw.kind is ChangeKind.ADDED:
        return True, (
            "Material: data is kept until the latest of all terms, so a new term can only keep it "
            f"longer; {_NOTICE}."
        )
    return False, "Editorial: one fewer term can only shorten retention."


def _term_duration(raw: _Raw) -> tuple[bool, str]:
    return _longer({"term": _parse_days(raw.old)}, {"term": _parse_days(raw.new)})


def _longer(old: dict[str, Fraction | None], new: dict[str, Fraction | None]) -> tuple[bool, str]:
    for event, length in new.items():
        before = old.get(event)
        if length is None or before is None or length > before:
            return True, f"Material: data is kept longer than before; {_NOTICE}."
    return False, "Editorial: retention is no longer than before, so no processing is extended."


def _rule_terms(register: Register, key: str) -> dict[str, Fraction | None]:
    rule = next((r for r in register.retention_rules if r.key == key), None)
    if rule is None:
        return {"unknown": None}
    return {t.runs_from.value: _parse_days(t.duration) for t in rule.terms}


_YEAR = Fraction("365.2425")


def _parse_days(text: Any) -> Fraction | None:
    try:
        duration = Duration.parse(str(text))
    except ValueError:
        return None
    return (duration.years * 12 + duration.months) * _YEAR / 12 + duration.days


def _days(text: Any) -> Fraction | None:
    return None if text is None else _parse_days(text)


RULES: dict[str, Rule] = {
    # purposes
    "purposes[]": _on_add("a new purpose"),
    "purposes[].lawful_basis": _always("the lawful basis of a purpose changed"),
    "purposes[].legitimate_interest": _always("the legitimate interest relied on changed"),
    "purposes[].role": _always("our role (controller or processor) for a purpose changed"),
    "purposes[].marketing": _to_true("a purpose is now used for marketing"),
    "purposes[].categories[]": _on_add("a purpose now uses another category of data"),
    "purposes[].subject_kinds[]": _on_add("a purpose now covers another kind of person"),
    "purposes[].recipients[]": _on_add("a purpose now discloses data to another recipient"),
    "purposes[].consent_channels[]": _on_add("a purpose now markets by another channel"),
    "purposes[].retention": _rule_retention,
    "purposes[].required_fields[]": _on_add(
        "a purpose now requires more data, without which the service is not provided "
        "(Art. 13(2)(e))"
    ),
    # recipients and what they receive
    "recipients[]": _on_add("a new recipient of personal data"),
    "recipients[].kind": _always("the kind of recipient changed"),
    "recipients[].own_purposes_allowed": _to_true("a recipient may now use data for itself"),
    "recipients[].scopes[]": _on_add("a recipient receives data under a new scope"),
    "recipients[].scopes[].purposes[]": _on_add("a recipient receives data for another purpose"),
    "recipients[].scopes[].fields[]": _on_add("a recipient receives another field"),
    "recipients[].scopes[].lawful_basis": _always("the basis for a disclosure changed"),
    "recipients[].transfers[]": _on_add("data goes to a new country"),
    "recipients[].transfers[].mechanism": _transfer_terms,
    "recipients[].transfers[].derogation": _transfer_terms,
    "recipients[].transfers[].dpf_uk_extension": _transfer_terms,
    # processors
    "processors[]": _on_add("a new processor"),
    "processors[].categories[]": _on_add("a processor now handles another category of data"),
    "processors[].transfers[]": _on_add("a processor sends data to a new country"),
    "processors[].transfers[].mechanism": _transfer_terms,
    "processors[].transfers[].derogation": _transfer_terms,
    "processors[].transfers[].dpf_uk_extension": _transfer_terms,
    # data
    "categories[]": _on_add("a new category of personal data"),
    "categories[].fields[]": _on_add("a new field of personal data"),
    "categories[].role": _always("our role for a category of data changed"),
    "categories[].retention": _rule_retention,
    # retention
    "default_call_retention": _rule_retention,
    "retention_rules[].terms[]": _term_added,
    "retention_rules[].terms[].duration": _term_duration,
    "retention_rules[].holds[]": _on_add("a new reason to keep data past its retention date"),
    # cookies and marketing
    "cookies[]": _new_cookie,
    "cookies[].consent_required": _to_true("a cookie now needs consent"),
    "cookies[].lifetime": _cookie_lifetime,
    "marketing_channels[]": _on_add("a new marketing channel"),
    "marketing_channels[].basis": _always("the basis for a marketing channel changed"),
    "marketing_channels[].soft_opt_in": _to_true("a channel now relies on the soft opt-in"),
}


def _classify(raw: _Raw) -> tuple[bool, str]:
    rule = RULES.get(raw.shape)
    return rule(raw) if rule is not None else (False, _editorial(raw))


_SECTION_REASONS = {
    "policy": "version and date bookkeeping",
    "contacts": "contact details; no processing changes",
    "organisation": "our identity details; no processing changes (a different legal entity "
    "would be a new controller and needs its own notice)",
    "legislation": "the statement of the law that applies; no processing changes",
    "staff_roles": "internal access control, not information owed to data subjects",
    "rights": "how rights are described or exercised; no processing changes",
    "security_measures": "the description of security measures; no processing changes",
    "prohibited_categories": "data we refuse to store; no processing starts",
    "collection_methods": "how collection is described; no processing changes on its own",
    "subject_kinds": "how people are grouped; the purposes that cover them are reported apart",
    "retention_rules": "the rule's wording or unused parts; longer terms are reported apart",
    "k_anonymity_threshold": "a statistical release setting, not notice content",
    "minimum_age": "an eligibility setting; no processing starts",
}


def _editorial(raw: _Raw) -> str:
    if raw.kind is ChangeKind.REMOVED:
        return "Editorial: removing this reduces processing; update the notice at the next issue."
    section = raw.segments[0]
    name = section[0] if isinstance(section, tuple) else section
    reason = _SECTION_REASONS.get(name, "wording or detail that extends no processing")
    return f"Editorial: {reason}."
