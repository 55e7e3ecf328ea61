"""Global Privacy Control on a person's own marketing preferences page, in a real browser: the
person is identified by their signed link, so the signal is recorded as their refusal of any
sharing of their data for another company's marketing. Their consent to Mondago's marketing is
withdrawn in the ledger (method `portal`, evidence naming the signal) and audited, their own
choices of our marketing are untouched, the page says so, and the choice cannot be turned on
again while the signal is sent (not even by a form posted with it ticked)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from faker import Faker

from dataward.domain.processing.consent import ConsentMethod
from dataward.services.marketing.preferences import GPC_EVIDENCE
from tests.browser.checks import AXE, _assert_plain_accessible, _open, _shot, axe_violations
from tests.browser.conftest import Live
from tests.browser.test_marketing_pages import _ledger, _person, _send_to, _state
from tests.support.smtp_inbox import Inbox, smtp_server

pytestmark = pytest.mark.browser
MONDAGO = ("mondago_marketing", "third_party")
OURS = ("direct_marketing", "email")


@pytest.fixture
def smtp() -> Any:
    yield from smtp_server()


def test_gpc_on_the_preferences_page_refuses_sharing_for_a_third_partys_marketing(
    live: Live, browser: Any, fake: Faker, smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    keen = _person(live, fake, OURS, MONDAGO)
    _send_to(live, smtp, keen)
    assert _state(live, keen)[MONDAGO] == "given"
    context = browser.new_context(extra_http_headers={"Sec-GPC": "1"})
    page = context.new_page()

    assert _open(page, f"{keen.link}/preferences").status == 200
    _shot(page, tmp_path, "preferences-gpc")
    assert "Global Privacy Control" in page.inner_text("main")
    mondago = page.locator("input[name='mondago_marketing.third_party']")
    assert mondago.is_checked() is False
    assert mondago.is_disabled() is True
    assert page.locator("input[name='direct_marketing.email']").is_checked() is True
    _assert_plain_accessible(page)
    if AXE is not None:
        assert axe_violations(page) == []

    assert _state(live, keen)[MONDAGO] == "withdrawn"
    assert _state(live, keen)[OURS] == "given"  # our own marketing: the signal is not about it
    withdrawal = _ledger(live, keen)[-1]
    assert (withdrawal.purpose, withdrawal.channel) == MONDAGO
    assert (withdrawal.method, withdrawal.evidence_ref) == (ConsentMethod.PORTAL, GPC_EVIDENCE)
    with live.container.uow(read_only=True) as uow:
        audited = [
            e
            for e in uow.audit.iter_entries()
            if e.subject_ref == str(keen.id) and e.details.get("signal") == "gpc"
        ]
    assert [(e.purpose, e.decision) for e in audited] == [("mondago_marketing", "withdrawn")]

    before = _ledger(live, keen)
    page.reload()  # again: nothing more to record
    assert _ledger(live, keen) == before
    answer = page.request.post(  # a form posted with the choice ticked, the signal still sent
        f"{keen.link}/preferences",
        form={"mondago_marketing.third_party": "yes", "direct_marketing.email": "yes"},
    )
    assert answer.status == 200
    assert _state(live, keen)[MONDAGO] == "withdrawn"
    assert _ledger(live, keen) == before
    assert context.cookies() == []
