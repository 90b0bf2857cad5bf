"""How much a rebate pays: pure decisions, no I/O.

Tiers are **retroactive**: the rate of the highest tier a partner reaches applies
to all of the period's sales, from the first unit (100,000 of sales at 0-100k: 1 %
and 100k-500k: 2 % pays 2 % of 100,000). On the growth basis the tiers are read
against the growth over the prior period in per cent, and the rate reached is
paid on the period's sales; without sales in the prior period there is no growth
to measure and no rebate.
"""

from decimal import Decimal

HUNDRED = Decimal(100)


def rate_reached(
    tiers: list[tuple[Decimal, Decimal]], value: Decimal | None
) -> Decimal:
    """The rate of the highest tier whose threshold ``value`` reaches (0 below
    the first); ``tiers`` are ``(threshold, rate)``."""
    if value is None:
        return Decimal(0)
    rate = Decimal(0)
    for threshold, tier_rate in sorted(tiers):
        if value >= threshold:
            rate = tier_rate
    return rate


def growth_percent(current: Decimal, prior: Decimal | None) -> Decimal | None:
    """Growth of ``current`` over ``prior`` in per cent (None without a prior)."""
    if not prior or prior <= 0:
        return None
    return (current - prior) * HUNDRED / prior


def rebate(sales: Decimal, rate: Decimal) -> Decimal:
    """``rate`` per cent of ``sales`` (the caller rounds to the currency)."""
    return sales * rate / HUNDRED
