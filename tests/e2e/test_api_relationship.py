"""`PUT /api/v1/subjects/{id}/relationship`: the end of a customer relationship and the last
transaction, recorded for a subject that exists; wrong dates, roles and tenants refused."""

from __future__ import annotations

import pytest
from faker import Faker

from tests.e2e.conftest import Api
from tests.e2e.test_api_subjects import an_end_user, assert_error


def test_the_relationship_of_an_existing_subject_is_recorded(api: Api, fake: Faker) -> None:
    subject_id, _ = an_end_user(api, fake)
    url = f"/api/v1/subjects/{subject_id}/relationship"
    body = {"ended": "2026-10-31", "last_transaction": "2026-09-30"}
    response = api.client.put(url, json=body, headers=api.as_("dco"))
    assert response.status_code == 200, response.text
    out = response.json()
    assert (out["relationship_end"], out["last_transaction"]) == ("2026-10-31", "2026-09-30")

    future = api.client.put(url, json={"ended": "2026-11-26"}, headers=api.as_("dco"))
    body_out = assert_error(future, 422, "out_of_range")
    assert body_out["error"]["message"] == "ended: a date no later than today (2026-11-25)"
    late = {"ended": "2026-10-31", "last_transaction": "2026-11-01"}
    assert_error(api.client.put(url, json=late, headers=api.as_("dco")), 422, "out_of_range")
    bad = api.client.put(url, json={"ended": "2026-02-30"}, headers=api.as_("dco"))
    assert_error(bad, 422, "invalid_request")
    # a tenant administrator cannot know of our own customers; support may not record
    assert_error(api.client.put(url, json=body, headers=api.as_("admin_a")), 404, "not_found")
    assert_error(
        api.client.put(url, json=body, headers=api.as_("support")), 403, "action_not_allowed"
    )


@pytest.mark.parametrize("role", ["operator", "marketing"])
def test_roles_that_register_subjects_may_not_move_their_retention_dates(
    api: Api, fake: Faker, role: str
) -> None:
    """The dates decide how long tax records are kept: `manage_holds` (the DCO), not
    `register_subjects`, which operators and marketing staff have."""
    subject_id, _ = an_end_user(api, fake)
    url = f"/api/v1/subjects/{subject_id}/relationship"
    body = {"ended": "2019-01-31", "last_transaction": "2019-01-15"}
    refused = assert_error(
        api.client.put(url, json=body, headers=api.as_(role)), 403, "action_not_allowed"
    )
    assert "not allowed to manage holds" in refused["error"]["message"]
    with api.container.uow(read_only=True) as uow:
        subject = uow.subjects.get(subject_id)
    assert subject is not None
    assert (subject.relationship_end, subject.last_transaction) == (None, None)
