"""A connection's sync log at scale (issue 21): the same queries for 2 entries as
for 30, a count capped at a page past the cap, and an index serving its order."""

import pytest
from django.urls import reverse

from openprm.integrations.crm import selectors
from openprm.integrations.tests.crm.factories import (
    SyncLogEntryFactory,
    connection_for,
)
from openprm.testing.plans import assert_served_by, page_keys_plan

pytestmark = pytest.mark.django_db


def _log(client, rows: int) -> str:
    connection = connection_for(folder="/nonexistent")
    for _ in range(rows):
        SyncLogEntryFactory(connection=connection)
    client.force_login(connection.run_as)
    url = reverse(
        "console:crm_connection_detail", kwargs={"public_id": connection.public_id}
    )
    client.get(url)
    return url


@pytest.mark.parametrize("rows", [2, 30])
def test_the_connection_page_takes_the_same_queries_for_any_number_of_entries(
    client, assert_list_queries, rows
):
    url = _log(client, rows)

    assert_list_queries(url, queries=16, shown=rows)


def test_the_connection_page_counts_its_log_up_to_a_cap(assert_count_capped):
    # The page links to the next one without printing its count.
    assert_count_capped(
        per_page="openprm.integrations.crm.views.LOG_PER_PAGE",
        make_list=_log,
        shows_count=False,
    )


def test_a_connections_log_keys_come_from_an_index_in_order():
    connection = connection_for(folder="/nonexistent")
    log = selectors.crm_log_visible_to(user=connection.run_as, connection=connection)
    assert_served_by(page_keys_plan(log), "integ_crm_log_new_idx")
