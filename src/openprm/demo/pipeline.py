"""Demo data of the pipeline: quarterly exchange rates into the reporting currency,
so that the pipeline and forecast pages convert deals in USD, GBP, JPY and CHF.

The rates are fixed values in EUR, from the start of last year to the end of next
year, re-expressed in the configured reporting currency. Safe to run twice: a rate
that exists for a currency and date is kept.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from openprm.currencies import money
from openprm.currencies import services as rate_services
from openprm.currencies.models import ExchangeRate

# EUR per unit at the start of each quarter, cycling; good enough for a demo.
EUR_RATES = {
    "USD": ("0.9210", "0.9150", "0.9080", "0.9260", "0.9330", "0.9190"),
    "GBP": ("1.1620", "1.1710", "1.1580", "1.1650", "1.1740", "1.1690"),
    "JPY": ("0.00612", "0.00605", "0.00598", "0.00621", "0.00617", "0.00609"),
    "CHF": ("1.0410", "1.0530", "1.0480", "1.0390", "1.0450", "1.0510"),
    "EUR": ("1",) * 6,
}
PLACES = Decimal("1e-10")


def quarters(today: datetime.date) -> list[datetime.date]:
    """The first day of every quarter from last year's first to next year's last."""
    return [
        datetime.date(year, month, 1)
        for year in (today.year - 1, today.year, today.year + 1)
        for month in (1, 4, 7, 10)
    ]


def build_demo_rates(*, actor) -> int:
    """Add the demo rates through the service (audited); returns how many."""
    reporting = money.reporting_currency()
    if reporting not in EUR_RATES:
        return 0
    existing = set(
        ExchangeRate.objects.filter(base_currency=reporting).values_list(
            "currency", "valid_from"
        )
    )
    added = 0
    for index, valid_from in enumerate(quarters(timezone.localdate())):
        reporting_in_eur = Decimal(EUR_RATES[reporting][index % 6])
        for currency, values in EUR_RATES.items():
            if currency == reporting or (currency, valid_from) in existing:
                continue
            rate = (Decimal(values[index % 6]) / reporting_in_eur).quantize(PLACES)
            rate_services.exchange_rate_create(
                actor=actor, currency=currency, rate=rate, valid_from=valid_from
            )
            added += 1
    return added
