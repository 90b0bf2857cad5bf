"""Money: exact Decimal amounts in ISO 4217 currencies and their conversion into the
vendor's reporting currency (DESIGN rule 4).

An exchange rate says how many units of the reporting currency one unit of another
currency is worth from a date on (``currencies.models.ExchangeRate``, maintained
by vendor admins). A conversion on a date uses the latest rate whose ``valid_from``
is on or before that date; with no such rate the conversion raises
:class:`MissingExchangeRate` (never a silent zero). Arithmetic is exact; amounts
are rounded once, at the end, to the currency's minor unit with :data:`ROUNDING`.
"""

import bisect
import datetime
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, localcontext

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from openprm.core import iso
from openprm.core.errors import ApplicationError

# Commercial rounding (half away from zero), applied once to a final figure.
ROUNDING = ROUND_HALF_UP
# Enough digits that a product of an amount (up to 18 digits) and a rate (up to 15)
# is exact before it is rounded.
EXACT_PRECISION = 60


# The ISO 4217 list lives in the kernel, with the other lists people pick from.
CURRENCIES = iso.CURRENCIES
is_currency = iso.is_currency
minor_units = iso.minor_units


def quantize(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded to the minor unit of ``currency`` with :data:`ROUNDING`."""
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), ROUNDING)


def reporting_currency() -> str:
    """The vendor's reporting currency (setting ``OPENPRM_REPORTING_CURRENCY``)."""
    return settings.OPENPRM_REPORTING_CURRENCY


class MissingExchangeRate(ApplicationError):
    """No rate converts ``currency`` into the reporting currency on ``on``."""

    code = "missing_exchange_rate"
    status = 422

    def __init__(self, currency: str, on: datetime.date, reporting: str):
        self.currency, self.on, self.reporting = currency, on, reporting
        super().__init__(
            _(
                "No exchange rate from %(currency)s to %(reporting)s is valid on "
                "%(date)s: add one under Exchange rates."
            )
            % {"currency": currency, "reporting": reporting, "date": on.isoformat()}
        )


class RateTable:
    """The exchange rates into one reporting currency, loaded once, looked up by
    currency and date without further queries."""

    def __init__(
        self,
        reporting: str,
        rates: Iterable[tuple[str, datetime.date, Decimal]] = (),
    ):
        self.reporting = reporting
        by_currency: dict[str, list[tuple[datetime.date, Decimal]]] = {}
        for currency, valid_from, rate in rates:
            by_currency.setdefault(currency, []).append((valid_from, rate))
        self._dates: dict[str, list[datetime.date]] = {}
        self._rates: dict[str, list[Decimal]] = {}
        for currency, items in by_currency.items():
            items.sort()
            self._dates[currency] = [valid_from for valid_from, _rate in items]
            self._rates[currency] = [rate for _valid_from, rate in items]

    def currencies(self) -> list[str]:
        """The currencies with at least one rate, in code order."""
        return sorted(self._dates)

    def valid_from_dates(self, currency: str) -> list[datetime.date]:
        """The dates from which the rates of ``currency`` apply, oldest first."""
        return list(self._dates.get(currency, ()))

    def rate(self, currency: str, on: datetime.date) -> Decimal:
        """Units of the reporting currency one unit of ``currency`` is worth on
        ``on``: the latest rate valid from that date or before."""
        if currency == self.reporting:
            return Decimal(1)
        dates = self._dates.get(currency, [])
        index = bisect.bisect_right(dates, on) - 1
        if index < 0:
            raise MissingExchangeRate(currency, on, self.reporting)
        return self._rates[currency][index]

    def convert(self, amount: Decimal, currency: str, on: datetime.date) -> Decimal:
        """``amount`` in the reporting currency, exact (not rounded)."""
        return multiply(amount, self.rate(currency, on))


def multiply(*factors: Decimal) -> Decimal:
    """The exact product of Decimals (the default context would round at 28
    digits)."""
    with localcontext(prec=EXACT_PRECISION):
        product = Decimal(1)
        for factor in factors:
            product *= factor
        return product


def divide_exact(amount: Decimal, divisor: int) -> Decimal:
    """``amount / divisor`` for a divisor that is a power of ten (a percentage or a
    scale of minor units): exact, by moving the decimal point."""
    digits = len(str(divisor)) - 1
    if divisor != 10**digits:
        raise ValueError("divide_exact takes a power of ten")
    return amount.scaleb(-digits)
