"""The leaderboard: points earned and sales reported by partner over a period,
for the partners a vendor user sees, optionally those of one audience. A read in
a fixed number of queries (points, sales, names; the audience's context)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.incentives import earning, permissions, preview
from openprm.incentives.choices import EntryKind
from openprm.incentives.models import PointsEntry, SalesLine
from openprm.partners.models import Partner
from openprm.segments.audiences.evaluation import rule_context

PERIODS = {
    "month": _("This month"),
    "quarter": _("This quarter"),
    "last_quarter": _("Last quarter"),
    "year": _("This year"),
}


@dataclass
class Row:
    partner_id: int
    name: str = ""
    points: int = 0
    sales: Decimal = Decimal(0)
    lines: int = 0


def period_dates(
    period: str, today: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The first day of the period and of the next one."""
    if period == "last_quarter":
        return preview.last_quarter(today)
    return earning.period_bounds(period, today)


def leaderboard(
    *,
    user,
    period: str = "quarter",
    audience=None,
    today: datetime.date | None = None,
    limit: int = 50,
) -> tuple[datetime.date, datetime.date, list[Row]]:
    """The period's bounds and the ``limit`` partners with most points earned
    (earn and bonus entries), then most sales (in the reporting currency)."""
    permissions.READ.ensure(user)
    if period not in PERIODS:
        period = "quarter"
    start, end = period_dates(period, today or timezone.localdate())
    partners = Partner.objects.visible_to(user)
    if audience is not None:
        condition = rule_context([audience.rule]).q(audience.rule)
        partners = partners.none() if condition is None else partners.filter(condition)
    zone = timezone.get_current_timezone()
    rows: dict[int, Row] = {}
    for partner_id, points in (
        PointsEntry.objects.filter(
            partner__in=partners.values("pk"),
            kind__in=[EntryKind.EARN, EntryKind.BONUS],
            occurred_at__gte=datetime.datetime.combine(start, datetime.time(), zone),
            occurred_at__lt=datetime.datetime.combine(end, datetime.time(), zone),
        )
        .values("partner_id")
        .annotate(total=Sum("points"))
        .values_list("partner_id", "total")
    ):
        rows.setdefault(partner_id, Row(partner_id)).points = int(points)
    for partner_id, amount, lines in (
        SalesLine.objects.filter(
            partner__in=partners.values("pk"),
            invoiced_on__gte=start,
            invoiced_on__lt=end,
        )
        .values("partner_id")
        .annotate(total=Sum("reporting_amount"), lines=Count("id"))
        .values_list("partner_id", "total", "lines")
    ):
        row = rows.setdefault(partner_id, Row(partner_id))
        row.sales, row.lines = amount or Decimal(0), lines
    ranked = sorted(rows.values(), key=lambda r: (-r.points, -r.sales, r.partner_id))
    ranked = ranked[:limit]
    names = dict(
        Partner.objects.filter(pk__in=[r.partner_id for r in ranked]).values_list(
            "pk", "name"
        )
    )
    for row in ranked:
        row.name = names.get(row.partner_id, "")
    return start, end, ranked
