import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.demo.incentives import build_demo_incentives
from openprm.incentives import ledger
from openprm.incentives.models import EarningRule, PointsAccount, Product, SalesLine
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db


def test_demo_incentives_report_sales_that_earn_points_and_run_twice_safely():
    admin = VendorUserFactory()
    for _n in range(2):
        partner_user(roles=[PartnerRole.SALES])

    lines = build_demo_incentives(actor=admin)
    again = build_demo_incentives(actor=admin)

    assert (lines, again) == (12 + 6, 0)
    assert Product.objects.count() == 6
    assert EarningRule.objects.count() == 5
    assert SalesLine.objects.count() == 18
    for account in PointsAccount.objects.all():
        assert ledger.balance_of(account) == ledger.spendable_of(account) > 0
