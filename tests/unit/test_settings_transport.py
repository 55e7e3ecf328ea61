"""Letters leave this machine only encrypted: an SMTP host off the loopback needs STARTTLS."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from dataward.config import Settings


@pytest.mark.parametrize("host", ["mail.example.com", "192.0.2.25", "127.0.0.2.example"])
def test_an_smtp_host_on_another_machine_needs_starttls(host: str) -> None:
    with pytest.raises(ValidationError, match="STARTTLS"):
        Settings(smtp_host=host)
    assert Settings(smtp_host=host, smtp_starttls=True).smtp_host == host


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost", "LOCALHOST"])
def test_the_loopback_needs_no_starttls(host: str) -> None:
    assert Settings(smtp_host=host).smtp_host == host
