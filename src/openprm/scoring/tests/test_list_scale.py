"""A scorecard's ranking at scale (issue 21): the same queries for 2 partners as
for 30, a count capped at a page past the cap, and the ranking index leading the
default order."""

import pytest
from django.urls import reverse

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.scoring import selectors
from openprm.scoring.services import partner_score_recompute
from openprm.scoring.tests.factories import scorecard_with_criteria
from openprm.testing.plans import page_keys_plan

pytestmark = pytest.mark.django_db


def _ranking(client, rows: int) -> str:
    card = scorecard_with_criteria()
    for _ in range(rows):
        partner_score_recompute(partner=PartnerFactory())
    client.force_login(VendorUserFactory())
    url = reverse("console:scorecard_ranking", args=[card.public_id])
    client.get(url)
    return url


@pytest.mark.parametrize("rows", [2, 30])
def test_the_ranking_takes_the_same_queries_for_any_number_of_partners(
    client, assert_list_queries, rows
):
    url = _ranking(client, rows)

    assert_list_queries(url, queries=6, shown=rows)


def test_the_ranking_counts_up_to_a_cap(assert_count_capped):
    # The ranking links to the next page without printing its count.
    assert_count_capped(
        per_page="openprm.scoring.views.RANKING_PER_PAGE",
        make_list=_ranking,
        shows_count=False,
    )


def test_the_ranking_keys_are_read_off_the_ranking_index():
    """Best first from the index; only ties on a score are sorted (by partner
    name, which lives in another table)."""
    scores = selectors.ranking(
        user=VendorUserFactory(), scorecard=scorecard_with_criteria()
    )
    assert "scoring_ranking_idx" in page_keys_plan(scores)
