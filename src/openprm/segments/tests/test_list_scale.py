"""The audiences page and a segment's members at scale (issue 21): a fixed query
count whatever the rows, and a count capped at a page past the cap ("more than")."""

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.segments.tests.factories import (
    AudienceFactory,
    StaticListFactory,
    StaticListMemberFactory,
)

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
    client, django_assert_num_queries, rows
):
    url = _audiences(client, rows)

    # Session, user, the capped count, the page (keys first), then the page's
    # reach: custom field types, partners per rule, users per rule, and the rules'
    # custom field labels.
    with django_assert_num_queries(8):
        response = client.get(url)

    assert len(response.context["rows"]) == rows


def test_the_audiences_page_counts_up_to_a_cap(client, monkeypatch):
    monkeypatch.setattr("openprm.segments.audiences.views.AUDIENCES_PER_PAGE", 2)
    monkeypatch.setattr("openprm.core.pagination.CappedPaginator.cap", 3)
    url = _audiences(client, 7)

    first = strip_tags(client.get(url).content.decode())
    last = client.get(url, {"page": 4})

    assert "1\u20132 of more than 4" in first
    assert "7\u20137 of 7" in strip_tags(last.content.decode())
    assert len(last.context["rows"]) == 1


@pytest.mark.parametrize("rows", [2, 30])
def test_a_segments_page_takes_the_same_queries_for_any_number_of_members(
    client, django_assert_num_queries, rows
):
    url = _members(client, rows)

    with django_assert_num_queries(6):
        response = client.get(url)

    assert len(response.context["page"].object_list) == rows


def test_a_segments_page_counts_members_up_to_a_cap(client, monkeypatch):
    monkeypatch.setattr("openprm.segments.views.MEMBERS_PER_PAGE", 2)
    monkeypatch.setattr("openprm.core.pagination.CappedPaginator.cap", 3)
    url = _members(client, 7)

    first = strip_tags(client.get(url).content.decode())
    last = strip_tags(client.get(url, {"page": 4}).content.decode())

    assert "More than 4 partners" in first
    assert "1\u20132 of more than 4" in first
    assert "7 partners" in last
    assert "7\u20137 of 7" in last
