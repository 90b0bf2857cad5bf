"""The exchange rates page at scale (issue 21): the same queries for 2 rates as for
30, a count capped at a page past the cap, and an index serving its order."""

import pytest
from django.urls import reverse

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.currencies import selectors
from openprm.currencies.tests.factories import ExchangeRateFactory
from openprm.testing.plans import assert_served_by, page_keys_plan

pytestmark = pytest.mark.django_db


def _rates(client, rows: int) -> str:
    ExchangeRateFactory.create_batch(rows)
    client.force_login(VendorUserFactory())
    url = reverse("console:exchange_rate_list")
    client.get(url)
    return url


@pytest.mark.parametrize("rows", [2, 30])
def test_the_rates_page_takes_the_same_queries_for_any_number_of_rates(
    client, assert_list_queries, rows
):
    url = _rates(client, rows)

    assert_list_queries(url, queries=4, shown=rows)


def test_the_rates_page_counts_up_to_a_cap(assert_count_capped):
    assert_count_capped(
        per_page="openprm.currencies.views.RATES_PER_PAGE",
        make_list=_rates,
    )


def test_the_rates_page_keys_come_from_an_index_in_order():
    """Every rate, by pair and newest first. (One currency's rates read the same
    index, but SQLite sorts their dates: the pair's base leads the index.)"""
    rates = selectors.exchange_rate_list(user=VendorUserFactory())
    assert_served_by(page_keys_plan(rates), "currencies_rate_list_idx")
