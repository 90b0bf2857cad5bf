"""Access policies of the exchange rates: vendor staff read them, vendor admins
maintain them."""

from openprm.currencies.permissions import EDIT_RATES, READ_RATES
from openprm.currencies.tests.factories import ExchangeRateFactory
from openprm.testing.authz import Policy, vendor

READERS = vendor(rule=READ_RATES)
EDITORS = vendor(rule=EDIT_RATES)
RATE = {
    "make": lambda world: ExchangeRateFactory(),
    "kwargs": lambda rate: {"rate_id": rate.pk},
}

POLICIES = [
    Policy("web:console:exchange_rate_list", READERS),
    Policy(
        "web:console:exchange_rate_create",
        EDITORS,
        method="POST",
        data=lambda obj: {
            "currency": "CHF",
            "rate": "1.05",
            "valid_from": "2026-01-01",
        },
    ),
    Policy(
        "web:console:exchange_rate_update",
        EDITORS,
        method="POST",
        **RATE,
        data=lambda rate: {
            "currency": "USD",
            "rate": "0.95",
            "valid_from": "2031-01-01",
        },
    ),
    Policy(
        "web:console:exchange_rate_delete",
        EDITORS,
        method="POST",
        data=lambda rate: {},
        **RATE,
    ),
    Policy("api:GET /api/v1/exchange-rates", READERS),
    Policy(
        "api:POST /api/v1/exchange-rates",
        EDITORS,
        data=lambda obj: {
            "currency": "GBP",
            "rate": "1.17",
            "valid_from": "2026-01-01",
        },
    ),
    Policy("api:GET /api/v1/exchange-rates/{rate_id}", READERS, **RATE),
    Policy(
        "api:PATCH /api/v1/exchange-rates/{rate_id}",
        EDITORS,
        data=lambda rate: {"rate": "0.97"},
        **RATE,
    ),
    Policy(
        "api:DELETE /api/v1/exchange-rates/{rate_id}",
        EDITORS,
        **RATE,
    ),
]
