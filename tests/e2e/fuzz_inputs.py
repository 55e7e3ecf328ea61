"""What the API schema fuzz test mixes into schemathesis's generated requests, per operation.

Generated values alone rarely name anything that exists, so most requests would stop at a 404
or a 422 before the use case runs. Each operation here has real values, in the order most
likely to succeed: the ids of what the fuzz world made (`fuzz_world`), query parameters and
JSON bodies staff would send, and, for the operations that take a document or a call batch as
text, a strategy of valid-ish documents and garbage. The test draws, for each part of each
request, the real value, the generated one, or (for a JSON body or a query) a mix field by
field; the first example Hypothesis tries is the simplest, which takes the first real value
of every part.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from hypothesis import strategies as st

from tests.builders import NOW
from tests.e2e.fuzz_texts import Planted, call_batches, register_documents
from tests.e2e.fuzz_world import CALLER_NUMBER, OTHER_TENANT, TENANT, World


@dataclass(frozen=True)
class Inputs:
    """An operation's real values; the first of each list is the one most likely to succeed."""

    path: Mapping[str, Sequence[str]] = field(default_factory=dict)
    query: Sequence[Mapping[str, Any]] = ()
    body: Sequence[Any] = ()
    text: st.SearchStrategy[Planted] | None = None
    roles: Sequence[str] = ()
    """Who else calls the operation, beyond every role of `fuzz_world.ROLES`."""


def _first(values: Sequence[str], first: str) -> list[str]:
    return [first, *(v for v in values if v != first)]


def real_inputs(world: World) -> dict[str, Inputs]:
    """Each operation's real values, by its label (`POST /api/v1/subjects`)."""
    ids = world.ids
    end_user, caller = ids["subject.end_user"], ids["subject.caller"]
    contact, restricted = ids["subject.customer_contact"], ids["subject.restricted"]
    subjects = [end_user, caller, contact, restricted]
    requests = [ids[k] for k in sorted(ids) if k.startswith("request.")]
    restrictions = [ids["restriction.requested"], ids["restriction.direct"]]
    told = "2026-11-20T09:00:00+00:00"
    held = ids["subject.held"]
    review = (NOW + timedelta(days=90)).date().isoformat()
    s, r = "/api/v1/subjects/{subject_id}", "/api/v1/requests/{request_id}"
    t, lift = "/api/v1/tenants/{tenant_id}", "/restrictions/{restriction_id}/lift"
    return {
        "POST /api/v1/register/check": Inputs(text=register_documents()),
        "GET /api/v1/register/ropa": Inputs(query=[{"format": f} for f in ("json", "csv", "html")]),
        "GET /api/v1/register/notice": Inputs(query=[{"format": "html"}, {"format": "md"}]),
        "POST /api/v1/register/notices": Inputs(body=[{"version": "2026.1"}]),
        "POST /api/v1/register/assessments": Inputs(
            body=[
                {
                    "purpose": "relationship_feedback",
                    "compatible": True,
                    "reasons": "a close link",
                    "link": "the same relationship",
                    "context": "customers",
                    "nature": "contact details only",
                    "consequences": "few",
                    "safeguards": "encrypted",
                }
            ]
        ),
        "POST /api/v1/subjects": Inputs(
            body=[
                {
                    "kind": "end_user",
                    "identifiers": [{"type": "email", "value": "new@example.org"}],
                },
                {
                    "kind": "end_user",
                    "purpose": "register_end_user",
                    "identifiers": [
                        {"type": "email", "value": "contracted@example.org"},
                        {"type": "name", "value": "Test Name"},
                    ],
                },
                {
                    "kind": "caller",
                    "tenant_id": TENANT,
                    "identifiers": [{"type": "phone", "value": "01632 960123"}],
                },
                {
                    "kind": "customer_contact",
                    "region": "GB",
                    "birth_date": "1980-02-29",
                    "relationship_start": "2020-01-01",
                    "relationship_end": "2026-01-01",
                    "identifiers": [
                        {"type": "phone", "value": "07700 900456"},
                        {"type": "name", "value": "Test Name"},
                    ],
                },
            ]
        ),
        "POST /api/v1/subjects/lookup": Inputs(
            body=[
                {"type": "email", "value": ids["email.end_user"], "purpose": "correspondence"},
                {
                    "type": "phone",
                    "value": CALLER_NUMBER,
                    "purpose": "telephony_reporting",
                    "tenant_id": TENANT,
                    "region": "GB",
                },
            ]
        ),
        f"GET {s}": Inputs(
            path={"subject_id": subjects},
            query=[
                {"purpose": "correspondence"},
                {"purpose": "telephony_reporting"},
                {"purpose": "correspondence", "type": ["email", "phone"]},
            ],
        ),
        f"DELETE {s}": Inputs(
            path={"subject_id": _first(subjects, caller)},
            query=[
                {"reason": "controller_instruction"},
                {"reason": "erasure_request", "request_ref": ids["request.received"]},
                {"reason": "erasure_request", "override": "assessment-2026-11"},
            ],
        ),
        f"POST {s}/consents": Inputs(
            path={"subject_id": _first(subjects, contact)},
            body=[
                {
                    "purpose": "direct_marketing",
                    "channel": "sms",
                    "given": True,
                    "method": "web_form",
                    "notice_version": "2026.1",
                },
                {
                    "purpose": "direct_marketing",
                    "channel": "email",
                    "given": False,
                    "method": "email_link",
                    "notice_version": "2026.1",
                    "evidence_ref": "m-1",
                },
            ],
        ),
        f"GET {s}/consents": Inputs(path={"subject_id": _first(subjects, contact)}),
        f"POST {s}/restrictions": Inputs(
            path={"subject_id": subjects},
            body=[
                {"ground": "accuracy_contested"},
                {
                    "ground": "needed_for_legal_claims",
                    "categories": ["contact"],
                    "ends_at": "2027-01-01T00:00:00+00:00",
                    "request_ref": "case-7",
                },
            ],
        ),
        f"POST {s}/restrictions/{{restriction_id}}/lift": Inputs(
            path={
                "subject_id": [restricted, contact],
                "restriction_id": [ids["restriction.direct"], ids["restriction.requested"]],
            },
            body=[{"subject_told_at": told}, {"subject_told_at": None}],
        ),
        f"POST {s}/objections": Inputs(
            path={"subject_id": _first(subjects, contact)},
            body=[
                {"kind": "direct_marketing"},
                {"kind": "legitimate_interests", "purpose": "analytics", "request_ref": "o-1"},
            ],
        ),
        f"POST {s}/objections/{{objection_id}}/decision": Inputs(
            path={"subject_id": _first(subjects, contact), "objection_id": [ids["objection"]]},
            body=[
                {"outcome": "upheld"},
                {"outcome": "compelling_grounds", "reasoning": "a debt is being recovered"},
            ],
        ),
        "POST /api/v1/tenants": Inputs(
            body=[
                {"name": "Tenant C", "id": "tenant-c"},
                {
                    "name": "Tenant D",
                    "region": "IE",
                    "timezone": "Europe/Dublin",
                    "call_retention": "P2Y",
                    "service_level_seconds": 30,
                    "controller_contact": {
                        "name": "Test Name",
                        "email": "dpo@example.org",
                        "phone": "01632 960999",
                    },
                },
            ]
        ),
        f"POST {t}/calls": Inputs(
            path={"tenant_id": ids["tenant"]},
            query=[{"quarantine": True}, {}, {"format": "asterisk-queue-log"}],
            text=call_batches(),
        ),
        f"GET {t}/calls/quarantine": Inputs(
            path={"tenant_id": ids["tenant"]},
            query=[{}, *({"ingest_id": i} for i in ids["ingest"])],
        ),
        f"GET {t}/subjects/{{subject_id}}/calls": Inputs(
            path={"tenant_id": ids["tenant"], "subject_id": _first(subjects, caller)},
            query=[{}, {"purpose": "telephony_support"}],
        ),
        f"GET {t}/reports/acd": Inputs(
            path={"tenant_id": ids["tenant"]},
            query=[
                {},
                {
                    "by": "agent",
                    "period": "week",
                    "from": "2025-01-01",
                    "to": "2026-12-31",
                    "format": "csv",
                },
                {"by": "caller", "period": "hour-of-day"},
                {"by": "agent", "period": "day", "purpose": "telephony_reporting"},
            ],
        ),
        "POST /api/v1/requests": Inputs(
            body=[
                {
                    "type": "access",
                    "received": "2026-11-24",
                    "subject_id": end_user,
                    "contact_email": "requester@example.org",
                    "contact_name": "Test Name",
                },
                {
                    "type": "restriction",
                    "received": "2026-11-24",
                    "tenant_id": TENANT,
                    "subject_id": caller,
                    "scope": "accuracy_contested",
                    "channel": "email",
                },
                {
                    "type": "objection",
                    "received": "2026-11-01",
                    "representative": True,
                    "scope": "legitimate_interests:debt_recovery",
                    "channel": "post",
                },
            ]
        ),
        "GET /api/v1/requests": Inputs(query=[{}, {"all": True}, {"due": "overdue"}]),
        f"GET {r}": Inputs(path={"request_id": requests}),
        f"POST {r}/events": Inputs(
            path={"request_id": _first(requests, ids["request.received"])},
            body=[
                {"event": "ask_identity"},
                {"event": "identity_verified", "reason": "passport seen", "on": "2026-11-24"},
                {"event": "refuse", "ground": "manifestly_excessive", "reason": "repeated"},
            ],
        ),
        f"POST {r}/verification-code": Inputs(
            path={"request_id": _first(requests, ids["request.awaiting"])}
        ),
        f"POST {r}/fulfilment": Inputs(
            path={"request_id": _first(requests, ids["request.working"])},
            body=[
                {},
                {"notice_version": "2026.1", "last_transaction": "2025-06-30"},
                {
                    "corrections": [{"kind": "email", "value": "fixed@example.org"}],
                    "statement": "the address was mistyped",
                },
            ],
        ),
        f"POST {r}/instructions": Inputs(
            path={"request_id": _first(requests, ids["request.forwarded"])},
            body=[{"kind": "export"}, {"kind": "erase", "subject_id": caller}],
        ),
        "POST /api/v1/restrictions/{restriction_id}/lifting-notice": Inputs(
            path={"restriction_id": restrictions}
        ),
        f"POST /api/v1{lift}": Inputs(path={"restriction_id": restrictions}),
        "POST /requests/new": Inputs(
            body=[
                {"type": "access", "email": "requester@example.org", "name": "Test Name"},
                {
                    "type": "restriction",
                    "email": "requester@example.org",
                    "ground": "accuracy_contested",
                    "representative": "yes",
                },
                {
                    "type": "objection",
                    "email": "requester@example.org",
                    "objection": "legitimate_interests:debt_recovery",
                },
            ]
        ),
        "POST /requests/verify": Inputs(
            body=[
                {"reference": ids["request.awaiting"], "code": ids["code"]},
                {"reference": ids["request.awaiting"], "code": "000000"},
            ]
        ),
        "GET /requests/status/{token}": Inputs(path={"token": [ids["status"]]}),
        "POST /cookies": Inputs(body=[{"choice": "reject", "back": "/"}, {"choice": "accept"}]),
        "POST /api/v1/public/requests/{request_id}/verify": Inputs(
            path={"request_id": _first(requests, ids["request.awaiting"])},
            body=[{"code": ids["code"]}, {"code": "000000"}],
        ),
        f"GET {s}/required": Inputs(
            path={"subject_id": subjects},
            query=[{"purpose": "register_end_user"}, {"purpose": "order_delivery"}],
        ),
        f"POST {s}/required/letter": Inputs(
            path={"subject_id": _first(subjects, end_user)},
            body=[
                {"purpose": "register_end_user", "request_id": ids["request.received"]},
                {"purpose": "order_delivery", "request_id": ids["request.working"]},
                {"purpose": "register_end_user"},
            ],
        ),
        f"PUT {s}/relationship": Inputs(
            path={"subject_id": _first(subjects, contact)},
            body=[
                {"ended": "2026-01-01", "last_transaction": "2025-12-01"},
                {"ended": "2025-06-30"},
            ],
        ),
        "POST /api/v1/holds": Inputs(
            body=[
                {
                    "subject_id": held,
                    "ground": "legal_claims",
                    "review_on": review,
                    "reason": "Another claim",
                },
                {
                    "subject_id": contact,
                    "ground": "tax_enquiry",
                    "review_on": review,
                    "reason": "An enquiry",
                },
            ]
        ),
        "GET /api/v1/holds/{hold_id}": Inputs(path={"hold_id": [ids["hold"]]}),
        "PUT /api/v1/holds/{hold_id}/review": Inputs(
            path={"hold_id": [ids["hold"]]}, body=[{"review_on": review}]
        ),
        "POST /api/v1/holds/{hold_id}/lift": Inputs(path={"hold_id": [ids["hold"]]}),
        "POST /api/v1/share/exports": Inputs(
            body=[
                {"recipient": "mondago", "purpose": "mondago_marketing"},
                {"recipient": "mondago", "purpose": "mondago_marketing", "format": "json"},
            ],
            roles=("marketing",),  # only marketing staff disclose to Mondago
        ),
        "GET /api/v1/share/log": Inputs(
            query=[{}, {"recipient": "mondago", "limit": 10}, {"subject": contact}]
        ),
        "GET /api/v1/audit/search": Inputs(
            query=[
                {},
                {"subject": contact, "limit": 2},
                {"action": "subject_created", "since": "2026-11-01", "until": "2026-11-25"},
                {"actor": "dco", "cursor": "1.1000"},
            ]
        ),
        "GET /api/v1/requests/stats": Inputs(
            query=[{}, {"since": "2026-01-01", "until": "2026-11-25"}, {"until": "2026-10-31"}]
        ),
        "GET /api/v1/processors": Inputs(query=[{}, {"all": True}]),
        "GET /api/v1/transfers": Inputs(query=[{}, {"lifted": True}]),
        "POST /api/v1/transfers/suspensions": Inputs(
            body=[
                {"mechanism": "idta", "reason": "The terms are under review"},
                {"mechanism": "derogation:explicit_consent", "reason": "A record is missing"},
            ]
        ),
        "POST /api/v1/transfers/suspensions/{mechanism}/lift": Inputs(
            path={"mechanism": [ids["suspension"]]}
        ),
        "GET /api/v1/public/downloads/{token}": Inputs(path={"token": [ids["download"]]}),
        "POST /api/v1/public/downloads/{token}": Inputs(path={"token": [ids["download"]]}),
        **_marketing(ids),
        **_breaches(ids),
        **_complaints(ids),
    }


def _complaints(ids: Mapping[str, Any]) -> dict[str, Inputs]:
    """The complaints register, and the complaint the world received on 20 November."""
    c, complaint = "/api/v1/complaints", {"complaint_id": [ids["complaint"]]}
    return {
        f"GET {c}": Inputs(
            query=[{}, {"open": True, "limit": 10}, {"since": "2026-11-01", "until": "2026-11-30"}]
        ),
        f"GET {c}/export": Inputs(
            query=[{"format": "csv"}, {"format": "json"}, {"since": "2026-11-01"}]
        ),
        f"GET {c}/{{complaint_id}}": Inputs(path=complaint),
        f"POST {c}/{{complaint_id}}/ico": Inputs(
            path=complaint,
            body=[
                {"reference": "IC-123456-A1B2", "on": "2026-11-24"},
                {"reference": "IC-1", "on": "2026-11-21", "outcome": "upheld"},
            ],
        ),
    }


def _marketing(ids: Mapping[str, Any]) -> dict[str, Inputs]:
    """Campaigns, for marketing staff; the links in a marketing message, for anyone."""
    m, campaign = "/api/v1/marketing/campaigns", "{campaign_id}"
    sent, fresh, link = ids["campaign.sent"], ids["campaign.fresh"], ids["unsubscribe"]
    body = {
        "name": "Spring news",
        "purpose": "direct_marketing",
        "channel": "email",
        "sender": "akixi",
        "template": "Subject: More reports\n\nHello again.\n",
        "product": "acd_reporting",
    }
    staff = ("marketing",)
    token = {"token": [link]}
    return {
        f"POST {m}": Inputs(body=[body, {**body, "channel": "post", "product": None}], roles=staff),
        f"GET {m}": Inputs(roles=staff),
        f"GET {m}/{campaign}": Inputs(path={"campaign_id": [sent, fresh]}, roles=staff),
        f"GET {m}/{campaign}/audience": Inputs(path={"campaign_id": [sent]}, roles=staff),
        f"POST {m}/{campaign}/send": Inputs(path={"campaign_id": [fresh]}, roles=staff),
        "GET /u/{token}": Inputs(path=token),
        "POST /u/{token}": Inputs(path=token, body=[{"List-Unsubscribe": "One-Click"}]),
        "GET /u/{token}/preferences": Inputs(path=token),
        "POST /u/{token}/preferences": Inputs(
            path=token, body=[{"direct_marketing.sms": "yes"}, {"direct_marketing.email": "yes"}]
        ),
    }


def _breaches(ids: Mapping[str, Any]) -> dict[str, Inputs]:
    """The breach register, for the DCO: the open breach, and one that may be closed."""
    b, breach = "/api/v1/breaches", {"breach_id": [ids["breach"]]}
    earlier, later = NOW - timedelta(hours=30), NOW - timedelta(hours=2)
    window = {"tenant": TENANT, "from": earlier.isoformat(), "to": later.isoformat()}
    return {
        f"POST {b}": Inputs(
            body=[
                {
                    "aware_at": later.isoformat(),
                    "natures": ["availability"],
                    "description": "The reports were down.",
                    "tenants": [TENANT],
                }
            ]
        ),
        f"GET {b}": Inputs(query=[{}, {"all": True}]),
        f"GET {b}/export": Inputs(query=[{"format": "csv"}, {"format": "json"}]),
        f"GET {b}/{{breach_id}}": Inputs(path=breach),
        f"GET {b}/{{breach_id}}/draft": Inputs(path=breach),
        f"POST {b}/{{breach_id}}/facts": Inputs(path=breach, body=[{"measures": "Rotated."}]),
        f"POST {b}/{{breach_id}}/assessment": Inputs(
            path=breach,
            body=[
                {"likelihood": "possible", "severity": "significant", "reasoning": "Some."},
                {"likelihood": "likely", "severity": "severe", "reasoning": "x", "people": 9},
            ],
        ),
        f"POST {b}/{{breach_id}}/affected": Inputs(path=breach, body=[window]),
        f"POST {b}/{{breach_id}}/reports": Inputs(
            path=breach, body=[{"phase": "initial", "at": later.isoformat()}]
        ),
        f"POST {b}/{{breach_id}}/notices": Inputs(path=breach, body=[{"to": "controllers"}]),
        f"POST {b}/{{breach_id}}/close": Inputs(path={"breach_id": [ids["breach.closable"]]}),
    }


def default_path_values(world: World) -> dict[str, list[str]]:
    """Real values of every path parameter by its name, for operations that order none."""
    ids = world.ids
    return {
        "subject_id": [ids[k] for k in sorted(ids) if k.startswith("subject.")],
        "request_id": [ids[k] for k in sorted(ids) if k.startswith("request.")],
        "restriction_id": [ids["restriction.requested"], ids["restriction.direct"]],
        "objection_id": [ids["objection"]],
        "tenant_id": [TENANT, OTHER_TENANT],
        "token": [ids["download"]],
        "hold_id": [ids["hold"]],
        "mechanism": [ids["suspension"]],
        "breach_id": [ids["breach"], ids["breach.closable"]],
        "complaint_id": [ids["complaint"]],
    }


def real_strings(world: World, inputs: Mapping[str, Inputs]) -> frozenset[str]:
    """Every string of the world and of the real inputs: an answer may say them."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, Mapping):
            for key, item in value.items():
                walk(key)
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    walk(world.ids)
    walk(default_path_values(world))
    for each in inputs.values():
        walk(dict(each.path))
        walk(list(each.query))
        walk(list(each.body))
    return frozenset(found)
