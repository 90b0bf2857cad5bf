import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.demo.segments import STATIC_LIST_NAME, build_demo_segments
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.tests.factories import EnrolmentFactory, programme_with_tiers
from openprm.segments import selectors
from openprm.segments.models import Segment

pytestmark = pytest.mark.django_db


def test_demo_segments_select_their_partners_and_a_second_run_adds_nothing():
    admin = VendorUserFactory()
    reseller = programme_with_tiers(
        "Registered", "Silver", "Gold", "Platinum", slug="reseller"
    )
    gold = PartnerFactory(name="Gold Co", region="EMEA")
    EnrolmentFactory(partner=gold, programme=reseller, tier=reseller.tiers.get(rank=4))
    PartnerFactory(name="Other Co", region="EMEA", partner_type="msp")

    segments = {s.name: s for s in build_demo_segments(actor=admin)}
    build_demo_segments(actor=admin)

    def names(name):
        members = selectors.segment_members(user=admin, segment=segments[name])
        return [partner.name for partner in members]

    assert Segment.objects.count() == 5
    assert names("Active EMEA resellers") == ["Gold Co"]
    assert names("Gold and above in Reseller") == ["Gold Co"]
    assert names(STATIC_LIST_NAME) == ["Gold Co", "Other Co"]
