"""SPIFFs: setting one up, what sales lines earn from it, and taking it back.

Sales lines earn SPIFFs on the path that earns their rule points
(``incentives.sales.SalesBatch``), in the same transaction: each SPIFF a batch
reaches takes its share of the budget with one conditional ``UPDATE … SET spent =
spent + n WHERE spent + n <= budget``; when the whole does not fit, what is left
is taken with a compare-and-set on the ``spent`` it read (retried if another
writer got there first) and shared among the lines in their order, the last paid
line getting the rest. ``CHECK (spent <= budget)`` refuses anything else, so a
budget is never overspent, also under concurrent imports.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from openprm.accruals import ledger as money_ledger
from openprm.accruals import permissions
from openprm.accruals.choices import MoneyKind, PayIn, SpiffBasis
from openprm.accruals.models import Spiff, SpiffEarning
from openprm.core import audit, events
from openprm.core.errors import ValidationFailed
from openprm.core.events import EventBatch
from openprm.currencies import money
from openprm.incentives import ledger as points_ledger
from openprm.incentives import services as incentives
from openprm.incentives.choices import EntryKind

SPIFF_FIELDS = [
    "name",
    "description",
    "product",
    "product_line",
    "audience",
    "starts_on",
    "ends_on",
    "pay_in",
    "basis",
    "rate",
    "budget",
    "is_active",
]


@dataclass(frozen=True)
class LineSold:
    """What a SPIFF needs to know of a sales line just written."""

    id: int
    product_id: int
    product_line: str
    quantity: Decimal
    invoiced_on: datetime.date
    label: str
    # In the reporting currency (None without an exchange rate): what a
    # percentage SPIFF is paid on.
    amount: Decimal | None = None


# --- set-up


def _clean(data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    if not str(data.get("name") or "").strip():
        errors["name"] = [_("This field is required.")]
    if data.get("pay_in") not in PayIn.values:
        errors["pay_in"] = [_("Choose points or money.")]
    data["basis"] = data.get("basis") or SpiffBasis.PER_UNIT
    if data["basis"] not in SpiffBasis.values:
        errors["basis"] = [_("Choose per unit or per cent of the amount.")]
    if not data.get("product") and not str(data.get("product_line") or "").strip():
        errors["product"] = [_("Choose a product or a product line.")]
    for name in ("rate", "budget"):
        value = data.get(name)
        if value is None or Decimal(str(value)) <= 0:
            errors[name] = [_("Enter a positive number.")]
    if (
        data["basis"] == SpiffBasis.PERCENT
        and "rate" not in errors
        and Decimal(str(data["rate"])) > 100
    ):
        errors["rate"] = [_("A percentage is at most 100.")]
    for name in ("starts_on", "ends_on"):
        if not data.get(name):
            errors[name] = [_("This field is required.")]
    if (
        data.get("starts_on")
        and data.get("ends_on")
        and data["ends_on"] < data["starts_on"]
    ):
        errors["ends_on"] = [_("The end comes before the start.")]
    if errors:
        raise ValidationFailed(field_errors=errors)
    data["name"] = data["name"].strip()
    data["product_line"] = str(data.get("product_line") or "").strip()
    data["currency"] = money.reporting_currency()
    if data["basis"] == SpiffBasis.PERCENT:
        data["rate"] = Decimal(str(data["rate"])).quantize(Decimal("0.0001"))
    elif data["pay_in"] == PayIn.POINTS:
        data["rate"] = Decimal(data["rate"])
    else:
        data["rate"] = money.quantize(Decimal(data["rate"]), data["currency"])
    if data["pay_in"] == PayIn.POINTS:
        data["budget"] = Decimal(data["budget"]).to_integral_value(ROUND_FLOOR)
        if data["budget"] <= 0:
            raise ValidationFailed(
                field_errors={"budget": [_("A points budget is whole points.")]}
            )
    else:
        data["budget"] = money.quantize(Decimal(data["budget"]), data["currency"])
    return data


def spiff_payload(spiff: Spiff) -> dict:
    return {
        "id": str(spiff.public_id),
        "name": spiff.name,
        "product": spiff.product.sku if spiff.product_id else None,
        "product_line": spiff.product_line,
        "starts_on": spiff.starts_on.isoformat(),
        "ends_on": spiff.ends_on.isoformat(),
        "pay_in": spiff.pay_in,
        "basis": spiff.basis,
        "rate": str(spiff.rate),
        "currency": spiff.currency if spiff.pay_in == PayIn.MONEY else None,
        "budget": str(spiff.budget),
        "is_active": spiff.is_active,
    }


@transaction.atomic
def spiff_create(*, actor, **data) -> Spiff:
    permissions.MANAGE.ensure(actor)
    spiff = Spiff.objects.create(**_clean(data))
    audit.record_create(
        actor=actor, instance=spiff, fields=SPIFF_FIELDS, verb="spiff.created"
    )
    events.emit("spiff.created", payload=spiff_payload(spiff), actor=actor)
    return spiff


@transaction.atomic
def spiff_update(*, actor, spiff: Spiff, **data) -> Spiff:
    """Change a SPIFF; its budget cannot go below what it has paid, nor can what
    it pays in change once it has paid anything."""
    permissions.MANAGE.ensure(actor)
    spiff = Spiff.objects.select_for_update().get(pk=spiff.pk)
    before = audit.snapshot(spiff, SPIFF_FIELDS)
    data = _clean({**{name: getattr(spiff, name) for name in SPIFF_FIELDS}, **data})
    if spiff.spent and data["pay_in"] != spiff.pay_in:
        raise ValidationFailed(
            field_errors={"pay_in": [_("It has paid already: keep what it pays in.")]}
        )
    for name, value in data.items():
        setattr(spiff, name, value)
    # The budget is checked against ``spent`` by the database, not read here.
    updated = Spiff.objects.filter(pk=spiff.pk, spent__lte=spiff.budget).update(
        **{name: getattr(spiff, name) for name in [*SPIFF_FIELDS, "currency"]},
        updated_at=timezone.now(),
    )
    if not updated:
        raise ValidationFailed(
            field_errors={"budget": [_("The budget is below what it has paid.")]}
        )
    spiff.refresh_from_db()
    if audit.record_change(
        actor=actor, instance=spiff, before=before, verb="spiff.updated"
    ):
        events.emit("spiff.updated", payload=spiff_payload(spiff), actor=actor)
    return spiff


# --- earning


def _owed(spiff: Spiff, line: LineSold) -> Decimal:
    """What a line earns: the rate per unit, or the rate per cent of its amount
    in the reporting currency (nothing without one); whole points, or money
    rounded down to the currency's minor unit (so the sum never exceeds it)."""
    if spiff.basis == SpiffBasis.PERCENT:
        if line.amount is None or line.amount <= 0:
            return Decimal(0)
        value = line.amount * spiff.rate / 100
    else:
        value = spiff.rate * line.quantity
    if spiff.pay_in == PayIn.POINTS:
        return value.to_integral_value(ROUND_FLOOR)
    return value.quantize(
        Decimal(1).scaleb(-money.minor_units(spiff.currency)), ROUND_FLOOR
    )


def _take_budget(spiff_id: int, wanted: Decimal) -> Decimal:
    """Take ``wanted`` from the budget, or what is left of it; returns how much
    was taken (zero when it is spent)."""
    spiffs = Spiff.objects.filter(pk=spiff_id)
    if spiffs.filter(spent__lte=F("budget") - wanted).update(spent=F("spent") + wanted):
        return wanted
    while True:
        row = spiffs.values("spent", "budget").first()
        left = row["budget"] - row["spent"]
        if left <= 0:
            return Decimal(0)
        # Compare-and-set: only if nobody took from it since it was read.
        if spiffs.filter(spent=row["spent"]).update(spent=F("spent") + left):
            return left


def reaching(*, partner_id: int, first: datetime.date, last: datetime.date):
    """The active SPIFFs running on some day between ``first`` and ``last`` whose
    audience holds the partner."""
    spiffs = list(
        Spiff.objects.filter(
            is_active=True, starts_on__lte=last, ends_on__gte=first
        ).select_related("product")
    )
    if any(spiff.audience_id for spiff in spiffs):
        held = incentives.audiences_of(partner_id)
        spiffs = [s for s in spiffs if s.audience_id is None or s.audience_id in held]
    return spiffs


def spiffs_earn(
    *,
    partner_id: int,
    points_account,
    lines: list[LineSold],
    actor=None,
    now: datetime.datetime | None = None,
) -> list[SpiffEarning]:
    """What the lines just reported earn from the SPIFFs that reach the partner
    (call inside the sales batch's transaction). A line earns a SPIFF once."""
    if not lines:
        return []
    now = now or timezone.now()
    spiffs = reaching(
        partner_id=partner_id,
        first=min(line.invoiced_on for line in lines),
        last=max(line.invoiced_on for line in lines),
    )
    earnings: list[SpiffEarning] = []
    batch = EventBatch(actor=actor, now=now)
    for spiff in spiffs:
        owed = []
        for line in lines:
            if not spiff.starts_on <= line.invoiced_on <= spiff.ends_on:
                continue
            if spiff.product_id:
                if spiff.product_id != line.product_id:
                    continue
            elif spiff.product_line != line.product_line:
                continue
            amount = _owed(spiff, line)
            if amount > 0:
                owed.append((line, amount))
        if not owed:
            continue
        already = set(
            SpiffEarning.objects.filter(
                spiff=spiff, sales_line_id__in=[line.id for line, _a in owed]
            ).values_list("sales_line_id", flat=True)
        )
        owed = [(line, amount) for line, amount in owed if line.id not in already]
        left = _take_budget(spiff.pk, sum((a for _l, a in owed), Decimal(0)))
        for line, amount in owed:
            paid = min(amount, left)
            if paid <= 0:
                break
            left -= paid
            earnings.append(
                _pay(spiff, line, paid, partner_id, points_account, actor, now, batch)
            )
    batch.write()
    return earnings


def _pay(spiff, line, amount, partner_id, points_account, actor, now, batch):
    reason = _("SPIFF: %(name)s") % {"name": spiff.name}
    earning = SpiffEarning(
        spiff=spiff,
        partner_id=partner_id,
        sales_line_id=line.id,
        quantity=line.quantity,
        amount=amount,
    )
    if spiff.pay_in == PayIn.POINTS:
        earning.points_entry = points_ledger.credit(
            account=points_account,
            kind=EntryKind.EARN,
            points=int(amount),
            reason=reason,
            source=points_ledger.Source("sales_line", str(line.id), line.label),
            actor=actor,
            now=now,
        )
        batch.add(
            "points.earned",
            payload=incentives.entry_payload(earning.points_entry),
            partner_id=partner_id,
        )
    else:
        earning.money_entry = money_ledger.post(
            account=money_ledger.account_for(partner_id=partner_id),
            kind=MoneyKind.SPIFF,
            amount=amount,
            reason=reason,
            source=money_ledger.Source("sales_line", str(line.id), line.label),
            actor=actor,
            now=now,
        )
    earning.save()
    batch.add("spiff.earned", payload=earning_payload(earning), partner_id=partner_id)
    return earning


def earning_payload(earning: SpiffEarning) -> dict:
    spiff = earning.spiff
    return {
        "id": str(earning.public_id),
        "spiff": {"id": str(spiff.public_id), "name": spiff.name},
        "partner": earning.partner_id,
        "sales_line": earning.sales_line_id,
        "units": str(earning.quantity),
        "pay_in": spiff.pay_in,
        "amount": str(earning.amount),
        "currency": spiff.currency if spiff.pay_in == PayIn.MONEY else None,
        "reversed": earning.reversed_at is not None,
    }


def spiff_earnings_reverse(
    *, sales_line_id: int, reason: str, actor=None, now=None
) -> list[SpiffEarning]:
    """Take back what a returned line earned from SPIFFs (inside a transaction):
    the points (from the earn's own lot first; never below zero) or the money,
    and give the amount back to the SPIFF's budget. Once per earning."""
    now = now or timezone.now()
    reversed_ = []
    earnings = SpiffEarning.objects.filter(
        sales_line_id=sales_line_id, reversed_at__isnull=True
    ).select_related(
        "spiff", "points_entry__account", "points_entry__lot", "money_entry__account"
    )
    for earning in earnings:
        # Marked first with a conditional UPDATE: two returns cannot both reverse.
        if not SpiffEarning.objects.filter(
            pk=earning.pk, reversed_at__isnull=True
        ).update(reversed_at=now, updated_at=now):
            continue
        earning.reversed_at = now
        Spiff.objects.filter(pk=earning.spiff_id).update(
            spent=F("spent") - earning.amount
        )
        if earning.points_entry is not None:
            entry = earning.points_entry
            reversal = points_ledger.debit(
                account=entry.account,
                kind=EntryKind.REVERSE,
                points=entry.points,
                reason=reason,
                source=points_ledger.Source(
                    entry.source_type, entry.source_id, entry.source_label
                ),
                now=now,
                reverses=entry,
                partial=True,
                first_lot_id=entry.lot.pk,
            )
            if reversal is not None:
                events.emit(
                    "points.reversed",
                    payload=incentives.entry_payload(reversal),
                    actor=actor,
                    partner_id=reversal.partner_id,
                )
        if earning.money_entry is not None:
            paid = earning.money_entry
            money_ledger.post(
                account=paid.account,
                kind=MoneyKind.REVERSE,
                amount=-paid.amount,
                reason=reason,
                source=money_ledger.Source(
                    paid.source_type, paid.source_id, paid.source_label
                ),
                actor=actor,
                now=now,
                reverses=paid,
            )
        events.emit(
            "spiff.reversed",
            payload=earning_payload(earning),
            actor=actor,
            partner_id=earning.partner_id,
        )
        reversed_.append(earning)
    return reversed_
