"""A campaign's recipients at scale (issue 21): the same queries for 2 recipients
as for 30, a count capped at a page past the cap, and an index serving their
order."""

import pytest
from django.urls import reverse

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.campaigns import selectors
from openprm.campaigns.tests.factories import CampaignFactory, CampaignRecipientFactory
from openprm.testing.lists import context_rows
from openprm.testing.plans import assert_served_by, page_keys_plan

pytestmark = pytest.mark.django_db

RECIPIENTS = context_rows("recipients")


def _recipients(client, rows: int) -> str:
    campaign = CampaignFactory()
    CampaignRecipientFactory.create_batch(rows, campaign=campaign, status="sent")
    client.force_login(VendorUserFactory(vendor_role="channel_marketing"))
    url = reverse("console:campaign_detail", kwargs={"public_id": campaign.public_id})
    client.get(url)
    return url


@pytest.mark.parametrize("rows", [2, 30])
def test_the_campaign_page_takes_the_same_queries_for_2_or_30_recipients(
    client, assert_list_queries, rows
):
    url = _recipients(client, rows)

    # Session, user, campaign, funnel, the capped count, the recipients' page.
    assert_list_queries(url, queries=6, shown=rows, rows_in=RECIPIENTS)


def test_the_campaign_page_counts_recipients_up_to_a_cap(assert_count_capped):
    # The page links to the next one without printing its count.
    assert_count_capped(
        per_page="openprm.campaigns.views.RECIPIENTS_PER_PAGE",
        make_list=_recipients,
        rows_in=RECIPIENTS,
        shows_count=False,
    )


def test_a_campaigns_recipient_keys_come_from_an_index_in_order():
    recipients = selectors.campaign_recipients(campaign=CampaignFactory())
    assert_served_by(page_keys_plan(recipients), "campaigns_recipient_co_idx")
