"""`dataward requests` as the DCO records a request that came by post and works it."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from dataward.entrypoints.cli.main import app

runner = CliRunner()
pytestmark = pytest.mark.usefixtures("data_dir")


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_create_prints_the_due_date_then_the_request_is_worked_and_shown() -> None:
    created = invoke("requests", "create", "--type", "access", "--received", "2024-11-25")
    request_id, due = created.strip().split("\t")
    assert due == "due 2024-12-27 (Friday)"  # the ICO's example: 25 and 26 December
    assert "OVERDUE" in invoke("requests", "queue")
    assert invoke("requests", "advance", request_id, "start").startswith("in_progress")
    refused = runner.invoke(app, ["requests", "advance", request_id, "ask_fee"])
    assert refused.exit_code == 1
    assert "cannot ask_fee" in refused.output
    invoke("requests", "advance", request_id, "complete", "--reason", "sent by post")
    shown = invoke("requests", "show", request_id)
    assert "receive: received -> received" in shown
    assert "complete: in_progress -> completed" in shown
    assert "(sent by post)" in shown
    assert request_id not in invoke("requests", "queue")
    assert request_id in invoke("requests", "queue", "--all")


def test_bad_input_is_named() -> None:
    bad = runner.invoke(app, ["requests", "create", "--type", "acess", "--received", "2026-11-20"])
    assert bad.exit_code == 2
    future = runner.invoke(
        app, ["requests", "create", "--type", "access", "--received", "2099-01-01"]
    )
    assert future.exit_code == 1
    assert "future" in future.output
