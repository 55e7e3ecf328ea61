"""The notice of a changed register, in plain text, from `templates/letters/policy_notice.txt.j2`.

Every fact comes from the register in force and the changes recorded with its versions: the
purposes' activities and bases in the register's words, what changed in the diff's words, where
the full notice is published, and how to object. It names no person and greets none: the
address it goes to is the only thing of the person in it.
"""

from __future__ import annotations

from typing import Any

from dataward.adapters.mail.letters import template
from dataward.services.outreach.ports import PolicyNoticeFacts

SUBJECT = "A change to how we use your personal data"


def render_policy_notice(facts: PolicyNoticeFacts) -> tuple[str, str]:
    """(subject line, body) of the notice of `facts.version`."""
    register = facts.register
    contacts = register.contacts
    objection: Any = next((r for r in register.rights if r.key == "objection"), None) or {
        "description": "You can object to our use of your personal data.",
        "how": "Tell the Data Compliance Officer.",
    }
    items: list[dict[str, Any]] = []
    for item in facts.items:
        basis = register.purpose(item.purpose).lawful_basis
        items.append(
            {
                "added": item.added,
                "activity": item.activity,
                "basis": f"{basis.label} ({basis.article})" if basis else "",
                "what": [w for w in item.what if w != "a new purpose"],
            }
        )
    context: dict[str, Any] = {
        "organisation": register.organisation,
        "version": facts.version,
        "items": items,
        "objection": objection,
        "dco": contacts.data_compliance_officer,
        "ico": contacts.supervisory_authority,
    }
    body = "Hello,\n\n" + template("policy_notice.txt.j2").render(context)
    return f"{SUBJECT} (version {facts.version})", body
