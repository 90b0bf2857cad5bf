import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.campaigns.choices import CampaignStatus
from openprm.campaigns.models import Campaign
from openprm.campaigns.tests.factories import CampaignFactory, CampaignRecipientFactory
from openprm.programs.tests.factories import ProgrammeFactory
from openprm.segments.tests.factories import StaticListFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def marketer(client):
    user = VendorUserFactory(vendor_role="channel_marketing")
    client.force_login(user)
    return user


@pytest.mark.parametrize("rows", [1, 6])
def test_the_list_takes_the_same_queries_for_any_number_of_campaigns(
    client, marketer, rows, django_assert_num_queries
):
    for campaign in CampaignFactory.create_batch(rows):
        CampaignRecipientFactory.create_batch(2, campaign=campaign, status="sent")
    with django_assert_num_queries(3):  # session, user, campaigns with funnels
        response = client.get(reverse("console:campaign_list"))
    html = response.content.decode()
    assert html.count('<td class="text-end">2</td>') == rows


@pytest.mark.parametrize("rows", [1, 7])
def test_the_campaign_page_takes_the_same_queries_for_any_number_of_recipients(
    client, marketer, rows, django_assert_num_queries
):
    campaign = CampaignFactory()
    CampaignRecipientFactory.create_batch(rows, campaign=campaign, status="sent")
    url = reverse("console:campaign_detail", kwargs={"public_id": campaign.public_id})
    # session, user, campaign, funnel, recipient count, recipients page
    with django_assert_num_queries(6):
        response = client.get(url)
    html = response.content.decode()
    assert f'data-step="sent">{rows}<' in html
    assert "vendor/chartjs/chart.umd.min.js" in html
    assert '"values": [' + str(rows) in html


def test_create_through_the_form_shows_merge_field_errors(client, marketer):
    data = {
        "name": "Spring",
        "segment": StaticListFactory().pk,
        "programme": ProgrammeFactory().pk,
        "subject": "Hi {{ company }}",
        "body": "{{ nope }}",
    }
    refused = client.post(reverse("console:campaign_create"), data)
    assert "Unknown merge field: nope" in refused.content.decode()
    assert Campaign.objects.count() == 0

    created = client.post(
        reverse("console:campaign_create"), {**data, "body": "Hi {{ contact }}"}
    )
    campaign = Campaign.objects.get()
    assert created["Location"] == reverse(
        "console:campaign_detail", kwargs={"public_id": campaign.public_id}
    )


def test_schedule_from_the_page(client, marketer):
    campaign = CampaignFactory()
    client.post(
        reverse("console:campaign_schedule", kwargs={"public_id": campaign.public_id}),
        {"send_at": "2030-05-01T09:30"},
    )
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SCHEDULED
    assert campaign.send_at.isoformat() == "2030-05-01T09:30:00+00:00"
    assert campaign.base_url == "http://testserver"


def test_a_scheduled_campaign_cannot_be_edited(client, marketer):
    campaign = CampaignFactory(status=CampaignStatus.SCHEDULED, name="Fixed")
    url = reverse("console:campaign_update", kwargs={"public_id": campaign.public_id})
    response = client.post(url, {"name": "Changed"})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "Fixed"


def test_an_analyst_reads_but_cannot_create(client):
    client.force_login(VendorUserFactory(vendor_role="analyst"))
    campaign = CampaignFactory()
    detail = client.get(
        reverse("console:campaign_detail", kwargs={"public_id": campaign.public_id})
    )
    assert detail.status_code == 200
    assert "Send me a test" not in detail.content.decode()
    assert client.get(reverse("console:campaign_create")).status_code == 403


def _funnel_page(campaign):
    return reverse("console:campaign_detail", kwargs={"public_id": campaign.public_id})


def test_the_funnel_downloads_as_the_page_lists_it(client, marketer):
    campaign = CampaignFactory()
    CampaignRecipientFactory.create_batch(3, campaign=campaign, status="sent")
    CampaignRecipientFactory(campaign=campaign, status="bounced")
    CampaignRecipientFactory(campaign=campaign, status="pending")
    other = CampaignFactory()
    CampaignRecipientFactory.create_batch(9, campaign=other, status="sent")
    url = _funnel_page(campaign)

    html = client.get(url).content.decode()
    response = client.get(url + "?export=csv&table=funnel")
    workbook = client.get(url + "?export=xlsx&table=funnel")

    assert 'href="?export=csv&amp;table=funnel"' in html
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["Step", "Recipients"],
        ["Sent", "3"],
        ["Bounced", "1"],
        ["Clicked", "0"],
        ["Applied", "0"],
        ["Approved", "0"],
        ["Waiting to be sent", "1"],
    ]
    for label, value in rows[1:]:
        assert re.search(rf"{label}</dt><dd[^>]*>{value}</dd>", html)
    sheet = load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)][1] == ["Sent", 3]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("export=pdf&table=funnel", "Choose a download format: CSV or XLSX."),
        ("export=csv&table=recipients", "This page has one table to download"),
    ],
)
def test_a_bad_funnel_download_is_refused(client, marketer, query, message):
    response = client.get(_funnel_page(CampaignFactory()) + f"?{query}")

    assert response.status_code == 400
    assert message in response.content.decode()
