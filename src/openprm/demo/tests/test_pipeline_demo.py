import datetime
from decimal import Decimal

import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.models import AuditEntry
from openprm.currencies.models import ExchangeRate
from openprm.currencies.selectors import rate_table
from openprm.demo.pipeline import build_demo_rates

pytestmark = pytest.mark.django_db


def test_demo_rates_cover_three_years_of_quarters_and_run_twice_safely():
    admin = VendorUserFactory()

    added = build_demo_rates(actor=admin)
    again = build_demo_rates(actor=admin)

    assert (added, again) == (4 * 12, 0)
    assert ExchangeRate.objects.count() == 48
    assert AuditEntry.objects.filter(verb="exchange_rate.created").count() == 48
    today = datetime.date.today()
    assert rate_table().rate("USD", today) > Decimal("0.9")


def test_demo_rates_follow_the_reporting_currency(settings):
    settings.OPENPRM_REPORTING_CURRENCY = "USD"

    build_demo_rates(actor=VendorUserFactory())

    rates = rate_table()
    first = datetime.date(datetime.date.today().year - 1, 1, 1)
    # 1 EUR = 1 / 0.9210 USD, to ten places.
    assert rates.rate("EUR", first) == Decimal("1.0857763301")
    assert set(rates.currencies()) == {"CHF", "EUR", "GBP", "JPY"}
