"""Reads of the exchange-rate table.

Vendor staff read the rates (every figure in the reporting currency depends on them);
vendor admins maintain them. Conversions load the table once per request
(:func:`rate_table`), not once per amount.
"""

from collections.abc import Iterable

from django.db.models import QuerySet

from openprm.core import money
from openprm.core.errors import NotFound, PermissionDenied
from openprm.core.models import ExchangeRate
from openprm.core.scoping import admin_scope_for


def can_read_rates(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(user, "is_vendor_staff", False)
    )


def can_edit_rates(user) -> bool:
    """Vendor admins (the users whose administration scope is everything)."""
    return can_read_rates(user) and admin_scope_for(user).everything


def ensure_can_read_rates(user) -> None:
    if not can_read_rates(user):
        raise PermissionDenied


def ensure_can_edit_rates(user) -> None:
    if not can_edit_rates(user):
        raise PermissionDenied


def exchange_rate_list(*, user, currency: str = "") -> QuerySet[ExchangeRate]:
    """Every rate, by currency and newest first; ``currency`` narrows to one."""
    ensure_can_read_rates(user)
    rates = ExchangeRate.objects.select_related("created_by")
    if currency:
        rates = rates.filter(currency=currency.upper())
    return rates.order_by("base_currency", "currency", "-valid_from", "-id")


def exchange_rate_get(*, user, rate_id: int) -> ExchangeRate:
    ensure_can_read_rates(user)
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
