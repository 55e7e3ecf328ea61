"""How the register's terms map onto fideslang's default taxonomy, one explicit table each.

Kept apart from the export so the tables can be read and reviewed on their own; every key used
here is checked against fideslang's taxonomy by tests/support/validate_fides.py.
"""

from __future__ import annotations

from dataward.domain.register.model import LawfulBasis, RecipientKind, TransferMechanism

# -- mapping tables ------------------------------------------------------------------------------

DATA_USES: dict[str, str] = {
    "register_end_user": "essential.service",
    "register_channel_partner": "essential.service",
    "correspondence": "essential.service.operations.support",
    "order_delivery": "essential.service.payment_processing",
    "debt_recovery": "finance.debt_recovery",  # custom
    "relationship_management": "essential.service.operations.support",
    "relationship_notices": "essential.service.notifications",
    "relationship_feedback": "functional.service.improve",
    "business_administration": "essential.service.operations",
    "business_compliance": "finance",
    "content_and_advertising": "marketing.advertising.first_party.targeted",
    "analytics": "analytics.reporting",
    "direct_marketing": "marketing.communications",
    "third_party_marketing": "third_party_sharing",
    "mondago_marketing": "marketing.communications",
    "mondago_fulfilment": "essential.service",
    "rights_and_complaints": "essential.legal_obligation",
    "telephony_reporting": "essential.service.call_reporting",  # custom
    "telephony_support": "essential.service.operations.support",
}

# A purpose not in DATA_USES (added to the register later) gets one of these, in this order.
MARKETING_DATA_USE = "marketing.communications"
LEGAL_OBLIGATION_DATA_USE = "essential.legal_obligation"
DEFAULT_DATA_USE = "essential.service"

# Register category -> field -> fideslang data category; "*" labels a field not listed here.
DATA_CATEGORIES: dict[str, dict[str, str]] = {
    "identity": {
        "*": "user.name",
        "first_name": "user.name.first",
        "last_name": "user.name.last",
        "username": "user.account.username",
        "end_user_id": "user.unique_id",
        "job_title": "user.job_title",
        "employer": "user.workplace",
        "date_of_birth": "user.demographic.date_of_birth",
    },
    "contact": {
        "*": "user.contact",
        "billing_address": "user.contact.address",
        "delivery_address": "user.contact.address",
        "email": "user.contact.email",
        "telephone": "user.contact.phone_number",
    },
    "financial": {
        "*": "user.financial",
        "bank_account": "user.financial.bank_account",
        "payment_card": "user.financial.credit_card",
    },
    "transaction": {"*": "user.behavior.purchase_history", "payments": "user.financial"},
    "technical": {
        "*": "user.device",
        "ip_address": "user.device.ip_address",
        "login_data": "system.authentication",
        "time_zone_location": "user.location.imprecise",
    },
    "profile": {
        "*": "user.account",
        "credentials": "user.authorization.credentials",
        "orders": "user.behavior.purchase_history",
        "interests": "user.demographic.profile",
        "feedback": "user.content.private",
        "report_configuration": "user.account.settings",
    },
    "usage": {"*": "user.behavior", "website_usage": "user.behavior.browsing_history"},
    "marketing_communications": {"*": "user.privacy_preferences"},
    "correspondence": {"*": "user.content.private"},
    "rights_requests": {"*": "user.rights_request"},  # custom
    "telephony_activity": {
        "*": "user.telephony_activity",  # custom, as are its children below
        "calling_number": "user.contact.phone_number",
        "called_number": "user.contact.phone_number",
        "caller_name": "user.name",
        "agent_id": "user.unique_id",
        "agent_name": "user.name",
        "call_times": "user.telephony_activity.call_record",
        "durations": "user.telephony_activity.call_record",
        "queue_events": "user.telephony_activity.queue_event",
        "device_state": "user.telephony_activity.device_state",
    },
}
UNKNOWN_CATEGORY = "user"

DATA_SUBJECTS: dict[str, str] = {
    "end_user": "customer",
    "channel_partner": "channel_partner",  # custom
    "customer_contact": "customer",
    "website_visitor": "website_visitor",  # custom
    "marketing_contact": "prospect",
    "caller": "caller",  # custom
}
DEFAULT_DATA_SUBJECT = "customer"

LEGAL_BASES: dict[LawfulBasis, str] = {
    LawfulBasis.CONSENT: "Consent",
    LawfulBasis.CONTRACT: "Contract",
    LawfulBasis.LEGAL_OBLIGATION: "Legal obligations",
    LawfulBasis.VITAL_INTERESTS: "Vital interests",
    LawfulBasis.PUBLIC_TASK: "Public interest",
    LawfulBasis.LEGITIMATE_INTERESTS: "Legitimate interests",
}

# fideslang's LegalBasisForTransfersEnum names the EU instruments; the UK IDTA and the UK
# Addendum are the UK's standard data protection clauses (UK GDPR Art. 46(2)(d)). Codes of
# conduct, certification and Art. 49 derogations have no value of their own: "Other".
TRANSFER_BASES: dict[TransferMechanism, str] = {
    TransferMechanism.ADEQUACY: "Adequacy Decision",
    TransferMechanism.IDTA: "SCCs",
    TransferMechanism.UK_ADDENDUM: "SCCs",
    TransferMechanism.BCR: "BCRs",
}
OTHER_TRANSFER_BASIS = "Other"

RECIPIENT_RESPONSIBILITY: dict[RecipientKind, list[str]] = {
    RecipientKind.GROUP_COMPANY: ["Processor", "Sub-Processor"],
    RecipientKind.MARKETING_PARTNER: ["Controller"],
    RecipientKind.SERVICE_PROVIDER: ["Processor"],
    RecipientKind.PROFESSIONAL_ADVISER: ["Processor", "Controller"],
    RecipientKind.AUTHORITY: ["Controller"],
}

# Custom labels: (fides_key, name, description); a category's or use's parent is its key's prefix.
CUSTOM_DATA_CATEGORIES: tuple[tuple[str, str, str], ...] = (
    (
        "user.telephony_activity",
        "Telephony Activity Data",
        "Call, queue (ACD) and device activity recorded from a customer's telephony platform.",
    ),
    (
        "user.telephony_activity.call_record",
        "Call Record",
        "Start, answer and end times and the wait, ring and talk durations of a call.",
    ),
    (
        "user.telephony_activity.queue_event",
        "Queue Event",
        "Queue (ACD) events of a call and their outcomes.",
    ),
    (
        "user.telephony_activity.device_state",
        "Device State",
        "The state of an extension or telephony device over time.",
    ),
    (
        "user.rights_request",
        "Rights Request",
        "A data protection rights request or complaint, its evidence of identity and its outcome.",
    ),
)
CUSTOM_DATA_USES: tuple[tuple[str, str, str], ...] = (
    (
        "essential.service.call_reporting",
        "Call Reporting",
        (
            "Recording a customer's telephony activity and producing its call reports, "
            "as it instructs."
        ),
    ),
    (
        "finance.debt_recovery",
        "Debt Recovery",
        "Collecting and recovering money owed to the organisation.",
    ),
)
CUSTOM_DATA_SUBJECTS: tuple[tuple[str, str, str], ...] = (
    (
        "channel_partner",
        "Channel Partner",
        "A person at an aggregator or reseller of the organisation's services.",
    ),
    ("website_visitor", "Website Visitor", "A person who visits the organisation's websites."),
    (
        "caller",
        "Caller or Called Party",
        "A person whose calls pass through a customer's telephony, or the customer's agent.",
    ),
)
