"""The console's audit trail and event list at scale (issue 21): a count capped
at a page past the cap, and an index serving the trail's order (the exact query
count is pinned in test_audit_pages)."""

import pytest
from django.utils.html import strip_tags

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core import audit, events, selectors
from openprm.core.models import AuditEntry
from openprm.partners.tests.factories import PartnerFactory
from openprm.testing.plans import assert_served_by, page_keys_plan

pytestmark = pytest.mark.django_db


def _entries(count: int) -> None:
    """``count`` audit entries in all (making the partner records one)."""
    partner = PartnerFactory()
    for number in range(count - AuditEntry.objects.count()):
        partner.city = f"City {number}"
        audit.record_create(
            actor=None, instance=partner, fields=["city"], verb="test.created"
        )


def test_the_audit_trail_counts_up_to_a_cap_and_says_more_than(client, monkeypatch):
    monkeypatch.setattr("openprm.core.views.AUDIT_ENTRIES_PER_PAGE", 2)
    monkeypatch.setattr("openprm.core.pagination.CappedPaginator.cap", 3)
    _entries(7)
    client.force_login(VendorUserFactory())

    first = client.get("/console/audit/")
    last = client.get("/console/audit/", {"page": 4})

    assert "1\u20132 of more than 4" in strip_tags(first.content.decode())
    assert "7\u20137 of 7" in strip_tags(last.content.decode())
    assert len(last.context["rows"]) == 1


def test_a_deep_audit_page_holds_the_next_entries_newest_first(client, monkeypatch):
    monkeypatch.setattr("openprm.core.views.AUDIT_ENTRIES_PER_PAGE", 2)
    _entries(5)
    client.force_login(VendorUserFactory())

    entries = [row["entry"] for row in client.get("/console/audit/").context["rows"]]
    entries += [
        row["entry"]
        for page in (2, 3)
        for row in client.get("/console/audit/", {"page": page}).context["rows"]
    ]

    assert len({entry.pk for entry in entries}) == 5
    assert [entry.pk for entry in entries] == sorted(
        (entry.pk for entry in entries), reverse=True
    )


def test_the_audit_trail_page_keys_come_from_an_index_in_order():
    entries = selectors.audit_entries_visible_to(user=VendorUserFactory())
    assert_served_by(page_keys_plan(entries), "core_audit_time_idx")


def test_the_event_list_counts_up_to_a_cap(client, monkeypatch):
    monkeypatch.setattr("openprm.core.views.EVENTS_PER_PAGE", 2)
    monkeypatch.setattr("openprm.core.pagination.CappedPaginator.cap", 3)
    for number in range(7):
        events.emit("audit_scale_tests.happened", payload={"number": number})
    client.force_login(VendorUserFactory())

    page = strip_tags(client.get("/console/events/").content.decode())

    assert "1\u20132 of more than 4" in page


def _api_headers() -> dict:
    from openprm.accounts.tokens.services import api_token_create

    user = VendorUserFactory()
    _, secret = api_token_create(user=user, name="audit", actor=user)
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("rows", [2, 30])
def test_the_audit_api_takes_the_same_queries_for_any_number_of_entries(
    client, django_assert_num_queries, rows
):
    headers = _api_headers()
    _entries(rows)
    client.get("/api/v1/audit-entries", headers=headers)

    # The token with its user, the capped count, the page (keys first).
    with django_assert_num_queries(3):
        response = client.get("/api/v1/audit-entries", headers=headers)

    assert len(response.json()["items"]) == rows


def test_the_audit_api_counts_up_to_a_cap(client, monkeypatch):
    monkeypatch.setattr("openprm.core.api.COUNT_CAP", 3)
    headers = _api_headers()
    _entries(7)

    first = client.get("/api/v1/audit-entries?limit=2", headers=headers).json()
    last = client.get("/api/v1/audit-entries?limit=2&offset=6", headers=headers).json()

    assert (first["count"], first["count_is_capped"]) == (3, True)
    assert (last["count"], last["count_is_capped"]) == (7, False)
    assert len(last["items"]) == 1
