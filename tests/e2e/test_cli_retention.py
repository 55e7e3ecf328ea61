"""`dataward retention plan|sweep|history` on an embedded installation: the plan says what the
sweep then removes, the sweep's evidence is listed, a sweep ahead of today and a role without
the maintenance action are refused with a message, never a traceback."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from bench.gen_calls import Workload, generate
from faker import Faker
from typer.testing import CliRunner

from dataward.domain.clock import FixedClock
from dataward.entrypoints.cli.main import app
from tests.e2e.test_cli_failing_files import no_traceback

runner = CliRunner()
pytestmark = pytest.mark.usefixtures("data_dir")
OPERATOR = {"DATAWARD_ACTOR_ROLE": "operator"}


def _tenant_with_old_calls(tmp_path: Path) -> None:
    created = runner.invoke(
        app, ["tenants", "create", "Acme Ltd", "--id", "acme", "--retention", "P13M"]
    )
    assert created.exit_code == 0, created.output
    out = io.StringIO()
    generate("asterisk-cdr-csv", out, Workload(300, numbers=40, queues=3, days=500))
    calls = tmp_path / "calls.csv"
    calls.write_text(out.getvalue())
    ingested = runner.invoke(app, ["ingest", str(calls), "--tenant", "acme"], env=OPERATOR)
    assert ingested.exit_code == 0, ingested.output


def test_the_plan_says_what_the_sweep_removes_and_the_history_keeps_it(tmp_path: Path) -> None:
    _tenant_with_old_calls(tmp_path)
    planned = runner.invoke(app, ["retention", "plan", "--format", "json"])
    assert planned.exit_code == 0, planned.output
    lines = {(line["tenant"], line["store"]): line for line in json.loads(planned.stdout)["lines"]}
    due = lines["acme", "calls"]["due"]
    assert 0 < due < 300
    assert lines["acme", "calls"]["retention"] == "P13M"

    swept = runner.invoke(app, ["retention", "sweep", "--format", "json", "--batch", "40"])
    assert swept.exit_code == 0, swept.output
    removed = {(r["tenant"], r["store"]): r["removed"] for r in json.loads(swept.stdout)}
    assert removed["acme", "calls"] == due
    again = runner.invoke(app, ["retention", "plan", "--format", "json"])
    after = {(x["tenant"], x["store"]): x["due"] for x in json.loads(again.stdout)["lines"]}
    assert after["acme", "calls"] == 0
    assert after["acme", "call_parties"] == 0

    history = runner.invoke(app, ["retention", "history"])
    assert history.exit_code == 0, history.output
    assert "call_data\tcalls\tacme" in history.stdout
    assert f"\tdone\t{due}\t" in history.stdout


def test_a_sweep_ahead_of_today_or_by_another_role_is_refused(clock: FixedClock) -> None:
    tomorrow = (clock.now().date() + timedelta(days=1)).isoformat()
    ahead = runner.invoke(app, ["retention", "sweep", "--as-of", tomorrow])
    no_traceback(ahead)
    assert ahead.exit_code != 0
    assert "after today" in ahead.output
    for command in (["plan"], ["sweep"], ["history"]):
        refused = runner.invoke(app, ["retention", *command], env=OPERATOR)
        no_traceback(refused)
        assert refused.exit_code != 0
        assert "not allowed to" in refused.output


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _consent(subject_id: str, verb: str, *channel: str) -> None:
    method = "web_form" if verb == "give" else "email_link"
    _ok("consents", verb, subject_id, "--purpose", "direct_marketing", *channel,
        "--method", method, "--notice-version", "notice-v7")  # fmt: skip


def test_consent_records_are_planned_swept_and_kept_in_the_history(
    clock: FixedClock, fake: Faker
) -> None:
    today = clock.current
    clock.current = today - timedelta(days=7 * 366)  # withdrawn more than six years ago
    withdrawn = _ok("subjects", "create", "--kind", "end_user", "--email", fake.email()).strip()
    _consent(withdrawn, "give", "--channel", "email")
    _consent(withdrawn, "withdraw")  # every channel: e-mail, text and post
    clock.current = today
    given = _ok("subjects", "create", "--kind", "end_user", "--email", fake.email()).strip()
    _consent(given, "give", "--channel", "sms")

    planned = json.loads(_ok("retention", "plan", "--format", "json"))["lines"]
    [line] = [x for x in planned if x["store"] == "consent_records"]
    assert (line["tenant"], line["rule"], line["due"], line["waiting"]) == (
        None,
        "marketing_preferences",
        4,  # given and withdrawn by e-mail; withdrawn by text and by post
        1,
    )
    assert line["retention"] == "P2Y last_interaction; P6Y consent_withdrawn"
    assert line["oldest"] == (today - timedelta(days=7 * 366)).date().isoformat()
    assert "consent still given" in line["waiting_for"]
    assert {x["store"] for x in planned if x["tenant"] is None} >= {
        "consent_records",
        "downloads",
        "suppression_digests",
    }
    table = _ok("retention", "plan")
    assert "marketing_preferences\tconsent_records\t-\tP2Y last_interaction; P6Y" in table
    assert "  waiting: 1 for a consent still given" in table
    assert withdrawn not in table  # nobody is held: no subject's id is shown
    assert given not in table

    swept = json.loads(_ok("retention", "sweep", "--format", "json"))
    removed = {r["store"]: r["removed"] for r in swept if r["tenant"] is None}
    assert (removed["consent_records"], removed["downloads"], removed["suppression_digests"]) == (
        4,
        0,
        0,
    )
    history = _ok("retention", "history")
    assert "marketing_preferences\tconsent_records\t-" in history
    assert "rights_records\tdownloads\t-" in history
    assert "marketing_preferences\tsuppression_digests\t-" in history
    assert "direct_marketing\tsms\tgiven" in _ok("consents", "show", given)


def test_contacts_with_nothing_left_are_planned_and_shredded(
    clock: FixedClock, fake: Faker
) -> None:
    today = clock.current
    clock.current = today - timedelta(days=3 * 366)  # made more than two years ago
    email = fake.email()
    left = _ok("subjects", "create", "--kind", "marketing_contact", "--email", email).strip()
    kept = _ok("subjects", "create", "--kind", "marketing_contact", "--email", fake.email())
    _consent(kept.strip(), "give", "--channel", "email")  # a consent still given keeps it
    clock.current = today

    planned = json.loads(_ok("retention", "plan", "--format", "json"))["lines"]
    [line] = [x for x in planned if x["store"] == "contacts"]
    assert (line["tenant"], line["rule"], line["retention"]) == (
        None,
        "usage_analytics",
        "P26M collection; P2Y last_interaction",
    )
    assert (line["due"], line["waiting"], line["held"]) == (1, 1, [])
    assert line["oldest"] == (today - timedelta(days=3 * 366)).date().isoformat()
    assert line["waiting_for"] == "records of theirs still kept (1)"
    table = _ok("retention", "plan")
    assert "usage_analytics\tcontacts\t-\tP26M collection; P2Y last_interaction\t" in table
    assert "  waiting: 1 for records of theirs still kept (1)" in table
    assert left not in table

    swept = json.loads(_ok("retention", "sweep", "--format", "json"))
    assert swept[-1]["store"] == "contacts"  # swept last
    assert (swept[-1]["removed"], swept[-1]["held"]) == (1, 0)
    assert left not in json.dumps(swept)
    history = _ok("retention", "history")
    assert "usage_analytics\tcontacts\t-" in history
    assert left not in history
    shown = runner.invoke(app, ["subjects", "show", left, "--purpose", "secure_storage"])
    assert email not in shown.output
    assert "erased" in shown.output
    assert "direct_marketing\temail\tgiven" in _ok("consents", "show", kept.strip())
