import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.deals.choices import DealStatus
from openprm.deals.models import CustomerAccount, Deal, DealConflict, DealRevenue
from openprm.deals.tests.factories import seller
from openprm.demo.deals import build_demo_deals
from openprm.partners.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def make_sellers(count=13):
    for number in range(count):
        seller(PartnerFactory(name=f"Reseller {number:02d}"))


def test_the_demo_has_deals_in_every_state():
    make_sellers()
    assert build_demo_deals(actor=VendorUserFactory()) == 13
    assert set(Deal.objects.values_list("status", flat=True)) == set(DealStatus.values)
    assert CustomerAccount.objects.count() == 3
    assert DealRevenue.objects.count() == 1
    assert DealConflict.objects.filter(account__isnull=False).exists()
    assert DealConflict.objects.filter(conflicting_deal__isnull=False).exists()


def test_the_demo_deals_are_built_once():
    make_sellers()
    admin = VendorUserFactory()
    build_demo_deals(actor=admin)
    assert build_demo_deals(actor=admin) == 0
    assert Deal.objects.count() == 13
