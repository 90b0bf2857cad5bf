"""The budgets page counts the review queues up to a cap, as lists are counted
(issue 21): past it, "more than"."""

import pytest
from django.urls import reverse

from openprm.funds.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("cap", "says"),
    [(5, "3 requests to review"), (2, "more than 2 requests to review")],
)
def test_the_budgets_page_counts_the_review_queue_up_to_a_cap(
    client, monkeypatch, cap, says
):
    monkeypatch.setattr("openprm.funds.views.COUNT_CAP", cap)
    for _ in range(3):
        f.make_request()
    client.force_login(f.reviewer())

    page = client.get(reverse("console:fund_overview")).content.decode()

    assert says in page
