"""Sharing from the command line: marketing staff export to Mondago the allowed fields of the
people who consented to Mondago's marketing, into a private file, CSV cells safe from formulas;
the DCO reads the log, lists processors, suspends and lifts a mechanism; a role without the
action, an unknown recipient or a hostile mechanism is refused without a traceback."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path

import pytest
from faker import Faker

from tests.support.cli_calls import invoke, refused

pytestmark = pytest.mark.usefixtures("data_dir")


def _consenting(fake: Faker, name: str) -> str:
    subject_id = invoke(
        "subjects", "create", "--kind", "marketing_contact", "--email", fake.email(), "--name", name
    ).strip()
    invoke(
        "consents", "give", subject_id, "--purpose", "mondago_marketing", "--method", "web_form",
        "--notice-version", "2026.1", "--channel", "third_party",
    )  # fmt: skip
    return subject_id


def test_marketing_exports_to_mondago_into_a_private_file_and_the_dco_reads_the_log(
    fake: Faker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    yes = _consenting(fake, '=HYPERLINK("http://x")')
    no = invoke("subjects", "create", "--kind", "marketing_contact", "--email", fake.email())
    monkeypatch.setenv("DATAWARD_ACTOR_ROLE", "marketing")
    out = tmp_path / "mondago.csv"
    invoke(
        "share",
        "export",
        "--recipient",
        "mondago",
        "--purpose",
        "mondago_marketing",
        "-o",
        str(out),
    )
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert [r["subject_id"] for r in rows] == [yes]
    assert rows[0]["name"] == '\'=HYPERLINK("http://x")'  # never run by a spreadsheet
    assert set(rows[0]) == {"subject_id", "name", "email", "phone", "postal_address"}

    as_json = tmp_path / "mondago.json"
    invoke("share", "export", "--recipient", "mondago", "--purpose", "mondago_marketing",
           "--format", "json", "-o", str(as_json))  # fmt: skip
    document = json.loads(as_json.read_text("utf-8"))
    assert document["batch"]["recipient"] == "mondago"
    assert [r["subject_id"] for r in document["rows"]] == [yes]

    monkeypatch.setenv("DATAWARD_ACTOR_ROLE", "dco")
    logged = invoke("share", "log", "--recipient", "mondago")
    assert logged.count(yes) == 2
    assert no.strip() not in logged


def test_the_dco_suspends_and_lifts_a_mechanism_and_lists_processors() -> None:
    listed = invoke("processors", "list")
    assert "email_delivery\tprocessor\tprocessor" in listed
    assert "Art. 28 terms of" in listed
    assert "suspended" in invoke("transfers", "suspend", "adequacy:US", "--reason", "struck down")
    assert "TRANSFER REFUSED TODAY" in invoke("processors", "list")
    assert "suspended\tadequacy:US" in invoke("transfers", "list")
    assert "no longer suspended" in invoke("transfers", "lift", "adequacy:US")
    assert invoke("transfers", "list") == ""


@pytest.mark.parametrize(
    ("role", "args", "expected"),
    [
        ("operator", ("share", "export", "--recipient", "mondago", "--purpose",
                      "mondago_marketing", "-o", "x.csv"), (1, "not allowed to disclose")),
        ("marketing", ("share", "export", "--recipient", "<b>evil</b>", "--purpose",
                       "mondago_marketing", "-o", "x.csv"), (2, "recipient")),
        ("marketing", ("share", "export", "--recipient", "mondago", "--purpose",
                       "mondago_marketing", "--format", "xml", "-o", "x.csv"), (2, "csv or json")),
        ("dco", ("transfers", "suspend", "<script>:x", "--reason", "r"), (2, "mechanism")),
        ("dco", ("transfers", "lift", "idta"), (3, "no such suspension")),
        ("marketing", ("transfers", "suspend", "idta", "--reason", "r"), (1, "manage register")),
        ("operator", ("share", "log"), (1, "read audit log")),
    ],
)  # fmt: skip
def test_refused_without_a_traceback_or_an_echo(
    role: str, args: tuple[str, ...], expected: tuple[int, str], monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:  # fmt: skip
    code, says = expected
    monkeypatch.setenv("DATAWARD_ACTOR_ROLE", role)
    monkeypatch.chdir(tmp_path)
    output = refused(*args, code=code)
    assert says in output.lower()
    assert "<b>evil</b>" not in output
    assert "<script>" not in output
    assert not (tmp_path / "x.csv").exists()
