from datetime import timedelta

import pytest
from django.utils import timezone

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.campaigns import services
from openprm.campaigns.choices import CampaignStatus
from openprm.campaigns.models import Campaign
from openprm.campaigns.tests.factories import CampaignFactory
from openprm.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.programs.tests.factories import ProgrammeFactory
from openprm.segments.tests.factories import StaticListFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def marketer():
    return VendorUserFactory(vendor_role="channel_marketing")


def _create(actor, **overrides):
    fields = {
        "name": "Spring recruitment",
        "segment": StaticListFactory(),
        "programme": ProgrammeFactory(),
        "subject": "Join {{ programme }}",
        "body": "Dear {{ contact }}",
        **overrides,
    }
    return services.campaign_create(actor=actor, **fields)


def test_create_audits_and_announces(marketer):
    campaign = _create(marketer)
    assert campaign.status == CampaignStatus.DRAFT
    assert AuditEntry.objects.filter(verb="campaign.created").count() == 1
    assert OutboxEvent.objects.filter(name="campaign.created").count() == 1


def test_an_unknown_merge_field_is_refused_and_nothing_is_written(marketer):
    with pytest.raises(ValidationFailed) as raised:
        _create(marketer, body="{{ request.user.password }}")
    assert "body" in raised.value.field_errors
    assert Campaign.objects.count() == 0
    assert AuditEntry.objects.count() == 0
    assert OutboxEvent.objects.filter(name__startswith="campaign.").count() == 0


@pytest.mark.parametrize("role", ["finance", "analyst", "channel_manager"])
def test_other_vendor_roles_cannot_create(role):
    with pytest.raises(PermissionDenied):
        _create(VendorUserFactory(vendor_role=role))
    assert Campaign.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_schedule_then_no_more_changes(marketer):
    campaign = CampaignFactory()
    later = timezone.now() + timedelta(days=1)
    services.campaign_schedule(
        actor=marketer,
        campaign=campaign,
        base_url="https://prm.example.com/",
        send_at=later,
    )
    campaign.refresh_from_db()
    assert (campaign.status, campaign.send_at, campaign.base_url) == (
        CampaignStatus.SCHEDULED,
        later,
        "https://prm.example.com",
    )
    with pytest.raises(InvalidTransition):
        services.campaign_update(actor=marketer, campaign=campaign, name="Other")
    campaign.refresh_from_db()
    assert campaign.name != "Other"
    assert AuditEntry.objects.filter(verb="campaign.updated").count() == 0


def test_cancel_a_scheduled_campaign(marketer):
    campaign = CampaignFactory(status=CampaignStatus.SCHEDULED)
    services.campaign_cancel(actor=marketer, campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CANCELLED
    with pytest.raises(InvalidTransition):
        services.campaign_cancel(actor=marketer, campaign=campaign)
    assert OutboxEvent.objects.filter(name="campaign.cancelled").count() == 1


def test_a_draft_cannot_be_cancelled(marketer):
    campaign = CampaignFactory()
    with pytest.raises(InvalidTransition):
        services.campaign_cancel(actor=marketer, campaign=campaign)
    assert AuditEntry.objects.count() == 0
