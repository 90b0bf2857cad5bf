"""The invitations page at scale (issue 21): a fixed query count whatever the
rows and a count capped at a page past the cap."""

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db


def _invitations(client, rows: int) -> str:
    partner = PartnerFactory()
    for _ in range(rows):
        InvitationFactory(partner=partner)
    client.force_login(VendorUserFactory())
    url = reverse("console:user_invitations")
    client.get(url)
    return url


@pytest.mark.parametrize("rows", [2, 30])
def test_the_invitations_page_takes_the_same_queries_for_any_number_of_rows(
    client, django_assert_num_queries, rows
):
    url = _invitations(client, rows)

    # Session, user, the capped count, the page's invitations (keys first) with
    # partner and inviter.
    with django_assert_num_queries(4):
        response = client.get(url)

    assert len(response.context["page"].object_list) == rows


def test_the_invitations_page_counts_up_to_a_cap(client, monkeypatch):
    monkeypatch.setattr("openprm.tenancy.team.views.INVITATIONS_PER_PAGE", 2)
    monkeypatch.setattr("openprm.core.pagination.CappedPaginator.cap", 3)
    url = _invitations(client, 7)

    first = strip_tags(client.get(url).content.decode())
    last = client.get(url, {"page": 4})

    assert "1\u20132 of more than 4" in first
    assert "7\u20137 of 7" in strip_tags(last.content.decode())
    assert len(last.context["page"].object_list) == 1
