"""Changes of purpose from the command line: load a version adding a purpose, see it pending,
assess it, queue its notices; a missing factor is refused by name, never with a traceback."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from faker import Faker

from dataward.adapters.register_file import shipped_register_text
from dataward.domain.clock import FixedClock
from tests.integration.test_purpose_notices import FACTORS, NEW, PURPOSE
from tests.support.cli_calls import a_customer, invoke, refused

pytestmark = pytest.mark.usefixtures("data_dir")


def test_pending_assess_and_notify(fake: Faker, clock: FixedClock, tmp_path: Path) -> None:
    a_customer(fake)
    clock.advance(timedelta(hours=1))
    text = shipped_register_text().replace('version: "2026.1"', 'version: "2026.2"')
    text = text.replace("  - key: telephony_reporting\n", PURPOSE, 1)
    newer = tmp_path / "register-2.yaml"
    newer.write_text(text, encoding="utf-8")
    invoke("policy", "load", str(newer))
    clock.advance(timedelta(hours=1))

    assert f"{NEW}: added in 2026.2; not assessed; told 0 of 1, not yet told 1" in invoke(
        "policy", "pending"
    )
    assert invoke("policy", "notify", "--version", "2026.2").strip() == (
        "notice of version 2026.2: 1 queued"
    )
    factors = [
        "--reasons", "a close link",
        "--link", FACTORS.link,
        "--context", FACTORS.context,
        "--nature", FACTORS.nature,
        "--consequences", FACTORS.consequences,
    ]  # fmt: skip
    missing = refused("policy", "assess", NEW, "--compatible", "yes", *factors, code=2)
    assert "--safeguards" in missing
    blank = refused(
        "policy", "assess", NEW, "--compatible", "yes", *factors, "--safeguards", " ", code=2
    )
    assert "safeguards" in blank
    done = invoke(
        "policy", "assess", NEW, "--compatible", "no", *factors, "--safeguards", "encrypted"
    )
    assert done.strip() == f"assessment recorded: {NEW} is not compatible"
    assert "not compatible; told 0 of 1" in invoke("policy", "pending")
