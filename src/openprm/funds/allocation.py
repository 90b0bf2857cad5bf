"""What an allocation run gives each partner, with the reason. Pure: no I/O."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from openprm.core.errors import ValidationFailed
from openprm.funds.choices import AllocationMethod

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Candidate:
    """A partner the run may allocate to, with its tier names (all programmes)."""

    partner_id: int
    name: str
    tiers: tuple[str, ...]


@dataclass(frozen=True)
class Line:
    partner_id: int
    name: str
    amount: Decimal
    reason: str


@dataclass(frozen=True)
class Preview:
    lines: tuple[Line, ...]
    total: Decimal
    unallocated: Decimal

    @property
    def fits(self) -> bool:
        return self.total <= self.unallocated


def clean_amounts(method: str, raw: Mapping[str, object]) -> dict[str, Decimal]:
    """The run's amounts, checked: ``{"amount": x}`` for a fixed amount, tier name
    to amount for a run by tier; each 0 or more, at most 2 decimals."""
    if method not in AllocationMethod.values:
        raise ValidationFailed(field_errors={"method": [str(_("Choose a method."))]})
    cleaned: dict[str, Decimal] = {}
    for key, value in raw.items():
        name = str(key).strip()
        if not name or value in ("", None):
            continue
        try:
            amount = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            amount = Decimal(-1)
        if not amount.is_finite() or amount < 0 or amount >= Decimal("1e11"):
            raise ValidationFailed(
                field_errors={"amounts": [str(_("Enter amounts of 0 or more."))]}
            )
        if amount != amount.quantize(Decimal("0.01")):
            raise ValidationFailed(
                field_errors={"amounts": [str(_("Use at most two decimals."))]}
            )
        cleaned[name] = amount.quantize(Decimal("0.01"))
    if method == AllocationMethod.ACCRUAL:
        percent = cleaned.get("percent")
        if set(cleaned) != {"percent"} or not 0 < percent <= 100:
            raise ValidationFailed(
                field_errors={
                    "percent": [str(_("Enter a percentage above 0, to 100."))]
                }
            )
        return cleaned
    if method == AllocationMethod.FIXED and set(cleaned) != {"amount"}:
        raise ValidationFailed(
            field_errors={"amounts": [str(_("Enter the amount each partner gets."))]}
        )
    if not cleaned:
        raise ValidationFailed(
            field_errors={"amounts": [str(_("Enter an amount for at least one tier."))]}
        )
    return cleaned


def preview(
    *,
    method: str,
    amounts: Mapping[str, Decimal],
    candidates: Iterable[Candidate],
    unallocated: Decimal,
) -> Preview:
    """Each candidate's amount: the fixed amount, or the highest amount among the
    tiers the partner holds (a partner in no named tier gets nothing)."""
    lines = []
    for candidate in candidates:
        if method == AllocationMethod.FIXED:
            amount, reason = amounts["amount"], str(_("Fixed amount"))
        else:
            held = [
                (amounts[tier], tier) for tier in candidate.tiers if tier in amounts
            ]
            if not held:
                continue
            amount, tier = max(held)
            reason = str(_("Tier %(tier)s") % {"tier": tier})
        if amount > 0:
            lines.append(Line(candidate.partner_id, candidate.name, amount, reason))
    total = sum((line.amount for line in lines), Decimal("0.00"))
    return Preview(lines=tuple(lines), total=total, unallocated=unallocated)


@dataclass(frozen=True)
class Sales:
    """A partner's reported sales not yet accrued into a budget."""

    partner_id: int
    name: str
    amount: Decimal
    line_count: int


def accrual(percent: Decimal, sales: Sales, currency: str) -> Line:
    """What a co-op accrual gives a partner: ``percent`` of its sales, rounded to
    the cent once per partner (not per line), with the reason."""
    amount = (sales.amount * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    reason = _(
        "Co-op accrual: %(percent)s%% of %(sales)s %(currency)s sales (%(lines)d lines)"
    ) % {
        "percent": percent.normalize(),
        "sales": sales.amount.quantize(CENT),
        "currency": currency,
        "lines": sales.line_count,
    }
    return Line(sales.partner_id, sales.name, amount, str(reason)[:200])


def accrual_preview(
    *, percent: Decimal, sales: Iterable[Sales], currency: str, unallocated: Decimal
) -> Preview:
    lines = tuple(
        line
        for line in (accrual(percent, row, currency) for row in sales)
        if line.amount > 0
    )
    total = sum((line.amount for line in lines), Decimal("0.00"))
    return Preview(lines=lines, total=total, unallocated=unallocated)
