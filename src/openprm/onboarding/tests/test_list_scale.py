"""The application queue at scale (issue 21): the same queries for 2 applications
as for 30, and a count capped at a page past the cap."""

import pytest
from django.urls import reverse

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.onboarding.tests.factories import ApprovalQueueFactory, submit

pytestmark = pytest.mark.django_db


def _queue(client, rows: int) -> str:
    ApprovalQueueFactory(name="Triage", is_fallback=True)
    for number in range(rows):
        submit(company=f"Company {number}")
    client.force_login(VendorUserFactory())
    url = reverse("console:application_queue") + "?view=open"
    client.get(url)
    return url


@pytest.mark.parametrize("rows", [2, 30])
def test_the_queue_takes_the_same_queries_for_any_number_of_applications(
    client, assert_list_queries, rows
):
    url = _queue(client, rows)

    assert_list_queries(url, queries=4, shown=rows)


def test_the_queue_counts_up_to_a_cap(assert_count_capped):
    # The queue links to the next page without printing its count.
    assert_count_capped(
        per_page="openprm.onboarding.views.APPLICATIONS_PER_PAGE",
        make_list=_queue,
        shows_count=False,
    )
