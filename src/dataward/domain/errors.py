"""Errors dataward raises, each carrying the data a caller needs to act on it.

The tree, with the module each one lives in (here unless named):

    DatawardError
    ├── DocumentInvalid        a YAML document failed validation (every problem listed)
    │   ├── RegisterInvalid    ... the register
    │   └── MappingInvalid     ... a column mapping (adapters.ingest.mapping)
    ├── RegisterRefused        a valid register whose version is stored with other text
    ├── NotFound               a named thing does not exist
    │   └── NoSuchSubject      no subject the caller may know of: unknown, another tenant's,
    │                          or in a tenant that does not exist all answer alike
    ├── InvalidValue           a value given is not one its field takes (the field named, the
    │   │                      value not echoed)
    │   ├── NotInRegister      ... a key the register does not have: a subject kind, a purpose
    │   ├── FeeNotAllowed      ... a fee ground the law does not allow for the request's right
    │   │                      (domain.requests.fees)
    │   └── OutOfRange         ... a date or number outside what dataward takes or can compute
    ├── InvalidIdentifier      an identifier value is not valid for its type (value not echoed)
    ├── KeyUnavailable         a subject's data key is gone (shredded) or the master key is wrong
    ├── KeyBatchLost           the key sweep claimed a batch of new keys whose process was silent
    │                          past the grace period: nothing of that transaction lands; retry
    ├── ConfigurationError     settings, key file or database are not usable as configured
    ├── ProhibitedData         a field of a prohibited (Art. 9 or 10) category offered for storage
    ├── ConsentRefused         consent recorded for a purpose or channel that does not take it
    ├── RestrictionRefused     an Art. 18 rule broken, e.g. lifting before telling the subject
    ├── ObjectionRefused       an Art. 21 rule broken, e.g. overriding a direct-marketing objection
    ├── AccessDenied           the gate refused a read of personal data (carries the reason)
    ├── ActionNotAllowed       the actor's role may not take this action (register staff_roles)
    │   ├── ControllerInstructionRequired  our staff erasing or restricting a tenant's
    │   │                      caller without the tenant's instruction or its retention's end
    │   │                      (services.processing.processor_limits)
    │   └── HoldIsTheControllers  our staff holding a tenant's caller on a ground that is
    │                          the tenant's, or either side lifting or reading the other's hold
    │                          (domain.processing.litigation_holds)
    ├── Unauthenticated        no valid credentials were presented
    ├── SubjectRefused         a subject command the registry does not take: an unknown field,
    │                          a tenant given or missing for the kind, an erased subject
    │                          (services.subjects.registry)
    ├── DuplicateIdentifier    a unique identifier already belongs to a subject
    │                          (services.subjects.registry)
    ├── RequiredDataMissing    a subject registered or served for a purpose without data the
    │                          purpose requires by contract or law: names the data in words,
    │                          never a value (domain.register.required)
    ├── ErasureRefused         an active restriction keeps the data (services.processing.erasure)
    ├── SubjectHeld            a litigation hold keeps the subject from erasure; names the hold
    │                          (domain.processing.litigation_holds)
    ├── HoldRefused            a litigation hold placed on an erased subject, or reviewed or
    │                          lifted once lifted (domain.processing.litigation_holds)
    ├── LoginRefused           a console sign-in that failed, the same whatever failed
    │                          (domain.accounts)
    ├── PasswordRefused        a console password too short, too long or one repeated
    │                          character (domain.accounts)
    ├── CsrfRefused            a console form without the session's token or from another site
    │                          (entrypoints.api.console.web)
    ├── StaffRefused           a token for an unknown role, or with the wrong tenant for the role
    │                          (services.organisation.staff)
    ├── TenantRefused          a tenant's id or settings are not valid (domain.tenants)
    ├── AuditRefused           an audit entry whose details could carry personal data
    │                          (domain.audit)
    ├── WriteConflict          a concurrent writer stored the same unique row first; retry
    ├── IngestRejected         a call file had bad records and no quarantine was asked for:
    │                          nothing stored, every bad line listed (services.calls.ingest)
    ├── RunSuperseded          another run took a background job over: this run's work is
    │                          rolled back and it ends nothing (domain.jobs)
    ├── JobRefused             a background job's work refused for good, in fixed words (its
    │                          file rejected, a right that is not queued) (services.jobs.run)
    ├── QuarantineRefused      a quarantine entry that cannot be replayed or exported as asked
    │                          (services.quarantine.lines)
    ├── RequestRefused         a rights-request event the state machine or its rules do not
    │                          allow now (domain.requests.terms)
    ├── BreachRefused          a breach step its state does not allow now: closing with
    │                          something owed, a report phase out of order, a late report
    │                          without its reasons (domain.breaches.model)
    ├── BreachChanged          a breach changed since it was read; read it again
    │                          (domain.breaches.model)
    ├── BreachUnreadable       a breach's stored record is damaged; named by its id
    │                          (domain.breaches.model)
    ├── ReportRefused          a report asked for a range that ends before it starts
    │                          (services.calls.reports)
    ├── CampaignAlreadySent    a marketing campaign is sent once; a new one sends again
    │                          (services.marketing.sending)
    ├── ShareRefused           an export to a recipient the register, the gate or a transfer
    │                          rule does not allow (domain.sharing.records)
    ├── ReleaseRefused         a report with noise not by queue, without both dates, over
    │                          366 days, or past the tenant's budget (domain.calls.dp_release)
    ├── RetentionRefused       a retention sweep as of a day after today (domain.retention.sweeps)
    ├── SweepRunning           another retention sweep holds the lease (domain.retention.sweeps)
    ├── SweepLeaseLost         a sweep's lease ended under it; it stopped (domain.retention.sweeps)
    ├── TenantBusy             a tenant's ingest outlasted a sweep's wait (domain.retention.sweeps)
    ├── DownloadNotFound       a download link unknown or altered (services.rights.downloads)
    ├── DownloadGone           a download link used or expired (services.rights.downloads)
    ├── FormatUnknown          no parser is sure of a call file, or a format name is unknown
    │                          (adapters.ingest.detect)
    └── HeaderMismatch         a call file's header lacks a column its mapping names
                               (adapters.ingest.generic_csv)

Entry points map these to exit codes (CLI) and to one JSON error shape (API) in one place each.
Messages never carry personal data, nor echo what was given: they name places (file, line,
field) and the register's own keys, never a value the caller sent, which could be anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dataward.domain.register.problems import Problem


class DatawardError(Exception):
    """Base of every error dataward raises on purpose."""

    code = "dataward_error"


class DocumentInvalid(DatawardError):
    """A YAML document (register, column mapping) failed validation; every problem listed."""

    code = "document_invalid"
    what = "document"

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        count = sum(1 for p in self.problems if p.severity == "error")
        super().__init__(f"{source}: {count} problem(s) in the {self.what}")

    def lines(self) -> list[str]:
        return [f"{self.source}: {problem}" for problem in self.problems]


class RegisterInvalid(DocumentInvalid):
    code = "register_invalid"
    what = "register"


class RegisterRefused(DatawardError):
    """A valid register that cannot be stored as it is: its version names another text."""

    code = "register_refused"


class NotFound(DatawardError):
    """A named thing does not exist; the message names the kind of thing, not the name asked
    for (`key`, kept for code), which came from outside and could hold anything."""

    code = "not_found"

    def __init__(self, what: str, key: str) -> None:
        self.what = what
        self.key = key
        super().__init__(f"no such {what}")


class NoSuchSubject(NotFound):
    """No subject the caller may know of, said the same way whatever the cause.

    A subject that does not exist, one of another tenant, one in a tenant that does not exist
    and an identifier that matches no one must not be told apart: the difference would confirm
    that a person is somebody's caller or customer.
    """

    MESSAGE = "no such subject"

    def __init__(self) -> None:
        self.what = "subject"
        self.key = ""
        DatawardError.__init__(self, self.MESSAGE)


class InvalidValue(DatawardError):
    """A value given for `field` is not one it takes: says what the field takes, never what
    it was given."""

    code = "invalid_value"

    def __init__(self, field: str, expected: str) -> None:
        self.field = field
        self.expected = expected
        super().__init__(f"{field}: {expected}")


class NotInRegister(InvalidValue):
    """A key the caller named is not among the register's (`what` and the keys it has)."""

    code = "not_in_register"

    def __init__(self, what: str, key: str, known: Sequence[str]) -> None:
        self.what = what
        self.key = key
        self.known = tuple(known)
        super().__init__(what, f"not in the register (it has: {', '.join(known)})")


class OutOfRange(InvalidValue):
    """A date or number outside what dataward takes, or beyond what its arithmetic can reach
    (a deadline past the calendar's last day)."""

    code = "out_of_range"


class InvalidIdentifier(DatawardError):
    code = "invalid_identifier"

    def __init__(self, kind: str, reason: str) -> None:
        self.kind = kind
        self.reason = reason
        super().__init__(f"invalid {kind}: {reason}")


class KeyUnavailable(DatawardError):
    code = "key_unavailable"


class KeyBatchLost(DatawardError):
    """The process making new keys was silent for longer than the grace period, so the key
    sweep claimed its batch: the transaction that would have owned them does not commit
    (nothing of it is stored) and the work may simply be sent again. Never names the batch."""

    code = "try_again"

    MESSAGE = (
        "the work was interrupted for longer than the key sweep waits, so nothing of it was "
        "stored; send it again"
    )

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)


class ConfigurationError(DatawardError):
    code = "configuration_error"


class ProhibitedData(DatawardError):
    """A field of a prohibited category was offered for storage; names the field, never a value."""

    code = "prohibited_data"

    def __init__(self, field: str, category: str, kind: str) -> None:
        self.field = field
        self.category = category
        self.kind = kind
        super().__init__(f"field {field!r} is {kind} data ({category}): dataward does not store it")


class ConsentRefused(DatawardError):
    """Consent recorded where it cannot be; `purpose` and `channel` are kept for code, the
    message gives the reason only (they were given by the caller, known to the register or not)."""

    code = "consent_refused"

    def __init__(self, purpose: str, channel: str | None, reason: str) -> None:
        self.purpose = purpose
        self.channel = channel
        self.reason = reason
        super().__init__(f"consent refused: {reason}")


class RestrictionRefused(DatawardError):
    code = "restriction_refused"


class ObjectionRefused(DatawardError):
    code = "objection_refused"


class AccessDenied(DatawardError):
    """The gate said no; `reason` is a `DenialReason` value, never personal data. The purpose
    is the caller's word, perhaps not the register's, so the message does not repeat it."""

    code = "access_denied"

    def __init__(self, reason: str, purpose: str, category: str) -> None:
        self.reason = reason
        self.purpose = purpose
        self.category = category
        super().__init__(f"{category} for the purpose given refused: {reason}")


class ActionNotAllowed(DatawardError):
    code = "action_not_allowed"

    def __init__(self, action: str, why: str) -> None:
        self.action = action
        self.why = why
        super().__init__(f"not allowed to {action.replace('_', ' ')}: {why}")


class WriteConflict(DatawardError):
    """Another transaction stored the same unique row first (e.g. two ingests creating the
    same caller): the unit of work rolled back and the operation may simply be retried."""

    code = "write_conflict"


class Unauthenticated(DatawardError):
    code = "unauthenticated"
