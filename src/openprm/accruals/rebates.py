"""Rebate programmes and their calculation per period.

A calculation sums each partner's sales of the period in the reporting currency
with one grouped query (and the prior period's, for growth), then decides each
partner's rate (``rebates_calc``) and keeps one statement per partner and period.
What the ledger holds for a statement follows it: each calculation posts the
difference between the new rebate and what was accrued before (``rebate``
entries while the period is open); the final calculation after the period's end
posts the last difference as a ``true_up`` entry and closes the statement.
Calculating again with the same sales posts nothing.

The sweep ``accruals.rebates_sweep`` (``rebates_run``) runs this by itself: it
accrues each active programme's current period and trues up every period that
has ended and is not closed yet. A period is closed once (``RebatePeriodClose``,
unique per programme and period), so running the sweep twice posts nothing new.
"""

import datetime
import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from openprm.accruals import ledger, permissions, rebates_calc
from openprm.accruals.choices import (
    MoneyKind,
    RebateBasis,
    RebatePeriod,
    StatementStatus,
)
from openprm.accruals.models import (
    RebatePeriodClose,
    RebateProgramme,
    RebateStatement,
    RebateTier,
)
from openprm.core import audit, events
from openprm.core.errors import Conflict, ValidationFailed
from openprm.currencies import money
from openprm.incentives import services as incentives
from openprm.incentives.earning import period_bounds
from openprm.incentives.models import SalesLine

logger = logging.getLogger(__name__)

PROGRAMME_FIELDS = [
    "name",
    "basis",
    "period",
    "product_line",
    "audience",
    "starts_on",
    "ends_on",
    "is_active",
]


def _clean(data: dict, tiers) -> tuple[dict, list[tuple[Decimal, Decimal]]]:
    errors: dict[str, list[str]] = {}
    if not str(data.get("name") or "").strip():
        errors["name"] = [_("This field is required.")]
    if data.get("basis") not in RebateBasis.values:
        errors["basis"] = [_("Choose volume tiers or growth.")]
    if data.get("period") not in RebatePeriod.values:
        errors["period"] = [_("Choose a period.")]
    if not data.get("starts_on"):
        errors["starts_on"] = [_("This field is required.")]
    elif data.get("ends_on") and data["ends_on"] < data["starts_on"]:
        errors["ends_on"] = [_("The end comes before the start.")]
    cleaned = []
    for threshold, rate in tiers or []:
        threshold, rate = Decimal(str(threshold)), Decimal(str(rate))
        if threshold < 0 or not 0 <= rate <= 100:
            errors["tiers"] = [
                _("Each tier starts at zero or more and pays 0 to 100 per cent.")
            ]
        cleaned.append((threshold, rate))
    if not cleaned:
        errors.setdefault("tiers", [_("Give at least one tier.")])
    elif len({threshold for threshold, _rate in cleaned}) != len(cleaned):
        errors["tiers"] = [_("Two tiers start at the same threshold.")]
    if errors:
        raise ValidationFailed(field_errors=errors)
    data["name"] = data["name"].strip()
    data["product_line"] = str(data.get("product_line") or "").strip()
    return data, sorted(cleaned)


def programme_payload(programme: RebateProgramme) -> dict:
    return {
        "id": str(programme.public_id),
        "name": programme.name,
        "basis": programme.basis,
        "period": programme.period,
        "product_line": programme.product_line,
        "starts_on": programme.starts_on.isoformat(),
        "ends_on": programme.ends_on.isoformat() if programme.ends_on else None,
        "tiers": [
            {"from": str(tier.threshold), "rate": str(tier.rate)}
            for tier in programme.tiers.all()
        ],
        "is_active": programme.is_active,
    }


def _set_tiers(programme: RebateProgramme, tiers) -> None:
    programme.tiers.all().delete()
    RebateTier.objects.bulk_create(
        RebateTier(programme=programme, threshold=threshold, rate=rate)
        for threshold, rate in tiers
    )


@transaction.atomic
def rebate_programme_create(*, actor, tiers, **data) -> RebateProgramme:
    """A rebate programme with its tiers (``(from, rate %)`` pairs)."""
    permissions.MANAGE.ensure(actor)
    data, tiers = _clean(data, tiers)
    programme = RebateProgramme.objects.create(**data)
    _set_tiers(programme, tiers)
    audit.record_create(
        actor=actor,
        instance=programme,
        fields=PROGRAMME_FIELDS,
        verb="rebate_programme.created",
    )
    events.emit(
        "rebate_programme.created", payload=programme_payload(programme), actor=actor
    )
    return programme


@transaction.atomic
def rebate_programme_update(
    *, actor, programme: RebateProgramme, tiers, **data
) -> RebateProgramme:
    permissions.MANAGE.ensure(actor)
    before = audit.snapshot(programme, PROGRAMME_FIELDS)
    before_tiers = list(programme.tiers.values_list("threshold", "rate"))
    current = {name: getattr(programme, name) for name in PROGRAMME_FIELDS}
    data, tiers = _clean({**current, **data}, tiers)
    for name, value in data.items():
        setattr(programme, name, value)
    programme.save()
    if tiers != before_tiers:
        _set_tiers(programme, tiers)
        audit.record(
            actor=actor,
            instance=programme,
            action="update",
            changes={
                "tiers": [audit.json_value(before_tiers), audit.json_value(tiers)]
            },
            verb="rebate_programme.updated",
        )
    changed = audit.record_change(
        actor=actor, instance=programme, before=before, verb="rebate_programme.updated"
    )
    if changed or tiers != before_tiers:
        events.emit(
            "rebate_programme.updated",
            payload=programme_payload(programme),
            actor=actor,
        )
    return programme


# --- calculation


def sales_by_partner(
    programme: RebateProgramme, start: datetime.date, end: datetime.date
) -> dict[int, Decimal]:
    """Each partner's sales in ``[start, end)`` in the reporting currency, as the
    programme counts them (its product line; returned lines left out): one
    grouped query."""
    lines = SalesLine.objects.filter(
        invoiced_on__gte=start,
        invoiced_on__lt=end,
        reporting_amount__isnull=False,
        sales_return__isnull=True,
    )
    if programme.product_line:
        lines = lines.filter(product__product_line=programme.product_line)
    return dict(
        lines.order_by()
        .values("partner_id")
        .annotate(total=Sum("reporting_amount"))
        .values_list("partner_id", "total")
    )


def statement_payload(statement: RebateStatement, delta: Decimal) -> dict:
    return {
        "id": str(statement.public_id),
        "programme": {
            "id": str(statement.programme.public_id),
            "name": statement.programme.name,
        },
        "partner": statement.partner_id,
        "period_start": statement.period_start.isoformat(),
        "period_end": statement.period_end.isoformat(),
        "sales": str(statement.sales_amount),
        "prior_sales": (
            str(statement.prior_amount) if statement.prior_amount is not None else None
        ),
        "rate": str(statement.rate),
        "rebate": str(statement.rebate_amount),
        "posted": str(delta),
        "currency": statement.currency,
        "status": statement.status,
    }


def rebate_calculate(
    *, actor, programme: RebateProgramme, on: datetime.date, final: bool = False
) -> list[RebateStatement]:
    """Calculate the programme's period holding ``on`` (finance). ``final``: the
    true-up, only once the period has ended."""
    permissions.FINANCE.ensure(actor)
    return calculate(programme=programme, on=on, final=final, actor=actor)


@transaction.atomic
def calculate(
    *, programme: RebateProgramme, on: datetime.date, final: bool, actor=None
) -> list[RebateStatement]:
    """The calculation itself (also run by the sweep, without an actor)."""
    now = timezone.now()
    start, end = period_bounds(programme.period, on)
    if end <= programme.starts_on:
        raise Conflict(_("The programme had not started in this period."))
    if programme.ends_on and start > programme.ends_on:
        raise Conflict(_("The programme had ended before this period."))
    if final and timezone.localdate() < end:
        raise Conflict(_("The period has not ended yet: it can only be accrued."))
    # Serialise calculations of one programme: the row is locked until commit.
    RebateProgramme.objects.filter(pk=programme.pk).update(updated_at=now)
    if final:
        # A period is trued up once: a second final calculation posts nothing.
        if RebatePeriodClose.objects.filter(
            programme=programme, period_start=start
        ).exists():
            return []
        RebatePeriodClose.objects.create(
            programme=programme, period_start=start, period_end=end, closed_at=now
        )
    tiers = list(programme.tiers.values_list("threshold", "rate"))
    totals = sales_by_partner(programme, start, end)
    prior: dict[int, Decimal] = {}
    if programme.basis == RebateBasis.GROWTH:
        prior_start, prior_end = period_bounds(
            programme.period, start - datetime.timedelta(days=1)
        )
        prior = sales_by_partner(programme, prior_start, prior_end)
    existing = {
        statement.partner_id: statement
        for statement in RebateStatement.objects.filter(
            programme=programme, period_start=start
        ).select_related("programme")
    }
    held = set(totals)
    if programme.audience_id:
        held = {
            pk for pk in totals if programme.audience_id in incentives.audiences_of(pk)
        }
    currency = money.reporting_currency()
    changed = []
    for partner_id in sorted(set(totals) | set(existing)):
        statement = existing.get(partner_id)
        if statement is not None and statement.status == StatementStatus.FINAL:
            continue
        sales = totals.get(partner_id, Decimal(0)) if partner_id in held else Decimal(0)
        if statement is None and not sales:
            continue
        prior_sales = (
            prior.get(partner_id) if programme.basis == RebateBasis.GROWTH else None
        )
        value = (
            sales
            if programme.basis == RebateBasis.VOLUME
            else rebates_calc.growth_percent(sales, prior_sales)
        )
        rate = rebates_calc.rate_reached(tiers, value)
        amount = money.quantize(rebates_calc.rebate(sales, rate), currency)
        if statement is None:
            statement = RebateStatement(
                programme=programme,
                partner_id=partner_id,
                period_start=start,
                period_end=end,
                currency=currency,
                calculated_at=now,
            )
        delta = amount - statement.accrued_amount
        same = (
            statement.pk is not None
            and not final
            and (statement.sales_amount, statement.prior_amount, statement.rate)
            == (sales, prior_sales, rate)
        )
        if same and not delta:
            continue
        statement.sales_amount = sales
        statement.prior_amount = prior_sales
        statement.rate = rate
        statement.rebate_amount = amount
        statement.accrued_amount = amount
        statement.calculated_at = now
        if final:
            statement.status = StatementStatus.FINAL
        statement.save()
        if delta:
            ledger.post(
                account=ledger.account_for(partner_id=partner_id),
                kind=MoneyKind.TRUE_UP if final else MoneyKind.REBATE,
                amount=delta,
                reason=(
                    _("Rebate true-up: %(name)s") if final else _("Rebate: %(name)s")
                )
                % {"name": programme.name},
                source=ledger.Source(
                    "rebate_statement",
                    str(statement.public_id),
                    f"{programme.name} {start.isoformat()}",
                ),
                actor=actor,
                now=now,
            )
        audit.record(
            actor=actor,
            instance=statement,
            action="update",
            changes={
                "rebate_amount": [None, str(amount)],
                "posted": [None, str(delta)],
                "status": [None, statement.status],
            },
            verb="rebate.calculated",
        )
        events.emit(
            "rebate.calculated",
            payload=statement_payload(statement, delta),
            actor=actor,
            partner_id=partner_id,
        )
        changed.append(statement)
    return changed


# --- the sweep


def _periods_to_close(programme: RebateProgramme, today: datetime.date):
    """The start of each period of the programme that has ended by ``today``
    and is not trued up yet, oldest first (one query for the closed ones)."""
    closed = set(
        RebatePeriodClose.objects.filter(programme=programme).values_list(
            "period_start", flat=True
        )
    )
    on = programme.starts_on
    while True:
        start, end = period_bounds(programme.period, on)
        if end > today or (programme.ends_on and start > programme.ends_on):
            return
        if start not in closed:
            yield start
        on = end


def rebates_run(*, today: datetime.date | None = None) -> dict[str, int]:
    """What the sweep does (no actor): for each active programme, the true-up of
    every ended period not closed yet, then the accrual of the current period.
    One programme's failure is logged and does not stop the others. Returns how
    many statements were trued up and accrued."""
    today = today or timezone.localdate()
    done = {"final": 0, "accrued": 0}
    for programme in RebateProgramme.objects.filter(
        is_active=True, starts_on__lte=today
    ):
        try:
            for start in _periods_to_close(programme, today):
                done["final"] += len(
                    calculate(programme=programme, on=start, final=True)
                )
            current, _end = period_bounds(programme.period, today)
            if not programme.ends_on or current <= programme.ends_on:
                done["accrued"] += len(
                    calculate(programme=programme, on=today, final=False)
                )
        except Conflict:
            logger.exception("Rebate programme %s: not calculated", programme.pk)
    return done
