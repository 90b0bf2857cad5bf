"""A programme's enrolments at scale (issue 21): a fixed query count whatever the
rows, a count capped at a page past the cap, and an index serving the order."""

import pytest
from django.urls import reverse

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.programs import selectors
from openprm.programs.tests.factories import EnrolmentFactory, programme_with_tiers
from openprm.testing.plans import assert_served_by, page_keys_plan

pytestmark = pytest.mark.django_db


def _programme_page(client, rows: int, **query):
    programme = programme_with_tiers("Silver")
    for _ in range(rows):
        EnrolmentFactory(programme=programme)
    client.force_login(VendorUserFactory())
    url = reverse("console:programme_detail", args=[programme.public_id])
    client.get(url)
    return url


@pytest.mark.parametrize("rows", [2, 30])
def test_the_programme_page_takes_the_same_queries_for_any_number_of_enrolments(
    client, assert_list_queries, rows
):
    url = _programme_page(client, rows)

    # Session, user, the programme with its tiers, their requirements and benefits,
    # the capped count, the page's enrolments (keys first) with partner and tier.
    assert_list_queries(url, queries=8, shown=rows)


def test_the_programme_page_counts_enrolments_up_to_a_cap(assert_count_capped):
    assert_count_capped(
        per_page="openprm.programs.views.ENROLMENTS_PER_PAGE",
        make_list=_programme_page,
    )


def test_a_programmes_enrolment_keys_come_from_an_index_in_order():
    programme = programme_with_tiers("Silver")
    enrolments = selectors.enrolment_list_visible_to(
        user=VendorUserFactory(), programme=programme
    )
    assert_served_by(page_keys_plan(enrolments), "programs_enrol_prog_new_idx")
