"""Every command of `dataward`, found by walking its command tree, given hostile values one
parameter at a time, the others filled with values it takes: never a traceback, never an exit
code outside 0-3, never the number or the long text that was typed said back, and a usage
error names the parameter given the value.

A command added later is swept without a change here. Not swept:

- `serve`: it would listen until stopped;
- flags (`--yes`, `--json`, ...): they take no value;
- `--help`, which every command has from the parser.

A number, a date or an id is refused by its parser at once, so such a parameter is given
every value; free text reaches the database, so it is given the values that matter most and
two more drawn with a seed of its own (the same on every run). PostgreSQL enforces a column's
width where SQLite does not: there, free text is given the long text once more.

No command here runs a long job: the installation holds a handful of rows, so `keys rotate`,
`keys sweep` and `outbox send` finish at once (and no letter leaves: nothing listens on the
SMTP port). Each invocation is bounded in time and memory besides, so a command reading
/dev/zero to its end fails the sweep rather than the machine.
"""

from __future__ import annotations

import random
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import Enum
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
import typer.main
import typer.testing
from faker import Faker
from sqlalchemy import text
from typer.testing import CliRunner, Result

from dataward.adapters.sql.engine import make_engine
from dataward.bootstrap import Container, bootstrap, parse_stored
from dataward.config import Settings
from dataward.domain.clock import FixedClock
from dataward.entrypoints.cli import common
from dataward.entrypoints.cli.main import app
from dataward.services.register.store import ActiveRegister
from tests.builders import NOW
from tests.conftest import POSTGRES_URL
from tests.support.cli_tree import annotation, arguments, bounded, leaves, takes_value

runner = CliRunner()
COMMAND = typer.main.get_command(app)

NOT_SWEPT = {("serve",): "serves the API until stopped"}
SWEPT = {path: command for path, command in leaves(COMMAND) if path not in NOT_SWEPT}

PHONE = "07700 900123"  # drama range, as one pasted into the wrong field
LONG = "L" * 10_000
SAID_BACK = {"phone": "07700900123", "long": "L" * 64}
"""What must never be in what a command says, once its spaces and boxes are taken out."""

TEXTS = {
    "empty": "",
    "phone": PHONE,
    "long": LONG,
    "nul": "a\x00b",
    "control": "\x1b[2J\r\n\t\x7f",
    "arabic digits": "١٢٣",
    "superscript": "²",
    "2**63": str(2**63),
    "10**30": str(10**30),
    "negative": "-1",
    "year 1": "0001-01-01",
    "year 9999": "9999-12-31",
    "30 February": "2026-02-30",
}
ALWAYS = ("empty", "phone", "long", "nul", "control")
SAMPLED = 2
"""Free text is given `ALWAYS` and this many more of `TEXTS`, drawn with a seed of its own."""

ALLOWED_EXITS = {0, 1, 2, 3}
ROLES = ("dco", "operator", "tenant_admin", "support", "marketing")
SECONDS = 10
MEMORY = 1 << 30
"""More than any command given these values needs; a read of /dev/zero reaches it at once."""

GOOD_CALLS = (
    "1764000000|1.1|sales|NONE|ENTERQUEUE||07700900999|1\n"
    "1764000009|1.1|sales|NONE|ABANDON|1|1|9\n"
    "1764000100|2.1|sales|NONE|ENTERQUEUE||07700900888|1\n"
    "1764000109|2.1|sales|NONE|ABANDON|1|1|9\n"
)
BAD_CALL = "17640002oo|3.1|sales|NONE|ENTERQUEUE||07700900777|1\n"

PAST = str(NOW.date() - timedelta(days=5))
HOURS_AGO = (NOW - timedelta(hours=5)).strftime("%Y-%m-%dT%H:%MZ")
HOUR_AGO = (NOW - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%MZ")
FUTURE = str(NOW.date() + timedelta(days=30))

WORDS = {
    "review": FUTURE,  # a hold's review dates are after today
    "next_review": FUTURE,
    "tenant": "acme",
    "purpose": "rights_and_complaints",
    "kind": "end_user",
    "role": "dco",
    "notice_version": "2026.1",
    "actor_id": "someone-new",
    "name": "Acme Ltd",
    "revision": "head",
    "ingest_id": "1",
    "sender": "akixi",
    "recipient": "mondago",
    "mechanism": "adequacy:US",
    "source": "trade show",
    "consent_evidence": "signed forms, box 4",
    "evidence": "order 1001",
    "aware_at": HOURS_AGO,  # a breach: when we became aware, when the ICO was told
    "at": HOUR_AGO,
    "start": HOURS_AGO,
    "end": HOUR_AGO,
    "likelihood": "likely",
    "severity": "severe",
}
"""Values of the project's own vocabulary a required parameter of these names takes."""

IN_GROUP = {
    ("consents", "purpose"): "direct_marketing",
    ("marketing", "purpose"): "direct_marketing",
    ("share", "purpose"): "mondago_marketing",
    ("subjects create", "purpose"): "correspondence",  # a contract purpose requiring nothing
    ("subjects required", "purpose"): "register_end_user",  # requires what the subject lacks
    ("jobs run", "kind"): "alerts",  # a job's kind, not a subject's
}
"""Where a command group (or one command, named whole) takes another value of the same name:
consent needs its purpose; the data a contract requires, a contract purpose."""

REGISTER = Path(common.__file__).parents[2] / "policies" / "register.yaml"

COMPLETING = {"phone": "07700 900456"}
"""Options filled too when a command refuses the required ones alone (`subjects create` takes
at least one identifier): then the parameters it checks later are reached."""


@dataclass(frozen=True)
class Install:
    """An initialised installation with one of each thing a command names."""

    folder: Path
    ids: dict[str, str]
    calls: Path
    register: Path
    database_url: str | None = None
    """None for the embedded SQLite database in `folder`."""

    def env(self, role: str = "dco") -> dict[str, str | None]:
        return {
            "DATAWARD_DATA_DIR": str(self.folder),
            "DATAWARD_ACTOR": "sweep-on-duty",
            "DATAWARD_ACTOR_ROLE": role,
            "DATAWARD_ACTOR_TENANT": "acme" if role == "tenant_admin" else None,
            "DATAWARD_DATABASE_URL": self.database_url,
            "DATAWARD_MASTER_KEY": None,
            "DATAWARD_KEYSTORE_URL": None,
            "DATAWARD_REGISTER_FILE": None,
            "DATAWARD_SMTP_PORT": "9",  # nothing listens: a letter fails at once, to retry
        }


def installed(root: Path, database_url: str | None = None) -> Install:
    """`dataward init` in `root`, then a tenant `acme`, a subject, a request, a complaint, a
    restriction, an objection, and ingest 1 with a quarantined line."""
    empty = Install(root / "var", {}, root / "queue_log", REGISTER, database_url)
    env = empty.env()
    fake = Faker("en_GB")
    fake.seed_instance(7)
    empty.calls.write_text(GOOD_CALLS + BAD_CALL)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(common, "bootstrap", clocked)
        ran(["init"], env)
        ran(["tenants", "create", "Acme Ltd", "--id", "acme"], env)
        subject = ran(["subjects", "create", "--kind", "end_user", "--email", fake.email()], env)
        subject = subject.strip()
        request = ran(
            ["requests", "create", "--type", "access", "--received", PAST, "--subject", subject],
            env,
        ).split("\t")[0]
        complaint = ran(
            ["requests", "create", "--type", "complaint", "--received", PAST, "--channel", "post"],
            env,
        ).split("\t")[0]
        restriction = ran(
            ["restrictions", "apply", subject, "--ground", "accuracy_contested"], env
        ).split()[1]
        objection = (
            ran(
                [
                    "objections",
                    "record",
                    subject,
                    "--kind",
                    "legitimate_interests",
                    "--purpose",
                    "analytics",
                ],
                env,
            )
            .split()[1]
            .rstrip(":")
        )
        ran(["ingest", str(empty.calls), "--tenant", "acme", "--quarantine"], empty.env("operator"))
        breach = ran(
            ["breaches", "record", "--aware-at", HOURS_AGO, "--nature", "integrity",
             "--description", "A report was altered.", "--tenant", "acme"],
            env,
        ).strip()  # fmt: skip
    empty.calls.write_text(GOOD_CALLS)  # ingested again, its calls are duplicates: none refused
    ids = {
        "breach_id": breach,
        "subject_id": subject,
        "subject": subject,
        "request_id": request,
        "complaint_id": complaint,
        "restriction_id": restriction,
        "objection_id": objection,
    }
    return replace(empty, ids=ids)


@pytest.fixture(scope="module")
def install(tmp_path_factory: pytest.TempPathFactory) -> Install:
    """Made once (an `init` takes seconds) and copied for each command."""
    return installed(tmp_path_factory.mktemp("sweep"))


@pytest.fixture(scope="module")
def postgres_install(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Install]:
    """An installation whose data is in a PostgreSQL schema of its own, shared by every
    command (a schema cannot be copied as a file is)."""
    if POSTGRES_URL is None:
        pytest.skip("set DATAWARD_TEST_POSTGRES_URL to sweep on PostgreSQL")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    url = f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    try:
        yield installed(tmp_path_factory.mktemp("sweep-postgresql"), url)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def ran(args: list[str], env: dict[str, str | None]) -> str:
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


PARSED = ActiveRegister(parse_stored)
"""One cache of the parsed register for every command's container, as a long-running process
has: parsing it is most of the time a short command takes, and the sweep runs a thousand."""


def clocked(settings: Settings | None = None) -> Container:
    wired = bootstrap(settings, clock=FixedClock(NOW))
    wired.active_register = PARSED
    return wired


def filler(install: Install, scratch: Path, path: tuple[str, ...], param: Any) -> str:
    """A value `param` takes, to leave the swept parameter the only hostile one."""
    kind = annotation(SWEPT[path], param.name)
    if param.name in install.ids:
        return install.ids[param.name]
    if isinstance(kind, type) and issubclass(kind, Enum):
        return str(next(iter(kind)).value)
    if kind is Path:
        contacts = scratch / "contacts.csv"
        contacts.write_text("email,name\nsomeone@example.org,Some One\n")
        files = {
            "output": scratch / "written.out",
            "path": install.calls,
            "paths": install.calls,
            "template": install.calls,  # a few lines of text, as a message's words
            "file": contacts,
        }
        return str(files.get(param.name, install.register))
    by_type = {date: PAST, UUID: "6f1c8a4e-0b7d-4d0e-9a51-6f3c2b1d9e07", int: "1"}
    word = (
        IN_GROUP.get((" ".join(path), param.name))
        or IN_GROUP.get((path[0], param.name))
        or WORDS.get(param.name)
    )
    return word or by_type.get(kind, "x")


def hostile_files(scratch: Path) -> dict[str, str]:
    """Paths that are not a file to read or write, or not plainly one."""
    target = scratch / "target.txt"
    target.write_text("some text\n")
    (scratch / "link").symlink_to(target)
    (scratch / "dangling").symlink_to(scratch / "nowhere")
    (scratch / "folder").mkdir()
    return {
        "folder": str(scratch / "folder"),
        "/dev/full": "/dev/full",
        "/dev/zero": "/dev/zero",
        "missing": str(scratch / "missing" / "file.txt"),
        "symlink": str(scratch / "link"),
        "dangling symlink": str(scratch / "dangling"),
    }


def hostile(kind: Any, seed: str, files: dict[str, str]) -> dict[str, str]:
    """The values to give a parameter of type `kind`. Its parser refuses a number, a date or
    an id at once, so such a parameter is given every text; free text reaches the database,
    so it is given the texts in `ALWAYS` and `SAMPLED` more, drawn by `seed`. A file
    parameter is given every file besides."""
    if kind is str:
        rest = sorted(set(TEXTS) - set(ALWAYS))
        drawn = random.Random(seed).sample(rest, SAMPLED)  # noqa: S311 - a sample, not a secret
        return {label: TEXTS[label] for label in (*ALWAYS, *drawn)}
    return TEXTS | files if kind is Path else dict(TEXTS)


def invoke(args: list[str], env: dict[str, str | None]) -> Result:
    """The command run as a script would run it, every question answered yes (`yes |`)."""
    with bounded(SECONDS, MEMORY):
        return runner.invoke(app, args, env=env, input="y\n" * 3)


def flat(text: str) -> str:
    """`text` with its whitespace and the boxes of usage errors taken out."""
    return "".join(ch for ch in text if not ch.isspace() and ch not in "│╭╮╰╯─")


def problem(result: Result, param: Any) -> str | None:
    """What is wrong with `result`, if anything."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return f"raised {type(result.exception).__name__}: {str(result.exception)[:200]}"
    if "Traceback" in result.output:
        return "printed a traceback"
    if result.exit_code not in ALLOWED_EXITS:
        return f"exit code {result.exit_code}: {result.output[-300:]!r}"
    said = flat(result.output)
    for name, value in SAID_BACK.items():
        if value in said:
            return f"said the {name} value back: {result.output[-300:]!r}"
    if "Invalid value for" in result.output and not any(
        flat(name).lower() in said.lower() for name in (*param.opts, param.metavar) if name
    ):
        return f"a usage error naming another parameter: {result.output[-300:]!r}"
    return None


def valid_values(
    install: Install, scratch: Path, path: tuple[str, ...]
) -> tuple[dict[str, str], dict[str, str | None]]:
    """Values the command takes for its required parameters (and `COMPLETING` ones if it needs
    them), and the environment of the first role it is not refused to with them."""
    command = SWEPT[path]
    values = {
        p.name: filler(install, scratch, path, p)
        for p in command.params
        if p.required and takes_value(p)
    }
    for role in ROLES:
        result = invoke(arguments(path, command, values), install.env(role))
        if result.exit_code == 2 and not values.keys() & COMPLETING.keys():
            values |= {p.name: COMPLETING[p.name] for p in command.params if p.name in COMPLETING}
            result = invoke(arguments(path, command, values), install.env(role))
        assert result.exit_code != 2, f"the values filled in are refused: {result.output}"
        if "not allowed to" not in result.output:
            return values, install.env(role)
    return values, install.env()


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The test's clock and register cache in every command, the command tree built once, and
    a folder of its own as the working directory, where an output a hostile value names lands;
    returns a scratch folder."""
    monkeypatch.setattr(common, "bootstrap", clocked)
    monkeypatch.setattr(typer.testing, "_get_command", lambda _app: COMMAND)
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    return scratch


@pytest.mark.parametrize("path", sorted(SWEPT), ids=" ".join)
def test_a_command_given_hostile_values_says_so_by_the_parameter(
    path: tuple[str, ...], install: Install, quick: Path
) -> None:
    copy = replace(install, folder=quick.parent / "var")
    shutil.copytree(install.folder, copy.folder)
    command = SWEPT[path]
    values, env = valid_values(copy, quick, path)
    files = hostile_files(quick)
    failures = []
    for param in filter(takes_value, command.params):
        kind, seed = annotation(command, param.name), f"{' '.join(path)} {param.name}"
        for label, value in hostile(kind, seed, files).items():
            result = invoke(arguments(path, command, values | {param.name: value}), env)
            wrong = problem(result, param)
            if wrong is not None:
                failures.append(f"{param.name} given {label}: {wrong}")
    assert not failures, "\n".join(failures)


def test_free_text_longer_than_its_column_is_refused_on_postgresql(
    postgres_install: Install, quick: Path
) -> None:
    """PostgreSQL refuses a text longer than its column as the row is written (SQLite keeps it
    whole, so the sweep above cannot see this): each command's free text, given the long
    text, is refused before. One installation serves every command, in the sweep's order."""
    failures = []
    for path, command in sorted(SWEPT.items()):
        scratch = quick / "-".join(path)
        scratch.mkdir()
        values, env = valid_values(postgres_install, scratch, path)
        for param in filter(takes_value, command.params):
            if annotation(command, param.name) is str:
                result = invoke(arguments(path, command, values | {param.name: LONG}), env)
                wrong = problem(result, param)
                if wrong is not None:
                    failures.append(f"{' '.join(path)} {param.name}: {wrong}")
    assert not failures, "\n".join(failures)
