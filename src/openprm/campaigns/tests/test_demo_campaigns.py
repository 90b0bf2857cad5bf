import pytest
from django.core import mail

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.campaigns import selectors
from openprm.campaigns.choices import CampaignStatus
from openprm.campaigns.models import Campaign
from openprm.campaigns.tests.factories import prospect
from openprm.demo.campaigns import build_demo_campaigns
from openprm.demo.segments import build_demo_segments
from openprm.programs.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_finished_campaign_with_its_funnel_and_sends_nothing():
    admin = VendorUserFactory()
    ProgrammeFactory(slug="reseller", name="Reseller programme")
    for _ in range(16):
        prospect(region="NA", country="US")
    build_demo_segments(actor=admin)

    assert build_demo_campaigns(actor=admin) == 16
    assert build_demo_campaigns(actor=admin) == 0

    finished = Campaign.objects.get(status=CampaignStatus.SENT)
    funnel = selectors.campaign_funnel(campaign=finished)
    assert [funnel[step] for step in selectors.FUNNEL_STEPS] == [14, 2, 8, 4, 2]
    assert Campaign.objects.filter(status=CampaignStatus.DRAFT).count() == 1
    assert mail.outbox == []
