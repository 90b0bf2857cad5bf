"""Reads of the exchange-rate table.

Vendor staff read the rates (every figure in the reporting currency depends on them);
vendor admins maintain them. Conversions load the table once per request
(:func:`rate_table`), not once per amount.
"""

from collections.abc import Iterable

from django.db.models import QuerySet

from openprm.core.errors import NotFound
from openprm.currencies import money
from openprm.currencies.models import ExchangeRate
from openprm.currencies.permissions import READ_RATES


def exchange_rate_list(*, user, currency: str = "") -> QuerySet[ExchangeRate]:
    """Every rate, by currency and newest first; ``currency`` narrows to one."""
    READ_RATES.ensure(user)
    rates = ExchangeRate.objects.select_related("created_by")
    if currency:
        rates = rates.filter(currency=currency.upper())
    return rates.order_by("base_currency", "currency", "-valid_from", "-id")


def exchange_rate_get(*, user, rate_id: int) -> ExchangeRate:
    READ_RATES.ensure(user)
    rate = ExchangeRate.objects.select_related("created_by").filter(pk=rate_id).first()
    if rate is None:
        raise NotFound
    return rate


def rate_table(*, currencies: Iterable[str] | None = None) -> money.RateTable:
    """The rates into the current reporting currency (of ``currencies`` only, when
    given), in one query. Not scoped: conversion serves every reader of a figure."""
    reporting = money.reporting_currency()
    rates = ExchangeRate.objects.filter(base_currency=reporting)
    if currencies is not None:
        wanted = sorted(set(currencies) - {reporting})
        if not wanted:
            return money.RateTable(reporting)
        rates = rates.filter(currency__in=wanted)
    return money.RateTable(
        reporting, rates.values_list("currency", "valid_from", "rate")
    )
