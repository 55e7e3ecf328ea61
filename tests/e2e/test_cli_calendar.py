"""`dataward calendar due`: the ICO's own example and a Scottish holiday, as a DCO would ask."""

from __future__ import annotations

from typer.testing import CliRunner

from dataward.entrypoints.cli.main import app

runner = CliRunner()


def test_the_icos_example_is_due_after_christmas() -> None:
    result = runner.invoke(app, ["calendar", "due", "2024-11-25"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "2024-12-27 (Friday)"
    assert "moved from 2024-12-25: Christmas Day" in result.stderr


def test_the_division_decides_which_holidays_count() -> None:
    england = runner.invoke(app, ["calendar", "due", "2026-10-30"])
    scotland = runner.invoke(app, ["calendar", "due", "2026-10-30", "--division", "scotland"])
    assert england.stdout.strip() == "2026-11-30 (Monday)"
    assert scotland.stdout.strip() == "2026-12-01 (Tuesday)"
    assert "Andrew" in scotland.stderr


def test_an_extension_and_a_bad_date() -> None:
    extended = runner.invoke(app, ["calendar", "due", "2026-11-30", "--months", "3"])
    assert extended.stdout.strip() == "2027-03-01 (Monday)"
    bad = runner.invoke(app, ["calendar", "due", "30/11/2026"])
    assert bad.exit_code == 2
