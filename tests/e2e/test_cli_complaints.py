"""The complaints register from the command line, on SQLite and PostgreSQL: the DCO lists it
(table, JSON, CSV; open only; a period), shows one complaint with its outcome and timeline,
records the ICO's involvement, and exports the register into a private file without any
outcome's text or the complainant's address. Other roles are refused, a tenant's
administrator finds none, and hostile values are usage errors naming the option, never
repeated."""

from __future__ import annotations

import csv
import io
import json
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from faker import Faker

from dataward.domain.clock import FixedClock
from tests.support.cli_calls import invoke, refused

FOUND, DONE = "Recordings were kept too long.", "We deleted them and fixed the job."
UNKNOWN = "6f1c8a4e-0b7d-4d0e-9a51-6f3c2b1d9e07"


@pytest.fixture
def installed(
    backend: str,
    database_url: str,
    keystore_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    """`dataward init` on the backend's databases, the DCO at the command line."""
    folder = tmp_path / "var"
    monkeypatch.setenv("DATAWARD_DATA_DIR", str(folder))
    monkeypatch.setenv("DATAWARD_ACTOR", "dco-on-duty")
    monkeypatch.setenv("DATAWARD_ACTOR_ROLE", "dco")
    for name in (
        "DATAWARD_DATABASE_URL",
        "DATAWARD_KEYSTORE_URL",
        "DATAWARD_MASTER_KEY",
        "DATAWARD_ACTOR_TENANT",
    ):
        monkeypatch.delenv(name, raising=False)
    if backend == "postgresql":
        monkeypatch.setenv("DATAWARD_DATABASE_URL", database_url)
        monkeypatch.setenv("DATAWARD_KEYSTORE_URL", keystore_url)
    invoke("init")
    return folder


def _complaint(*options: str) -> str:
    return invoke("requests", "create", "--type", "complaint", *options).split("\t")[0]


def _worked(fake: Faker, clock: FixedClock) -> tuple[str, str, str]:
    """A complaint by post received on 20 November, started on 25 December (late) and taken
    to the ICO; one by e-mail received on 25 November, completed with its outcome at once."""
    email = fake.email()
    by_post = _complaint("--received", "2026-11-20", "--channel", "post")
    by_email = _complaint("--received", "2026-11-25", "--email", email, "--name", fake.name())
    invoke("requests", "advance", by_email, "start")
    invoke("requests", "advance", by_email, "complete", "--found", FOUND, "--done", DONE)
    clock.advance(timedelta(days=30))
    invoke("requests", "advance", by_post, "start")
    said = invoke("complaints", "ico", by_post, "--reference", "IC-0042/26", "--on", "2026-12-20")
    assert said == f"{by_post}\tICO open\n"
    return by_post, by_email, email


@pytest.mark.usefixtures("installed")
def test_the_dco_lists_the_register_in_each_format(fake: Faker, clock: FixedClock) -> None:
    by_post, by_email, email = _worked(fake, clock)
    table = invoke("complaints", "list")
    lines = table.splitlines()
    assert lines[0].startswith("received\tid\tvia\tstate\tacknowledged")
    assert by_email in lines[1]
    assert by_post in lines[2]
    assert "2026-12-25 late" in lines[2]  # acknowledged after its 19 December
    assert "IC-0042/26 2026-12-20 open" in lines[2]
    assert "2026-11-25 on_time" in lines[1]
    assert "on_time (recorded)" in lines[1]
    assert lines[3].startswith("2 complaint(s), 1 open")
    assert email not in table
    assert FOUND not in table

    document = json.loads(invoke("complaints", "list", "--format", "json"))
    assert document["figures"]["acknowledgement"]["late"] == 1
    assert document["figures"]["taken_to_ico"] == 1
    assert [c["id"] for c in document["complaints"]] == [by_email, by_post]
    rows = list(csv.DictReader(io.StringIO(invoke("complaints", "list", "--format", "csv"))))
    assert [(r["id"], r["acknowledgement"], r["outcome_recorded"]) for r in rows] == [
        (by_email, "on_time", "yes"),
        (by_post, "late", "no"),
    ]
    assert by_post in invoke("complaints", "list", "--open")
    assert by_email not in invoke("complaints", "list", "--open")
    period = invoke("complaints", "list", "--since", "2026-11-21", "--until", "2026-11-30")
    assert (by_email in period, by_post in period) == (True, False)


@pytest.mark.usefixtures("installed")
def test_one_complaint_shows_its_outcome_and_its_icos_outcome_is_recorded(
    fake: Faker, clock: FixedClock
) -> None:
    by_post, by_email, email = _worked(fake, clock)
    shown = invoke("complaints", "show", by_email)
    assert f"found: {FOUND}" in shown
    assert f"done: {DONE}" in shown
    assert "complete: in_progress -> completed" in shown
    assert email not in shown
    detail = json.loads(invoke("complaints", "show", by_email, "--format", "json"))
    assert detail["outcome_text"] == {"found": FOUND, "done": DONE}
    said = invoke(
        "complaints", "ico", by_post, "--reference", "IC-0042/26", "--on", "2026-12-20",
        "--outcome", "no_further_action", "--closed", "2026-12-24",
    )  # fmt: skip
    assert said == f"{by_post}\tICO no_further_action 2026-12-24\n"
    post = invoke("complaints", "show", by_post)
    assert "ICO: IC-0042/26 told us 2026-12-20 no_further_action closed 2026-12-24" in post
    assert "no outcome recorded" in post


@pytest.mark.usefixtures("installed")
def test_the_export_is_private_and_carries_no_outcome_or_address(
    fake: Faker, clock: FixedClock, tmp_path: Path
) -> None:
    by_post, by_email, email = _worked(fake, clock)
    out = tmp_path / "complaints.csv"
    invoke("complaints", "export", "--output", str(out))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = out.read_text("utf-8")
    assert [r["id"] for r in csv.DictReader(io.StringIO(text))] == [by_email, by_post]
    as_json = tmp_path / "complaints.json"
    invoke("complaints", "export", "--format", "json", "--output", str(as_json))
    assert json.loads(as_json.read_text("utf-8"))["figures"]["complaints"] == 2
    to_stdout = invoke("complaints", "export", "--until", "2026-11-20")
    assert [r["id"] for r in csv.DictReader(io.StringIO(to_stdout))] == [by_post]
    for written in (text, as_json.read_text("utf-8"), to_stdout):
        assert FOUND not in written
        assert DONE not in written
        assert email not in written
    planted = tmp_path / "planted.txt"
    planted.write_text("someone else's\n")
    (tmp_path / "link.csv").symlink_to(planted)
    refused("complaints", "export", "--output", str(tmp_path / "link.csv"), code=2)
    assert planted.read_text() == "someone else's\n"


@pytest.mark.usefixtures("installed")
@pytest.mark.parametrize("role", ["operator", "support", "marketing", "auditor"])
def test_roles_without_the_need_to_know_are_refused(
    role: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    complaint = _complaint("--received", "2026-11-20", "--channel", "post")
    monkeypatch.setenv("DATAWARD_ACTOR_ROLE", role)
    for args in (
        ("complaints", "list"),
        ("complaints", "show", complaint),
        ("complaints", "export"),
        ("complaints", "ico", complaint, "--reference", "IC-1", "--on", "2026-11-24"),
    ):
        assert "not allowed" in refused(*args, code=1)


@pytest.mark.usefixtures("installed")
def test_a_tenants_administrator_finds_no_complaint(monkeypatch: pytest.MonkeyPatch) -> None:
    complaint = _complaint("--received", "2026-11-20", "--channel", "post")
    monkeypatch.setenv("DATAWARD_ACTOR_ROLE", "tenant_admin")
    monkeypatch.setenv("DATAWARD_ACTOR_TENANT", "tenant-a")
    listed = invoke("complaints", "list")
    assert complaint not in listed
    assert "0 complaint(s), 0 open" in listed
    assert complaint not in invoke("complaints", "export")
    assert "no such complaint" in refused("complaints", "show", complaint, code=3)
    ico = ("complaints", "ico", complaint, "--reference", "IC-1", "--on", "2026-11-24")
    assert "no such complaint" in refused(*ico, code=3)
    monkeypatch.setenv("DATAWARD_ACTOR_ROLE", "dco")
    monkeypatch.delenv("DATAWARD_ACTOR_TENANT")
    assert "ICO: not involved" in invoke("complaints", "show", complaint)


@pytest.mark.usefixtures("installed")
def test_hostile_values_are_usage_errors_naming_the_option() -> None:
    complaint = _complaint("--received", "2026-11-20", "--channel", "post")
    access = invoke(
        "requests", "create", "--type", "access", "--received", "2026-11-20", "--channel", "post"
    ).split("\t")[0]
    ico = ("complaints", "ico", complaint, "--on", "2026-11-24")
    for reference in ("07700 900123", "IC_1", "x" * 41, "IC-1\n", "=1+1"):
        said = refused(*ico, "--reference", reference, code=2)
        assert "--reference" in said
        assert "07700" not in said
        assert "x" * 41 not in said
    said = refused(*ico, "--reference", "IC-1", "--outcome", "07700900123", code=2)
    assert "--outcome" in said
    assert "07700900123" not in said
    ok = ("complaints", "ico", complaint, "--reference", "IC-1")
    assert "--on" in refused(*ok, "--on", "2026-02-30", code=2)
    assert "on: between" in refused(*ok, "--on", "2026-11-26", code=2)  # tomorrow
    assert "on: between" in refused(*ok, "--on", "2026-11-19", code=2)  # before it came
    assert "closed: only with" in refused(
        *ok, "--on", "2026-11-24", "--closed", "2026-11-25", code=2
    )
    for not_a_complaint in (access, UNKNOWN):
        assert "no such complaint" in refused("complaints", "show", not_a_complaint, code=3)
        recorded = (
            "complaints",
            "ico",
            not_a_complaint,
            "--reference",
            "IC-1",
            "--on",
            "2026-11-24",
        )
        assert "no such complaint" in refused(*recorded, code=3)
    assert "ID" in refused("complaints", "show", "07700900123", code=2)
    assert "until" in refused(
        "complaints", "list", "--since", "2026-11-25", "--until", "2026-11-20", code=2
    )
    assert "--format" in refused("complaints", "list", "--format", "xlsx", code=2)
    assert "ICO: not involved" in invoke("complaints", "show", complaint)
