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
    client, django_assert_num_queries, rows
):
    url = _queue(client, rows)

    with django_assert_num_queries(4):
        response = client.get(url)

    assert len(response.context["page"].object_list) == rows


def test_the_queue_counts_up_to_a_cap(client, monkeypatch):
    monkeypatch.setattr("openprm.onboarding.views.APPLICATIONS_PER_PAGE", 2)
    monkeypatch.setattr("openprm.core.pagination.CappedPaginator.cap", 3)
    url = _queue(client, 7)

    first = client.get(url).context["page"]
    last = client.get(url + "&page=4").context["page"]

    assert (first.paginator.count, first.paginator.is_capped) == (5, True)
    assert first.has_next()
    assert (last.paginator.count, last.paginator.is_capped) == (7, False)
    assert len(last.object_list) == 1
