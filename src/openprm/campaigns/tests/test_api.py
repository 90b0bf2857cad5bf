import pytest

from openprm.accounts.models import ApiToken
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.accounts.tokens.keys import hash_token, new_token_secret
from openprm.campaigns.models import Campaign
from openprm.campaigns.tests.factories import CampaignFactory, CampaignRecipientFactory
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.programs.tests.factories import ProgrammeFactory
from openprm.segments.tests.factories import StaticListFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def headers():
    user = VendorUserFactory(vendor_role="channel_marketing")
    secret = new_token_secret()
    ApiToken.objects.create(
        user=user, name="script", prefix=secret[:12], key_hash=hash_token(secret)
    )
    return {"Authorization": f"Bearer {secret}"}


def _json(client, method, url, body, headers):
    return getattr(client, method)(
        url, body, content_type="application/json", headers=headers
    )


def test_create_schedule_and_read_the_funnel(client, headers):
    segment, programme = StaticListFactory(), ProgrammeFactory()
    created = _json(
        client,
        "post",
        "/api/v1/campaigns",
        {
            "name": "API campaign",
            "segment": str(segment.public_id),
            "programme": str(programme.public_id),
            "subject": "Join {{ programme }}",
            "body": "Hello {{ contact }}",
        },
        headers,
    )
    assert created.status_code == 201
    campaign_id = created.json()["id"]

    scheduled = _json(
        client,
        "post",
        f"/api/v1/campaigns/{campaign_id}/schedule",
        {"send_at": "2030-01-01T10:00:00Z"},
        headers,
    )
    patched = _json(
        client, "patch", f"/api/v1/campaigns/{campaign_id}", {"name": "x"}, headers
    )

    assert scheduled.json()["status"] == "scheduled"
    assert scheduled.json()["funnel"]["sent"] == 0
    assert patched.status_code == 409


def test_unknown_merge_fields_and_references_are_422_and_write_nothing(client, headers):
    response = _json(
        client,
        "post",
        "/api/v1/campaigns",
        {
            "name": "Bad",
            "segment": "00000000-0000-0000-0000-000000000000",
            "programme": str(ProgrammeFactory().public_id),
            "subject": "{{ secret }}",
            "body": "Hi",
        },
        headers,
    )
    assert response.status_code == 422
    assert Campaign.objects.count() == 0
    assert AuditEntry.objects.count() == 0
    assert OutboxEvent.objects.filter(name__startswith="campaign.").count() == 0


@pytest.mark.parametrize("rows", [1, 6])
def test_the_list_takes_the_same_queries_for_any_number_of_campaigns(
    client, headers, rows, django_assert_num_queries
):
    CampaignFactory.create_batch(rows)
    with django_assert_num_queries(4):  # token with user, last use, count, page
        response = client.get("/api/v1/campaigns", headers=headers)
    assert response.json()["count"] == rows


@pytest.mark.parametrize("rows", [1, 6])
def test_the_recipients_take_the_same_queries_for_any_number(
    client, headers, rows, django_assert_num_queries
):
    campaign = CampaignFactory()
    CampaignRecipientFactory.create_batch(rows, campaign=campaign)
    with django_assert_num_queries(5):  # token, last use, campaign, count, page
        response = client.get(
            f"/api/v1/campaigns/{campaign.public_id}/recipients", headers=headers
        )
    assert response.json()["count"] == rows
