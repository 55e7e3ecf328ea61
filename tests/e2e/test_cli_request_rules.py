"""`dataward requests` as the DCO meets the rules on fees, lateness and complaints: a fee only
where the law allows it, with its amount; a late answer shown late; a complaint completed with
its outcome. And no wrong input to any `requests` command prints a traceback.

Today is Wednesday 25 November 2026 (the fixtures' clock)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from faker import Faker
from typer.testing import CliRunner, Result

from dataward.domain.clock import FixedClock
from dataward.entrypoints.cli.main import app
from tests.builders import EVIDENCE

runner = CliRunner()
pytestmark = pytest.mark.usefixtures("data_dir")
PASTED = "07700 900123"  # a drama-range number, as one pasted in the wrong field


def ok(*args: str) -> Result:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def refused(*args: str, code: int) -> Result:
    """The command's result, asserted refused with `code`, said, with no traceback."""
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


def create(kind: str, received: str, *extra: str) -> str:
    return ok("requests", "create", "--type", kind, "--received", received, *extra).stdout.split(
        "\t"
    )[0]


def test_a_further_copy_fee_asked_of_an_erasure_requester_is_a_usage_error() -> None:
    erasure = create("erasure", "2026-11-20")
    result = refused(
        "requests",
        "advance",
        erasure,
        "ask_fee",
        "--ground",
        "further_copy",
        "--reason",
        "again",
        code=2,
    )
    assert "error: ground: further_copy is a fee ground for access requests only" in result.stderr
    assert "awaiting_fee" not in ok("requests", "show", erasure).stdout


def test_a_fee_is_asked_with_its_amount_in_pounds_and_bounded() -> None:
    access = create("access", "2026-11-20")
    why = ("--ground", "manifestly_excessive", "--reason", "the fifth copy of the same calls")
    assert (
        "pounds and pence"
        in refused(
            "requests", "advance", access, "ask_fee", *why, "--amount", "12.5", code=2
        ).output
    )
    over = refused("requests", "advance", access, "ask_fee", *why, "--amount", "100.01", code=2)
    assert "amount: whole pence from 1 to 10000 (£100.00)" in over.stderr
    asked = ok("requests", "advance", access, "ask_fee", *why, "--amount", "£12.50")
    assert asked.stdout.startswith("awaiting_fee\tdue 2026-12-21\tfee £12.50")
    assert "fee asked: £12.50 (manifestly_excessive)" in ok("requests", "show", access).stdout
    default = create("access", "2026-11-20")
    ok("requests", "advance", default, "ask_fee", *why)
    assert "fee asked: £25.00 (manifestly_excessive)" in ok("requests", "show", default).stdout


@pytest.mark.parametrize(
    "amount", ["\u0661\u0662.\u0665\u0660", "\uff11\uff12.\uff15\uff10", "\u00b9\u00b2"]
)
def test_an_amount_in_other_digits_than_ascii_is_a_usage_error(amount: str) -> None:
    access = create("access", "2026-11-20")
    why = ("--ground", "manifestly_excessive", "--reason", "the fifth copy of the same calls")
    result = refused("requests", "advance", access, "ask_fee", *why, "--amount", amount, code=2)
    assert "pounds and pence, like 12.50" in result.output
    assert amount not in result.output
    assert "awaiting_fee" not in ok("requests", "show", access).stdout


def test_a_further_copy_fee_on_a_first_access_request_is_a_usage_error() -> None:
    access = create("access", "2026-11-20")
    result = refused(
        "requests",
        "advance",
        access,
        "ask_fee",
        "--ground",
        "further_copy",
        "--reason",
        "again",
        code=2,
    )
    assert result.stderr == (
        "error: ground: further_copy is for copies after the first (Art. 15(3)): the request "
        "names no subject, so no copy was supplied before; manifestly_unfounded or "
        "manifestly_excessive\n"
    )
    assert "awaiting_fee" not in ok("requests", "show", access).stdout


def test_a_late_completion_is_shown_late_in_the_queue_and_the_timeline() -> None:
    late = create("access", "2026-10-01")  # due Monday 2 November
    ok("requests", "advance", late, "start")
    done = ok("requests", "advance", late, "complete", "--reason", "sent by post")
    assert done.stdout == "completed\tdue 2026-11-02\tlate 23 day(s)\n"
    assert done.stderr == "flagged for the DCO: complete 23 days late\n"
    (line,) = [x for x in ok("requests", "queue", "--all").stdout.splitlines() if late in x]
    assert line.split("\t")[:4] == ["2026-11-02", "LATE 23d", "access", "completed"]
    assert line.endswith("FLAG: complete 23 days late")
    shown = ok("requests", "show", late).stdout
    assert "LATE by 23 day(s)" in shown.splitlines()[0]
    assert "complete: in_progress -> completed  by dco-on-duty  (sent by post)  LATE by 23" in shown


def test_identity_asked_after_the_due_date_leaves_it_overdue_and_flagged() -> None:
    late = create("access", "2026-10-01")
    asked = ok("requests", "advance", late, "ask_identity")
    assert asked.stdout == "awaiting_identity\tdue 2026-11-02\n"
    flagged = "flagged for the DCO: identity asked"
    assert asked.stderr.splitlines() == [
        f"{flagged} after the due date 2026-11-02: the date stands, the request is overdue",
        (
            f"{flagged} 2026-11-25, more than 5 working days after receipt (2026-10-01): it is due "
            "without undue delay"
        ),
    ]
    verified = ok(
        "requests", "advance", late, "identity_verified", "--reason", EVIDENCE["identity_verified"]
    )
    assert verified.stdout == "received\tdue 2026-11-02\n"
    (line,) = [x for x in ok("requests", "queue").stdout.splitlines() if late in x]
    assert line.startswith("2026-11-02\tOVERDUE\taccess\treceived")
    assert "due date fixed at 2026-11-02" in ok("requests", "show", late).stdout


def test_the_working_days_identity_may_wait_are_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    # Monday 16 November: today, the 25th, is the seventh working day after it
    flagged = ok("requests", "advance", create("access", "2026-11-16"), "ask_identity")
    assert "more than 5 working days after receipt (2026-11-16)" in flagged.stderr
    monkeypatch.setenv("DATAWARD_IDENTITY_WITHIN_WORKING_DAYS", "7")
    in_time = ok("requests", "advance", create("access", "2026-11-16"), "ask_identity")
    assert in_time.stderr == ""


def test_a_complaint_is_acknowledged_then_completed_with_its_outcome(
    fake: Faker, clock: FixedClock
) -> None:
    complaint = create("complaint", "2026-11-20", "--email", fake.email())
    clock.advance(timedelta(days=30))  # 25 December: past its 30 days, but acknowledged
    (line,) = [x for x in ok("requests", "queue").stdout.splitlines() if complaint in x]
    assert line.split("\t") == [
        "2027-01-14",
        "-",
        "complaint",
        "received",
        "-",
        complaint,
        "(outcome target)",
    ]
    ok("requests", "advance", complaint, "start")
    bare = refused("requests", "advance", complaint, "complete", code=1)
    assert "a complaint is completed with its outcome" in bare.stderr
    not_yet = refused("requests", "advance", complaint, "start", "--found", "x", code=2)
    assert "only with complete" in not_yet.output
    found, done = "Recordings were kept too long.", "We deleted them and fixed the job."
    finished = ok("requests", "advance", complaint, "complete", "--found", found, "--done", done)
    assert finished.stdout == "completed\tdue 2027-01-14\n"
    shown = ok("requests", "show", complaint).stdout
    assert f"  found: {found}\n  done: {done}\n" in shown
    assert "(outcome target)" in shown.splitlines()[0]


def test_an_unacknowledged_complaint_is_due_to_be_acknowledged(clock: FixedClock) -> None:
    complaint = create("complaint", "2026-11-20", "--channel", "post")
    clock.advance(timedelta(days=30))
    (line,) = [x for x in ok("requests", "queue").stdout.splitlines() if complaint in x]
    assert line.split("\t")[:2] == ["2026-12-19", "OVERDUE"]
    assert line.endswith("(to acknowledge)")


def _wrong_inputs() -> list[tuple[list[str], int]]:
    """(command, exit code) for inputs no `requests` command may take, on real requests."""
    access = create("access", "2026-11-20")
    started = create("access", "2026-11-20")
    ok("requests", "advance", started, "start")
    ok("requests", "advance", started, "ask_clarification")
    complaint = create("complaint", "2026-11-20")
    erasure = create("erasure", "2026-11-20")
    unknown = "6f1c8a4e-0b7d-4d0e-9a51-6f3c2b1d9e07"
    go, new = ["requests", "advance"], ["requests", "create", "--type"]
    copy = ["ask_fee", "--ground", "further_copy", "--reason", "x"]
    excessive = ["--ground", "manifestly_excessive", "--reason", "x"]
    outcome = ["complete", "--found", "f", "--done", "d"]
    today = ["--received", "2026-11-20"]
    # fmt: off
    return [
        ([*go, started, "clarified", "--on", "2026-11-24"], 1),  # before it was asked
        ([*go, started, "clarified", "--on", "2026-11-26"], 1),  # tomorrow
        ([*go, access, "clarified", "--on", "2026-11-19"], 1),
        ([*go, access, "complete"], 1),
        ([*go, access, "extend"], 1),
        ([*go, access, "refuse", "--reason", "x"], 1),
        ([*go, access, "refuse", "--ground", PASTED, "--reason", "x"], 1),
        ([*go, access, "start", "--ground", "further_copy"], 1),
        ([*go, access, "start", "--on", "2026-11-20"], 1),
        ([*go, access, "start", "--reason", "x" * 501], 1),
        ([*go, access, "start", "--amount", "12.00"], 1),
        ([*go, access, "ask_fee", "--ground", "further_copy"], 1),
        ([*go, access, *copy, "--amount", PASTED], 2),
        ([*go, access, *copy, "--amount", "0.00"], 2),
        ([*go, access, "identity_verified"], 1),
        ([*go, access, "authority_received", "--ground", "solicitor"], 1),
        ([*go, access, "forward"], 1),
        ([*go, access, "receive"], 1),
        ([*go, erasure, *copy], 2),
        ([*go, complaint, "ask_fee", *excessive], 1),
        ([*go, complaint, "refuse", *excessive], 1),
        ([*go, complaint, *outcome], 1),  # not started
        ([*go, access, *outcome], 1),  # not a complaint
        ([*go, access, "complete", "--found", " ", "--done", "d"], 1),
        ([*go, unknown, "start"], 3),
        ([*go, PASTED, "start"], 3),
        (["requests", "show", unknown], 3),
        (["requests", "show", PASTED], 3),
        (["requests", "fulfil", complaint], 1),
        (["requests", "fulfil", access], 1),  # not started
        (["requests", "fulfil", unknown], 3),
        (["requests", "instruct", access, "export"], 1),
        (["requests", "tell-lifting", unknown], 3),
        (["requests", "tell-lifting", PASTED], 3),
        (["requests", "lift", unknown], 3),
        ([*new, "access", "--received", "2026-11-26"], 1),
        ([*new, "access", *today, "--tenant", "no-such-tenant"], 3),
        ([*new, "access", *today, "--subject", unknown], 3),
        ([*new, "objection", *today, "--scope", PASTED], 1),
        ([*new, "access", *today, "--email", PASTED], 1),
    ]
    # fmt: on


def test_no_requests_command_prints_a_traceback_for_a_wrong_input() -> None:
    for command, code in _wrong_inputs():
        result = runner.invoke(app, command)
        assert isinstance(result.exception, SystemExit), (command, repr(result.exception))
        assert result.exit_code == code, (command, result.output)
        assert "Traceback" not in result.output, command
        assert result.stderr.startswith(("error: ", "Usage: ")), (command, result.stderr)
        assert PASTED not in result.output, command
