"""Running `dataward` in process as a test does: a command that must succeed, one that must be
refused with its exit code and no traceback, and a customer subject to act on."""

from __future__ import annotations

from faker import Faker
from typer.testing import CliRunner

from dataward.entrypoints.cli.main import app

runner = CliRunner()


def invoke(*args: str) -> str:
    """Standard output of a command that must succeed."""
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def refused(*args: str, code: int) -> str:
    """What a refused command said, out of its box and unwrapped; never a traceback."""
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return " ".join(result.output.replace("│", " ").split())


def a_customer(fake: Faker) -> str:
    """A new end user of ours, by its e-mail address; its id."""
    return invoke("subjects", "create", "--kind", "end_user", "--email", fake.email()).strip()
