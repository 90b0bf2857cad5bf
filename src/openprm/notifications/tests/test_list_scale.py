"""The notification lists at scale (issue 21): the same queries for 2 rows as for
30, a count capped at a page past the cap ("more than"), and an index serving
their order."""

import pytest
from django.urls import reverse

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.notifications import selectors
from openprm.notifications.tests.factories import NotificationFactory
from openprm.tenancy.tests.factories import partner_user
from openprm.testing.lists import context_rows
from openprm.testing.plans import assert_served_by, page_keys_plan

pytestmark = pytest.mark.django_db

NOTIFICATIONS = context_rows("notifications")


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
    client, assert_list_queries, area, make_user, queries, rows
):
    url = reverse(f"{area}:notification_list")
    _notifications(client, make_user(), url, rows)

    assert_list_queries(url, queries=queries, shown=rows, rows_in=NOTIFICATIONS)


def test_the_list_counts_up_to_a_cap(assert_count_capped):
    url = reverse("console:notification_list")
    assert_count_capped(
        per_page="openprm.notifications.views.PER_PAGE",
        make_list=lambda client, rows: _notifications(
            client, VendorUserFactory(), url, rows
        ),
        rows_in=NOTIFICATIONS,
    )


def test_the_list_keys_come_from_an_index_in_order():
    """Unread first: PostgreSQL serves ``read_at`` ascending with its NULLs first
    only from an index that places them so (SQLite's NULLs sort first anyway)."""
    notifications = selectors.notification_list_for(user=VendorUserFactory())
    assert_served_by(page_keys_plan(notifications), "notif_recipient_list_idx")
