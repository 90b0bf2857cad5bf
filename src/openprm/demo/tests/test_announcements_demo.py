import pytest

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.content.models import Announcement, AnnouncementReceipt
from openprm.demo.announcements import ANNOUNCEMENTS, build_demo_announcements
from openprm.partners.choices import Region
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory


@pytest.mark.django_db
def test_demo_announcements_cover_each_status_and_some_acknowledgements():
    actor = VendorUserFactory(vendor_role=VendorRole.CHANNEL_MARKETING)
    partner = PartnerFactory(region=Region.EMEA)
    for _ in range(4):
        MembershipFactory(partner=partner)

    assert build_demo_announcements(actor=actor) == len(ANNOUNCEMENTS)
    assert build_demo_announcements(actor=actor) == 0

    assert Announcement.objects.filter(publish_at__isnull=True).count() == 1
    assert Announcement.objects.filter(is_pinned=True).count() == 1
    assert (
        AnnouncementReceipt.objects.filter(acknowledged_at__isnull=False).count() == 2
    )
