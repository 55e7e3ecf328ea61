"""What an audit entry records: the closed set of actions. Pure.

Add members as features arrive; the log stores the plain value, so entries verify whatever the
enum later becomes.
"""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    """What an entry records. Add members as features arrive; stored as the plain value."""

    REGISTER_LOADED = "register_loaded"
    SUBJECT_CREATED = "subject_created"
    SUBJECT_READ = "subject_read"
    IDENTIFIER_ADDED = "identifier_added"
    SUBJECT_SHREDDED = "subject_shredded"
    GATE_DECISION = "gate_decision"
    CONSENT_RECORDED = "consent_recorded"
    RESTRICTION_APPLIED = "restriction_applied"
    RESTRICTION_LIFTED = "restriction_lifted"
    OBJECTION_RECORDED = "objection_recorded"
    KEYS_ROTATED = "keys_rotated"
    AUDIT_EXPORTED = "audit_exported"
    AUDIT_SEARCHED = "audit_searched"  # the log searched, with the filters as its details
    CONSENT_WITHDRAWN = "consent_withdrawn"
    OBJECTION_DECIDED = "objection_decided"
    TENANT_CREATED = "tenant_created"
    STAFF_TOKEN_ISSUED = "staff_token_issued"  # noqa: S105 - an action name, not a secret
    STAFF_TOKENS_REVOKED = "staff_tokens_revoked"
    CONSOLE_ACCOUNT_CREATED = "console_account_created"
    CONSOLE_ACCOUNT_DISABLED = "console_account_disabled"
    CONSOLE_PASSWORD_LINK = "console_password_link"  # noqa: S105 - an action name
    CONSOLE_PASSWORD_SET = "console_password_set"  # noqa: S105 - an action name, not a secret
    CONSOLE_LOGIN = "console_login"
    CONSOLE_LOGIN_FAILED = "console_login_failed"
    CONSOLE_LOCKED = "console_locked"
    CONSOLE_LOGOUT = "console_logout"
    CALLS_INGESTED = "calls_ingested"
    JOB_SUBMITTED = "job_submitted"  # a background job recorded: kind, tenant, id, bytes staged
    JOB_FAILED = "job_failed"  # a background job ended without doing its work, in fixed words
    QUARANTINE_RESOLVED = "quarantine_resolved"
    QUARANTINE_READ = "quarantine_read"
    QUARANTINE_SEARCHED = "quarantine_searched"
    CALL_REPORT_READ = "call_report_read"
    REQUEST_RECEIVED = "request_received"
    REQUEST_TRANSITION = "request_transition"
    CONTROLLER_INSTRUCTION = "controller_instruction"
    SUBJECT_PARTLY_ERASED = "subject_partly_erased"
    ERASURE_KEPT_BY_HOLD = "erasure_kept_by_hold"
    MARKETING_SUPPRESSED = "marketing_suppressed"
    IDENTIFIER_RECTIFIED = "identifier_rectified"
    DOWNLOAD_ISSUED = "download_issued"
    DOWNLOAD_SERVED = "download_served"
    DOWNLOAD_REFUSED = "download_refused"
    RELATIONSHIP_RECORDED = "relationship_recorded"
    HOLD_PLACED = "hold_placed"
    HOLD_REVIEWED = "hold_reviewed"
    HOLD_LIFTED = "hold_lifted"
    HOLD_READ = "hold_read"
    COMPLAINT_OUTCOME_READ = "complaint_outcome_read"
    COMPLAINT_ICO_RECORDED = "complaint_ico_recorded"  # the ICO's involvement in a complaint
    COMPLAINTS_EXPORTED = "complaints_exported"  # the complaints register, for the regulator
    RETENTION_SWEPT = "retention_swept"
    CALL_REPORT_RELEASED = "call_report_released"  # with differential-privacy noise
    CAMPAIGN_CREATED = "campaign_created"
    CAMPAIGN_AUDIENCE_RESOLVED = "campaign_audience_resolved"
    CAMPAIGN_SENT = "campaign_sent"
    MARKETING_UNSUBSCRIBED = "marketing_unsubscribed"
    UNSUBSCRIBE_REFUSED = "unsubscribe_refused"
    MARKETING_BASIS_RECORDED = "marketing_basis_recorded"
    MARKETING_IMPORTED = "marketing_imported"
    DATA_SHARED = "data_shared"  # a batch disclosed to a register recipient
    SHARE_REFUSED = "share_refused"  # an export refused before anything was read
    TRANSFER_SUSPENDED = "transfer_suspended"
    TRANSFER_SUSPENSION_LIFTED = "transfer_suspension_lifted"
    DISCLOSURE_LOG_READ = "disclosure_log_read"
    PURPOSE_ASSESSED = "purpose_assessed"  # Art. 6(4) compatibility of a changed purpose
    POLICY_NOTICES_QUEUED = "policy_notices_queued"
    POLICY_NOTICE_SENT = "policy_notice_sent"
    REQUIRED_DATA_ASKED = "required_data_asked"  # a letter asking for data a contract needs
    # the breach register: "breach_" and the `BreachEvent`, details of counts and closed words
    BREACH_RECORDED = "breach_recorded"
    BREACH_UPDATED = "breach_updated"
    BREACH_ASSESSED = "breach_assessed"
    BREACH_COUNTED = "breach_counted"
    BREACH_REPORTED = "breach_reported"
    BREACH_PEOPLE_NOTIFIED = "breach_people_notified"
    BREACH_CONTROLLERS_NOTIFIED = "breach_controllers_notified"
    BREACH_CONTROLLER_TOLD = "breach_controller_told"
    BREACH_PERSON_TOLD = "breach_person_told"
    BREACH_CLOSED = "breach_closed"
