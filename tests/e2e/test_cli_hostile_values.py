"""What the sweep of every command (test_cli_hostile_sweep.py) found, each pinned by name: files
that are not files, names too long to look up, a mapping for a format without one, a prompt
or a message repeating what was typed. Never a traceback; a usage error names its parameter."""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from dataward.adapters.register_file import shipped_register_text
from dataward.adapters.yaml_document import MAX_CHARACTERS
from dataward.entrypoints.cli.main import app

runner = CliRunner()
pytestmark = pytest.mark.usefixtures("data_dir")

PASTED = "07700 900123"  # a drama-range number, as one pasted in the wrong field
ADMIN = {"DATAWARD_ACTOR_ROLE": "tenant_admin", "DATAWARD_ACTOR_TENANT": "acme"}
OPERATOR = {"DATAWARD_ACTOR_ROLE": "operator"}
CALLS = (
    "1764000000|1.1|sales|NONE|ENTERQUEUE||07700900999|1\n"
    "1764000009|1.1|sales|NONE|ABANDON|1|1|9\n"
    "1764000100|2.1|sales|NONE|ENTERQUEUE||07700900888|1\n"
    "17640002oo|3.1|sales|NONE|ENTERQUEUE||07700900777|1\n"
)
needs_devices = pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    result = runner.invoke(app, list(args), env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    return result


def said(result: Result) -> str:
    """What the command said, out of its box and unwrapped."""
    return " ".join(result.output.replace("│", " ").split())


@pytest.fixture
def acme(data_dir: Path) -> Path:
    """Tenant `acme`, with ingest 1 holding a quarantined line; returns its call file."""
    assert invoke("tenants", "create", "Acme Ltd", "--id", "acme").exit_code == 0
    path = data_dir.parent / "queue_log"
    path.write_text(CALLS)
    kept = invoke("ingest", str(path), "--tenant", "acme", "--quarantine", env=OPERATOR)
    assert kept.exit_code == 0, kept.output
    return path


@needs_devices
@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["policy", "check", "/dev/zero"], "'FILE'"),
        (["policy", "load", "/dev/full"], "'FILE'"),
        (["policy", "show", "--register", "/dev/zero"], "'--register' / '-r'"),
        (["policy", "diff", "/dev/zero", "/dev/zero"], "'OLD'"),
        (["ingest", "files", "/dev/zero", "--tenant", "acme"], "'FILE'"),
        (["ingest", "replay", "1", "--tenant", "acme", "--from", "/dev/zero"], "'--from'"),
    ],
    ids=lambda value: " ".join(value[:2]) if isinstance(value, list) else value,
)
def test_a_device_given_as_a_file_to_read_is_refused_by_its_parameter(
    args: list[str], named: str
) -> None:
    result = invoke(*args, env=ADMIN)
    assert result.exit_code == 2
    assert f"Invalid value for {named}: a device, not a regular file" in said(result)


@needs_devices
def test_a_mapping_that_is_a_device_is_refused_before_any_file_is_read(acme: Path) -> None:
    result = invoke(
        "ingest",
        str(acme),
        "--tenant",
        "acme",
        "--format",
        "generic-csv",
        "--mapping",
        "/dev/zero",
        env=OPERATOR,
    )
    assert result.exit_code == 2
    assert "Invalid value for '--mapping': a device, not a regular file or a pipe" in said(result)


@contextmanager
def pipe(path: Path, text: Iterable[str]) -> Iterator[Path]:
    """A named pipe at `path` that a thread fills with `text` while the command reads it, as
    `<(...)` in a shell does; the thread stops when the reader closes its end."""
    os.mkfifo(path)

    def feed() -> None:
        try:
            with path.open("w", encoding="utf-8") as out:
                for chunk in text:
                    out.write(chunk)
        except BrokenPipeError:
            pass  # the reader had enough

    thread = threading.Thread(target=feed, daemon=True)
    thread.start()
    try:
        yield path
    finally:  # a writer still waiting for a reader is let go
        os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_a_register_from_a_pipe_is_read(tmp_path: Path) -> None:
    with pipe(tmp_path / "register", [shipped_register_text()]) as path:
        result = invoke("policy", "check", str(path))
    assert result.exit_code == 0, result.output
    assert ": ok, version" in result.stdout


def test_a_pipe_that_never_ends_is_read_only_as_far_as_a_document_can_go(tmp_path: Path) -> None:
    with pipe(tmp_path / "endless", itertools.repeat("a" * 65536)) as path:
        result = invoke("policy", "check", str(path))
    assert result.exit_code == 2
    assert f"(document): longer than {MAX_CHARACTERS:,} characters" in result.stderr


@pytest.mark.usefixtures("acme")
def test_a_file_name_too_long_to_look_up_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    long = "L" * 10_000
    exported = invoke("ingest", "export", "1", "--tenant", "acme", "-o", long, env=ADMIN)
    assert exported.exit_code == 2
    assert "Invalid value for --output: cannot write it: File name too long" in said(exported)
    ingested = invoke("ingest", long, "--tenant", "acme", env=OPERATOR)
    assert ingested.exit_code == 2
    assert "Invalid value for 'FILE': cannot be read: File name too long" in said(ingested)
    assert "L" * 64 not in exported.output + ingested.output


def test_a_mapping_for_a_format_that_takes_none_is_a_usage_error(
    acme: Path, tmp_path: Path
) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("columns: {}\n")
    for args in (
        ["ingest", str(acme), "--format", "asterisk-queue-log", "--mapping", str(mapping)],
        ["ingest", "replay", "1", "--mapping", str(mapping)],
    ):
        result = invoke(*args, "--tenant", "acme", env=ADMIN)
        assert result.exit_code == 2, result.output
        assert result.stderr == (
            "error: mapping: for generic-csv only; the asterisk-queue-log format takes none\n"
        )
    unmapped = invoke(
        "ingest", str(acme), "--tenant", "acme", "--format", "generic-csv", env=OPERATOR
    )
    assert unmapped.exit_code == 2
    assert "error: mapping: the generic-csv format needs one: pass --mapping FILE" in said(unmapped)


def test_a_file_name_that_was_typed_is_not_said_back(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    missing = invoke("policy", "check", PASTED)
    assert missing.exit_code == 2
    assert "Invalid value for 'FILE': no such file" in said(missing)
    written = invoke("policy", "ropa", "--output", PASTED)
    assert written.exit_code == 0, written.output
    assert written.stderr == "wrote the --output file\n"
    assert (tmp_path / PASTED).read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert PASTED not in missing.output + written.output


def test_shred_refuses_what_is_not_an_id_before_asking_about_it() -> None:
    result = runner.invoke(app, ["subjects", "shred", PASTED, "--reason", "erasure_request"])
    assert result.exit_code == 2
    assert "Invalid value for 'ID': an id such as" in said(result)
    assert "Shred subject" not in result.output
    assert PASTED not in result.output


def test_a_staff_id_is_not_repeated_when_its_token_is_issued_or_revoked() -> None:
    staff = "j.bloggs"  # a login name: a person's
    added = invoke("staff", "add", staff, "--role", "dco")
    assert added.exit_code == 0, added.output
    assert added.stderr.startswith("token issued as dco: shown once")
    revoked = invoke("staff", "revoke", staff)
    assert revoked.stdout == "revoked 1 token(s)\n"
    assert staff not in added.output + revoked.output


def test_options_needed_together_are_named_when_one_is_missing() -> None:
    alone = invoke("tenants", "create", "Acme Ltd", "--contact-name", "A Person")
    assert alone.exit_code == 2
    assert "Invalid value for --contact-name / --contact-email: give both or neither" in said(alone)
    none = invoke("subjects", "create", "--kind", "end_user")
    assert none.exit_code == 2
    assert "Invalid value for --phone / --email / --name / --postal-address" in said(none)


def test_a_command_before_init_says_to_run_it(tmp_path: Path) -> None:
    fresh = {"DATAWARD_DATA_DIR": str(tmp_path / "fresh")}
    for args in (
        ["tenants", "list"],
        ["audit", "verify"],
        ["subjects", "show", PASTED, "--purpose", "correspondence"],
    ):
        result = invoke(*args, env=fresh)
        assert result.exit_code == 4, result.output
        assert result.stderr == (
            "configuration error: the database has no schema yet: run `dataward init`\n"
        )
    assert invoke("db", "current", env=fresh).stdout == "empty (run `dataward init`)\n"
