"""The notification lists at scale (issue 21): the same queries for 2 rows as for
30, and a count capped at a page past the cap ("more than")."""

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.notifications.tests.factories import NotificationFactory
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db


def _notifications(client, user, url: str, rows: int) -> str:
    for _ in range(rows):
        NotificationFactory(recipient=user)
    client.force_login(user)
    client.get(url)
    return url


@pytest.mark.parametrize(
    ("area", "make_user", "queries"),
    [("console", VendorUserFactory, 4), ("portal", partner_user, 5)],
)
@pytest.mark.parametrize("rows", [2, 30])
def test_the_list_takes_the_same_queries_for_any_number_of_notifications(
    client, django_assert_num_queries, area, make_user, queries, rows
):
    url = reverse(f"{area}:notification_list")
    _notifications(client, make_user(), url, rows)

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert len(response.context["notifications"]) == rows


def test_the_list_counts_up_to_a_cap(client, monkeypatch):
    monkeypatch.setattr("openprm.notifications.views.PER_PAGE", 2)
    monkeypatch.setattr("openprm.core.pagination.CappedPaginator.cap", 3)
    url = reverse("console:notification_list")
    _notifications(client, VendorUserFactory(), url, 7)

    first = strip_tags(client.get(url).content.decode())
    last = client.get(url, {"page": 4})

    assert "1\u20132 of more than 4" in first
    assert "7\u20137 of 7" in strip_tags(last.content.decode())
    assert len(last.context["notifications"]) == 1
