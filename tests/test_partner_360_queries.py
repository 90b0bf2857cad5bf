"""The console's partner page (the partner 360) reads a fixed number of queries
whatever the partner holds: deals, leads, audit entries, contacts, children
(issue 21; every app's section promises it, this pins the page)."""

import pytest
from django.urls import reverse

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core import audit
from openprm.deals.tests.factories import make_deal
from openprm.leads.models import LeadStatus
from openprm.leads.tests.factories import LeadFactory
from openprm.partners.choices import PartnerType
from openprm.partners.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

# Pinned: what the page reads with the sections of every app installed.
PARTNER_360_QUERIES = 29


def _grow(partner, number: int) -> None:
    for index in range(number):
        make_deal(partner=partner)
        LeadFactory(status=LeadStatus.WORKING, current_partner=partner)
        PartnerFactory(parent=partner, name=f"Child {partner.pk}-{index}")
        partner.city = f"City {index}"
        audit.record_create(
            actor=None, instance=partner, fields=["city"], verb="test.created"
        )


def test_the_partner_page_reads_the_same_queries_for_more_rows(
    client, django_assert_num_queries
):
    partner = PartnerFactory(partner_type=PartnerType.DISTRIBUTOR)
    _grow(partner, 1)
    client.force_login(VendorUserFactory())
    url = reverse("console:partner_detail", args=[partner.public_id])
    client.get(url)

    with django_assert_num_queries(PARTNER_360_QUERIES):
        assert client.get(url).status_code == 200
    _grow(partner, 6)
    with django_assert_num_queries(PARTNER_360_QUERIES):
        response = client.get(url)

    assert 'data-testid="partner-sections"' in response.content.decode()
