import datetime
from decimal import Decimal

import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.accruals.models import Payout, RebateStatement, Spiff, SpiffEarning
from openprm.currencies.tests.factories import ExchangeRateFactory
from openprm.demo.accruals import build_demo_accruals
from openprm.demo.incentives import build_demo_incentives
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db


def test_demo_accruals_run_an_active_spiff_and_rebate_statements_twice_safely():
    admin = VendorUserFactory()
    ExchangeRateFactory(
        currency="USD", rate=Decimal("0.9"), valid_from=datetime.date(2000, 1, 1)
    )
    for _n in range(2):
        partner_user(roles=[PartnerRole.SALES])
    build_demo_incentives(actor=admin)

    build_demo_accruals(actor=admin)
    again = build_demo_accruals(actor=admin)

    assert again == 0
    assert Spiff.objects.count() == 1
    assert RebateStatement.objects.exists()
    assert Spiff.objects.get().spent == sum(
        SpiffEarning.objects.values_list("amount", flat=True)
    )
    assert Payout.objects.count() <= 1
