"""The lead lists at scale (issue 21): an index serving each order and a capped
count (their exact query counts are pinned in test_views)."""

import pytest
from django.urls import reverse

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.leads import selectors
from openprm.leads.models import LeadStatus
from openprm.leads.tests.factories import LeadFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import partner_user
from openprm.testing.plans import assert_served_by, page_keys_plan

pytestmark = pytest.mark.django_db


def test_the_console_list_page_keys_come_from_an_index_in_order():
    leads = selectors.lead_list(user=VendorUserFactory())
    assert_served_by(page_keys_plan(leads), "leads_newest", "leads_lead_created_at")


def test_the_portal_list_page_keys_come_from_an_index_in_order():
    partner = PartnerFactory()
    user = partner_user(partner=partner, roles=["sales"])
    leads = selectors.with_deadline(
        selectors.lead_list(user=user, partner_id=partner.pk)
    )
    assert_served_by(page_keys_plan(leads), "leads_partner_newest")


def _portal_leads(client, rows: int) -> str:
    """``rows`` leads worked by one partner, and one by another partner."""
    partner = PartnerFactory()
    for number in range(rows):
        LeadFactory(
            company=f"Lead {number}",
            status=LeadStatus.WORKING,
            current_partner=partner,
        )
    LeadFactory(
        company="Elsewhere", status=LeadStatus.WORKING, current_partner=PartnerFactory()
    )
    client.force_login(partner_user(partner=partner, roles=["sales"]))
    return reverse("portal:lead_list")


def test_the_portal_list_counts_up_to_a_cap(assert_count_capped):
    pages = assert_count_capped(
        per_page="openprm.leads.views.PER_PAGE",
        make_list=_portal_leads,
    )

    assert "Elsewhere" not in pages.first_text + pages.last_text
