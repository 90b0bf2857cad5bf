"""A campaign's recipients at scale (issue 21): the same queries for 2 recipients
as for 30, a count capped at a page past the cap, and an index serving their
order."""

import pytest
from django.urls import reverse

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.campaigns import selectors
from openprm.campaigns.tests.factories import CampaignFactory, CampaignRecipientFactory
from openprm.testing.plans import assert_served_by, page_keys_plan

pytestmark = pytest.mark.django_db


def _recipients(client, rows: int) -> str:
    campaign = CampaignFactory()
    CampaignRecipientFactory.create_batch(rows, campaign=campaign, status="sent")
    client.force_login(VendorUserFactory(vendor_role="channel_marketing"))
    url = reverse("console:campaign_detail", kwargs={"public_id": campaign.public_id})
    client.get(url)
    return url


@pytest.mark.parametrize("rows", [2, 30])
def test_the_campaign_page_takes_the_same_queries_for_2_or_30_recipients(
    client, django_assert_num_queries, rows
):
    url = _recipients(client, rows)

    # Session, user, campaign, funnel, the capped count, the recipients' page.
    with django_assert_num_queries(6):
        response = client.get(url)

    assert len(response.context["recipients"]) == rows


def test_the_campaign_page_counts_recipients_up_to_a_cap(client, monkeypatch):
    monkeypatch.setattr("openprm.campaigns.views.RECIPIENTS_PER_PAGE", 2)
    monkeypatch.setattr("openprm.core.pagination.CappedPaginator.cap", 3)
    url = _recipients(client, 7)

    first = client.get(url).context["page"]
    last = client.get(url, {"page": 4}).context["page"]

    assert (first.paginator.count, first.paginator.is_capped) == (5, True)
    assert first.has_next()
    assert (last.paginator.count, last.paginator.is_capped) == (7, False)
    assert len(last.object_list) == 1


def test_a_campaigns_recipient_keys_come_from_an_index_in_order():
    recipients = selectors.campaign_recipients(campaign=CampaignFactory())
    assert_served_by(page_keys_plan(recipients), "campaigns_recipient_co_idx")
