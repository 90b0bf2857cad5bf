"""How many points a rule pays: pure decisions, no I/O.

Points are whole: a rule's rate times the quantity (or the amount in the reporting
currency) times the tier multiplier, rounded down once at the end, then held to
what is left of the rule's cap for the period.
"""

import datetime
from decimal import ROUND_FLOOR, Decimal

from openprm.incentives.choices import CapPeriod, RuleBasis


def raw_points(
    *,
    basis: str,
    rate: Decimal,
    multiplier: Decimal,
    quantity: Decimal = Decimal(1),
    amount: Decimal | None = None,
) -> int:
    """Points before the cap; an amount-based rule pays nothing without an amount
    in the reporting currency."""
    if basis == RuleBasis.PER_AMOUNT:
        if amount is None:
            return 0
        base = amount
    elif basis == RuleBasis.PER_UNIT:
        base = quantity
    else:
        base = Decimal(1)
    value = (base * rate * multiplier).to_integral_value(rounding=ROUND_FLOOR)
    return max(int(value), 0)


def capped(points: int, *, cap: int | None, used: int) -> int:
    """``points`` held to what the cap leaves after ``used`` points this period."""
    if cap is None:
        return points
    return max(min(points, cap - used), 0)


def period_bounds(
    period: str, on: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The first day of the cap's period holding ``on`` and of the next one."""
    if period == CapPeriod.MONTH:
        start = on.replace(day=1)
        months = 1
    elif period == CapPeriod.QUARTER:
        start = on.replace(month=(on.month - 1) // 3 * 3 + 1, day=1)
        months = 3
    elif period == CapPeriod.YEAR:
        start = on.replace(month=1, day=1)
        months = 12
    else:
        return datetime.date.min, datetime.date.max
    month = start.month - 1 + months
    end = start.replace(year=start.year + month // 12, month=month % 12 + 1)
    return start, end


def rule_applies(rule, on: datetime.date) -> bool:
    """Active and within its dates on ``on``."""
    if not rule.is_active:
        return False
    if rule.starts_on and on < rule.starts_on:
        return False
    return not (rule.ends_on and on > rule.ends_on)
