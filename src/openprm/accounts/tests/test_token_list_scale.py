"""The API tokens page at scale (issue 21): the same queries for 2 tokens as for
30, a count capped at a page past the cap, and an index serving its order."""

import pytest

from openprm.accounts.tests.factories import UserFactory
from openprm.accounts.tokens import selectors
from openprm.accounts.tokens.services import api_token_create
from openprm.testing.plans import assert_served_by, page_keys_plan

pytestmark = pytest.mark.django_db


def _tokens(client, rows: int) -> str:
    user = UserFactory()
    for number in range(rows):
        api_token_create(user=user, name=f"Token {number}", actor=user)
    client.force_login(user)
    url = "/accounts/tokens/"
    client.get(url)
    return url


@pytest.mark.parametrize("rows", [2, 30])
def test_the_tokens_page_takes_the_same_queries_for_any_number_of_tokens(
    client, assert_list_queries, rows
):
    url = _tokens(client, rows)

    assert_list_queries(url, queries=4, shown=rows)


def test_the_tokens_page_counts_up_to_a_cap(assert_count_capped):
    # The page links to the next one without printing its count.
    assert_count_capped(
        per_page="openprm.accounts.tokens.views.TOKENS_PER_PAGE",
        make_list=_tokens,
        shows_count=False,
    )


def test_a_users_token_keys_come_from_an_index_in_order():
    tokens = selectors.api_tokens_of(user=UserFactory())
    assert_served_by(page_keys_plan(tokens), "accounts_token_user_new_idx")
