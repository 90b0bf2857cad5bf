"""Writes to the exchange-rate table: vendor admins add, change and delete rates.

Each action is audited and announces itself (``exchange_rate.created``, ``.updated``,
``.deleted``). A rate always converts into the reporting currency configured when it
was entered (``base_currency``).
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from openprm.core import audit, events
from openprm.core.errors import ValidationFailed
from openprm.currencies import money
from openprm.currencies.models import ExchangeRate
from openprm.currencies.permissions import EDIT_RATES

RATE_FIELDS = ["currency", "base_currency", "rate", "valid_from"]
_RATE_FIELD = ExchangeRate._meta.get_field("rate")


def exchange_rate_payload(rate: ExchangeRate) -> dict:
    return {
        "id": rate.pk,
        "currency": rate.currency,
        "base_currency": rate.base_currency,
        "rate": str(rate.rate),
        "valid_from": rate.valid_from.isoformat(),
    }


def _clean(
    *, currency: str, rate, valid_from: datetime.date | None, base_currency: str
) -> dict:
    """The values of a rate, or every field's error at once."""
    errors: dict[str, list[str]] = {}
    currency = (currency or "").strip().upper()
    if not money.is_currency(currency):
        errors["currency"] = [str(_("Enter an ISO 4217 currency code, e.g. USD."))]
    elif currency == base_currency:
        errors["currency"] = [
            str(_("The reporting currency needs no rate: it converts at 1."))
        ]
    try:
        rate = Decimal(str(rate))
    except (InvalidOperation, ValueError):
        errors["rate"] = [str(_("Enter a number."))]
    else:
        errors.update(_rate_errors(rate))
        if not errors.get("rate"):
            # As the database holds it, so that an unchanged rate is no change.
            rate = rate.quantize(Decimal(1).scaleb(-_RATE_FIELD.decimal_places))
    if valid_from is None:
        errors["valid_from"] = [str(_("Enter the date from which the rate applies."))]
    if errors:
        raise ValidationFailed(field_errors=errors)
    return {"currency": currency, "rate": rate, "valid_from": valid_from}


def _rate_errors(rate: Decimal) -> dict[str, list[str]]:
    places, digits = _RATE_FIELD.decimal_places, _RATE_FIELD.max_digits
    if not rate.is_finite() or rate <= 0:
        return {"rate": [str(_("A rate is a number greater than zero."))]}
    if rate.as_tuple().exponent < -places:
        # Refused rather than rounded: a stored rate is exactly the one entered.
        return {
            "rate": [
                str(_("Give at most %(places)d decimal places.") % {"places": places})
            ]
        }
    if rate >= Decimal(10) ** (digits - places):
        return {
            "rate": [
                str(
                    _("A rate has at most %(digits)d digits before the decimal point.")
                    % {"digits": digits - places}
                )
            ]
        }
    return {}


def _duplicate(currency: str) -> ValidationFailed:
    return ValidationFailed(
        field_errors={
            "valid_from": [
                str(
                    _("A %(currency)s rate valid from this date already exists.")
                    % {"currency": currency}
                )
            ]
        }
    )


@transaction.atomic
def exchange_rate_create(
    *, actor, currency: str, rate, valid_from: datetime.date | None
) -> ExchangeRate:
    """A rate of ``currency`` into the reporting currency, from ``valid_from`` on."""
    EDIT_RATES.ensure(actor)
    base_currency = money.reporting_currency()
    cleaned = _clean(
        currency=currency, rate=rate, valid_from=valid_from, base_currency=base_currency
    )
    try:
        with transaction.atomic():
            exchange_rate = ExchangeRate.objects.create(
                **cleaned, base_currency=base_currency, created_by=actor
            )
    except IntegrityError:
        raise _duplicate(cleaned["currency"]) from None
    audit.record_create(
        actor=actor,
        instance=exchange_rate,
        fields=RATE_FIELDS,
        verb="exchange_rate.created",
    )
    events.emit(
        "exchange_rate.created",
        payload=exchange_rate_payload(exchange_rate),
        actor=actor,
    )
    return exchange_rate


@transaction.atomic
def exchange_rate_update(
    *,
    actor,
    exchange_rate: ExchangeRate,
    currency: str | None = None,
    rate=None,
    valid_from: datetime.date | None = None,
) -> ExchangeRate:
    """Change what is given (``None`` keeps a value); the reporting currency the
    rate converts into stays the one it was entered for."""
    EDIT_RATES.ensure(actor)
    cleaned = _clean(
        currency=exchange_rate.currency if currency is None else currency,
        rate=exchange_rate.rate if rate is None else rate,
        valid_from=exchange_rate.valid_from if valid_from is None else valid_from,
        base_currency=exchange_rate.base_currency,
    )
    before = audit.snapshot(exchange_rate, RATE_FIELDS)
    for name, value in cleaned.items():
        setattr(exchange_rate, name, value)
    entry = audit.record_change(
        actor=actor,
        instance=exchange_rate,
        before=before,
        verb="exchange_rate.updated",
    )
    if entry is None:
        return exchange_rate
    try:
        with transaction.atomic():
            exchange_rate.save(update_fields=[*cleaned, "updated_at"])
    except IntegrityError:
        raise _duplicate(cleaned["currency"]) from None
    events.emit(
        "exchange_rate.updated",
        payload={**exchange_rate_payload(exchange_rate), "changes": entry.changes},
        actor=actor,
    )
    return exchange_rate


@transaction.atomic
def exchange_rate_delete(*, actor, exchange_rate: ExchangeRate) -> None:
    EDIT_RATES.ensure(actor)
    payload = exchange_rate_payload(exchange_rate)
    audit.record_delete(
        actor=actor,
        instance=exchange_rate,
        fields=RATE_FIELDS,
        verb="exchange_rate.deleted",
    )
    exchange_rate.delete()
    events.emit("exchange_rate.deleted", payload=payload, actor=actor)
