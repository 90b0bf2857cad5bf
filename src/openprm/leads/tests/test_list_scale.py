"""The lead lists at scale (issue 21): an index serving each order and a capped
count (their exact query counts are pinned in test_views)."""

import pytest
from django.urls import reverse

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.leads import selectors
from openprm.leads.models import LeadStatus
from openprm.leads.tests.factories import CapacityFactory, LeadFactory
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


# --- the API's lead capacities (paged since issue 21)

CAPACITIES = "/api/v1/lead-capacities"


def _capacities(rows: int) -> list:
    """``rows`` partners on the list: each with a capacity, an open lead or an
    answered offer in turn; and one partner with none of them."""
    partners = [PartnerFactory(name=f"Partner {number:02}") for number in range(rows)]
    for number, partner in enumerate(partners):
        if number % 2:
            CapacityFactory(partner=partner, max_open_leads=3)
        else:
            LeadFactory(status=LeadStatus.WORKING, current_partner=partner)
    PartnerFactory(name="Partner without leads")
    return partners


def test_the_capacity_api_pages_by_name_and_counts_up_to_a_cap(client, monkeypatch):
    monkeypatch.setattr("openprm.core.api.COUNT_CAP", 3)
    partners = _capacities(7)
    client.force_login(VendorUserFactory())

    first = client.get(CAPACITIES, {"limit": 2}).json()
    last = client.get(CAPACITIES, {"limit": 2, "offset": 6}).json()

    assert [row["name"] for row in first["items"]] == ["Partner 00", "Partner 01"]
    assert (first["count"], first["count_is_capped"]) == (3, True)
    assert [row["partner_id"] for row in last["items"]] == [partners[6].pk]
    assert (last["count"], last["count_is_capped"]) == (7, False)
    assert first["items"][0]["open_leads"] == 1
    assert (first["items"][1]["capacity"], first["items"][1]["is_default"]) == (
        3,
        False,
    )


@pytest.mark.parametrize("rows", [2, 30])
def test_the_capacity_api_takes_the_same_queries_for_any_number_of_partners(
    client, django_assert_num_queries, rows
):
    _capacities(rows)
    client.force_login(VendorUserFactory())
    client.get(CAPACITIES)

    # Session, user, the capped count, the page's partners, their capacities,
    # lead records and open leads.
    with django_assert_num_queries(7):
        body = client.get(CAPACITIES, {"limit": 100}).json()

    assert len(body["items"]) == rows


def test_the_capacity_api_page_keys_come_from_an_index_in_order():
    partners = selectors.capacity_partners(user=VendorUserFactory())
    assert_served_by(page_keys_plan(partners), "partners_name_id_idx")
