"""REST endpoints of the exchange-rate table: vendor staff read it, vendor admins
maintain it. A rate is how many units of the reporting currency one unit of
``currency`` is worth from ``valid_from`` on; rates travel as decimal strings."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Query, Schema, Status

from openprm.core.api import ApiRouter, Problem, StrictSchema, lookup
from openprm.currencies import selectors, services
from openprm.currencies.models import ExchangeRate
from openprm.currencies.permissions import EDIT_RATES

# No 409: a clash (one rate per currency and date) is a 422 on ``valid_from``.
router = ApiRouter(
    tags=["exchange rates"],
    errors={401: Problem, 403: Problem, 404: Problem, 422: Problem},
)


class ExchangeRateIn(StrictSchema):
    class Meta:
        model = ExchangeRate

    currency: str = Field(description="ISO 4217 code, e.g. USD.")
    rate: Decimal = Field(
        description="Units of the reporting currency per unit of `currency`."
    )
    valid_from: date


class ExchangeRatePatch(StrictSchema):
    class Meta:
        model = ExchangeRate

    currency: str | None = None
    rate: Decimal | None = None
    valid_from: date | None = None


class ExchangeRateOut(Schema):
    id: int
    currency: str
    base_currency: str = Field(description="The reporting currency it converts into.")
    rate: Decimal
    valid_from: date
    created_at: datetime
    updated_at: datetime


class ExchangeRateFilters(StrictSchema):
    class Meta:
        model = ExchangeRate

    currency: str = ""


@router.list("/exchange-rates", response=ExchangeRateOut, summary="List exchange rates")
def exchange_rate_list(request, filters: Query[ExchangeRateFilters]):
    """By currency, newest first; ``currency`` narrows to one. Vendor staff only."""
    return selectors.exchange_rate_list(user=request.user, currency=filters.currency)


@router.post(
    "/exchange-rates",
    response={201: ExchangeRateOut},
    summary="Add an exchange rate",
)
def exchange_rate_create(request, payload: ExchangeRateIn):
    """Vendor admins. One rate per currency and date (422 on ``valid_from``)."""
    rate = services.exchange_rate_create(actor=request.user, **payload.model_dump())
    return Status(201, rate)


@router.get(
    "/exchange-rates/{rate_id}",
    response=ExchangeRateOut,
    summary="Get an exchange rate",
)
def exchange_rate_get(request, rate_id: int):
    return selectors.exchange_rate_get(user=request.user, rate_id=rate_id)


@router.patch(
    "/exchange-rates/{rate_id}",
    response=ExchangeRateOut,
    summary="Change an exchange rate",
)
def exchange_rate_update(request, rate_id: int, payload: ExchangeRatePatch):
    return services.exchange_rate_update(
        actor=request.user,
        exchange_rate=lookup(
            request, selectors.exchange_rate_get, rule=EDIT_RATES, rate_id=rate_id
        ),
        **payload.model_dump(exclude_unset=True),
    )


@router.delete(
    "/exchange-rates/{rate_id}",
    response={204: None},
    summary="Delete an exchange rate",
)
def exchange_rate_delete(request, rate_id: int):
    services.exchange_rate_delete(
        actor=request.user,
        exchange_rate=lookup(
            request, selectors.exchange_rate_get, rule=EDIT_RATES, rate_id=rate_id
        ),
    )
    return Status(204, None)
