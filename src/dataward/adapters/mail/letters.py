"""Letters to requesters, from Jinja2 templates (`templates/letters/`), in plain text.

Every fact in a letter comes from the request, its timeline and the register (our complaints
route, the ICO's details, the DCO's contact): nothing is written by hand per letter except the
reasons staff recorded with the event.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache, partial
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template

from dataward.domain.requests.fees import pounds
from dataward.domain.requests.workflow import RequestType
from dataward.services.rights.request_ports import LetterFacts

SUBJECTS = {
    "acknowledgement": "We have received your request",
    "identity_request": "Please confirm who you are",
    "fee_request": "About a fee for your request",
    "clarification_request": "Please tell us more about your request",
    "extension_notice": "We need more time for your request",
    "refusal": "Your request: our decision",
    "completion": "Your request is complete",
    "forwarded_to_controller": "Your request has gone to the organisation responsible",
    "verification_code": "Your code to confirm your request",
    "controller_notice": "A data subject request about your call data",
    "restriction_lifting": "The restriction on your data will be lifted",
    "complaint_outcome": "The outcome of your complaint",
    "recipient_notice": "Personal data we disclosed to you was changed",
    "required_data": "Data we need to go on providing your service",
}
_KIND_WORDS = {
    RequestType.ACCESS: "access",
    RequestType.RECTIFICATION: "rectification",
    RequestType.ERASURE: "erasure",
    RequestType.RESTRICTION: "restriction",
    RequestType.OBJECTION: "objection",
    RequestType.PORTABILITY: "data portability",
    RequestType.WITHDRAW_CONSENT: "consent withdrawal",
    RequestType.COMPLAINT: "complaint",
}
_GROUND_WORDS = {
    "manifestly_unfounded": "manifestly unfounded",
    "manifestly_excessive": "manifestly excessive",
    "further_copy": "a request for a further copy",
}


def _longdate(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("dataward", "templates/letters"),
        undefined=StrictUndefined,
        autoescape=False,  # noqa: S701 - plain-text e-mail, never HTML
        keep_trailing_newline=True,
    )
    environment.filters["longdate"] = _longdate
    environment.filters["pounds"] = pounds
    return environment


def template(name: str) -> Template:
    """A template of `templates/letters/`, in the letters' environment."""
    return _environment().get_template(name)


def letter_renderer(public_url: str) -> Callable[[str, LetterFacts], tuple[str, str]]:
    """`render_letter` with the portal at `public_url`: an acknowledgement carries the link
    to the request's status page."""
    return partial(render_letter, public_url=public_url)


def render_letter(
    letter: str, facts: LetterFacts, *, public_url: str | None = None
) -> tuple[str, str]:
    """(subject line, body) of a letter; the subject names no person. `facts.details` are
    the facts the outbox gathered for it (`services.rights.outbox.letter_details`); given the
    portal's `public_url`, a status token among them becomes the status page's link."""
    request, due, register, name = facts.request, facts.due, facts.register, facts.name
    requester_email = facts.requester_email
    contacts = register.contacts
    ground = request.refusal_ground or request.fee_ground
    context: dict[str, Any] = {
        "request": request,
        "kind": _KIND_WORDS[request.type],
        "complaint": request.type is RequestType.COMPLAINT,
        "due": due,
        "today": facts.today or due,  # the UK date it is sent: a due date before it has passed
        "reason": facts.reason or "",
        "ground_words": _GROUND_WORDS.get(ground.value, "") if ground else "",
        "partial": facts.partial,
        "payload": facts.payload,
        "requester_email": requester_email,
        "details": dict(facts.details or {}),
        "complaints": contacts.complaints,
        "ico": contacts.supervisory_authority,
        "dco": contacts.data_compliance_officer,
        "fees": register.fees,
    }
    context["requester_name"] = name
    token = context["details"].get("status_token")
    base = (public_url or "").rstrip("/")
    context["status_link"] = f"{base}/requests/status/{token}" if base and token else ""
    if requester_email:  # to the tenant's controller, about the requester
        name = "data protection contact"
    greeting = f"Dear {name},\n\n" if name else "Hello,\n\n"
    body = greeting + _environment().get_template(f"{letter}.txt.j2").render(context)
    return f"{SUBJECTS[letter]} ({str(request.id)[:8]})", body
