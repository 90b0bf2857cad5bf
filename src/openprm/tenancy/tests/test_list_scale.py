"""The invitations page at scale (issue 21): a fixed query count whatever the
rows and a count capped at a page past the cap."""

import pytest
from django.urls import reverse

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
    client, assert_list_queries, rows
):
    url = _invitations(client, rows)

    # Session, user, the capped count, the page's invitations (keys first) with
    # partner and inviter.
    assert_list_queries(url, queries=4, shown=rows)


def test_the_invitations_page_counts_up_to_a_cap(assert_count_capped):
    assert_count_capped(
        per_page="openprm.tenancy.team.views.INVITATIONS_PER_PAGE",
        make_list=_invitations,
    )
