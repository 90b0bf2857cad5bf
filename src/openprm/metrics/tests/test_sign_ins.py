import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.metrics.models import DailyValue, SignIn
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory, partner_user

pytestmark = pytest.mark.django_db


def test_signing_in_counts_for_each_organisation_and_refreshes_the_day(client):
    first, second = PartnerFactory(), PartnerFactory()
    user = partner_user(partner=first)
    MembershipFactory(user=user, partner=second)

    client.force_login(user)
    client.force_login(user)

    assert SignIn.objects.filter(partner=first).count() == 2
    assert SignIn.objects.filter(partner=second).count() == 2
    figures = dict(
        DailyValue.objects.filter(partner=first).values_list("series", "value")
    )
    assert (figures["sign_ins"], figures["active_users"]) == (2, 1)


def test_vendor_staff_signing_in_counts_for_no_partner(client):
    client.force_login(VendorUserFactory())

    assert SignIn.objects.count() == 0
