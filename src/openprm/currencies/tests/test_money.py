import datetime
from decimal import Decimal

import pytest

from openprm.currencies import money

D = datetime.date


def table():
    return money.RateTable(
        "EUR",
        [
            ("USD", D(2026, 3, 1), Decimal("0.9100000000")),
            ("USD", D(2026, 1, 1), Decimal("0.9000000000")),
            ("JPY", D(2026, 1, 1), Decimal("0.0061234567")),
        ],
    )


def test_a_conversion_uses_the_rate_valid_on_the_date():
    rates = table()

    assert rates.rate("USD", D(2026, 1, 1)) == Decimal("0.9")
    assert rates.rate("USD", D(2026, 2, 28)) == Decimal("0.9")
    assert rates.rate("USD", D(2026, 3, 1)) == Decimal("0.91")
    assert rates.rate("USD", D(2030, 1, 1)) == Decimal("0.91")


def test_a_date_before_the_first_rate_is_a_missing_rate_not_zero():
    with pytest.raises(money.MissingExchangeRate) as caught:
        table().convert(Decimal("100.00"), "USD", D(2025, 12, 31))

    assert caught.value.currency == "USD"
    assert caught.value.on == D(2025, 12, 31)
    assert "USD" in str(caught.value.message)
    assert "2025-12-31" in str(caught.value.message)


def test_a_currency_without_any_rate_is_missing():
    with pytest.raises(money.MissingExchangeRate):
        table().rate("GBP", D(2026, 6, 1))


def test_the_reporting_currency_converts_at_one_without_a_rate():
    assert table().convert(Decimal("12.34"), "EUR", D(1990, 1, 1)) == Decimal("12.34")


def test_conversion_is_exact_and_rounding_is_explicit():
    amount = Decimal("123456789012.34")

    converted = table().convert(amount, "JPY", D(2026, 1, 2))

    assert converted == Decimal("755982301.838099755678")
    assert money.quantize(converted, "EUR") == Decimal("755982301.84")


def test_rounding_is_half_up_to_the_minor_unit_of_the_currency():
    assert money.quantize(Decimal("0.125"), "EUR") == Decimal("0.13")
    assert money.quantize(Decimal("-0.125"), "EUR") == Decimal("-0.13")
    assert money.quantize(Decimal("1234.5"), "JPY") == Decimal("1235")
    assert money.quantize(Decimal("1.2345"), "KWD") == Decimal("1.235")


def test_iso_codes():
    assert money.is_currency("USD")
    assert not money.is_currency("usd")
    assert not money.is_currency("XYZ")
    assert money.minor_units("JPY") == 0
    assert money.minor_units("EUR") == 2


def test_divide_exact_moves_the_decimal_point():
    assert money.divide_exact(Decimal("1234"), 100) == Decimal("12.34")
    with pytest.raises(ValueError):
        money.divide_exact(Decimal("1"), 3)


def test_the_reporting_currency_comes_from_the_setting(settings):
    settings.OPENPRM_REPORTING_CURRENCY = "USD"

    assert money.reporting_currency() == "USD"


def test_a_product_longer_than_the_default_decimal_context_stays_exact():
    rates = money.RateTable(
        "EUR", [("USD", D(2026, 1, 1), Decimal("12345.6789012345"))]
    )

    converted = rates.convert(Decimal("999999999999999999.99"), "USD", D(2026, 1, 1))

    assert converted == Decimal("12345678901234499999876.543210987655")
