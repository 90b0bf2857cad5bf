"""The audiences page and a segment's members at scale (issue 21): a fixed query
count whatever the rows, and a count capped at a page past the cap ("more than")."""

import pytest
from django.urls import reverse

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.segments.tests.factories import (
    AudienceFactory,
    StaticListFactory,
    StaticListMemberFactory,
)
from openprm.testing.lists import context_rows

pytestmark = pytest.mark.django_db


def _audiences(client, rows: int) -> str:
    for number in range(rows):
        AudienceFactory(name=f"Audience {number:02}")
    client.force_login(VendorUserFactory())
    url = reverse("console:audience_list")
    client.get(url)
    return url


def _members(client, rows: int) -> str:
    segment = StaticListFactory()
    for number in range(rows):
        StaticListMemberFactory(
            segment=segment, partner=PartnerFactory(name=f"Member {number:02}")
        )
    client.force_login(VendorUserFactory())
    url = reverse("console:segment_detail", args=[segment.public_id])
    client.get(url)
    return url


@pytest.mark.parametrize("rows", [2, 30])
def test_the_audiences_page_takes_the_same_queries_for_any_number_of_rows(
    client, assert_list_queries, rows
):
    url = _audiences(client, rows)

    # Session, user, the capped count, the page (keys first), then the page's
    # reach: custom field types, partners per rule, users per rule, and the rules'
    # custom field labels.
    assert_list_queries(url, queries=8, shown=rows, rows_in=context_rows("rows"))


def test_the_audiences_page_counts_up_to_a_cap(assert_count_capped):
    assert_count_capped(
        per_page="openprm.segments.audiences.views.AUDIENCES_PER_PAGE",
        make_list=_audiences,
        rows_in=context_rows("rows"),
    )


@pytest.mark.parametrize("rows", [2, 30])
def test_a_segments_page_takes_the_same_queries_for_any_number_of_members(
    client, assert_list_queries, rows
):
    url = _members(client, rows)

    assert_list_queries(url, queries=6, shown=rows)


def test_a_segments_page_counts_members_up_to_a_cap(assert_count_capped):
    pages = assert_count_capped(
        per_page="openprm.segments.views.MEMBERS_PER_PAGE",
        make_list=_members,
    )

    # The heading counts the members as the pager does.
    assert "More than 4 partners" in pages.first_text
    assert "7 partners" in pages.last_text
