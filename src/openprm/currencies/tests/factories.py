import datetime
from decimal import Decimal

import factory

from openprm.currencies.models import ExchangeRate


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    """A rate into the default reporting currency (EUR)."""

    class Meta:
        model = ExchangeRate

    currency = "USD"
    base_currency = "EUR"
    rate = Decimal("0.9000000000")
    valid_from = factory.Sequence(
        lambda n: datetime.date(2020, 1, 1) + datetime.timedelta(days=n)
    )
