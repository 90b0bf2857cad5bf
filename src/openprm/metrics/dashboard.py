"""The executive dashboard: the ecosystem's figures by month, region, tier and
partner type, and the partners behind them, read from the month rollup only."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from openprm.metrics import catalogue, permissions
from openprm.metrics.formatting import plain
from openprm.metrics.models import MonthlyValue
from openprm.metrics.selectors import Period, _figures, months_of
from openprm.partners.choices import PartnerType, Region
from openprm.partners.models import Partner
from openprm.programs.choices import EnrolmentStatus

# The figures the breakdown tables show, in this order.
HEADLINE = (
    "won_revenue",
    "pipeline",
    "deals_won",
    "win_rate",
    "average_deal_size",
    "lead_acceptance_rate",
    "active_users",
)
TOP_PARTNERS = 15


@dataclass(frozen=True)
class DashboardFilters:
    region: str = ""
    partner_type: str = ""
    tier: str = ""  # a tier's name, across programmes


@dataclass
class Breakdown:
    key: str
    title: str
    rows: list[dict] = field(default_factory=list)  # {"label", "values", "url"}


def _partners(user, filters: DashboardFilters):
    partners = Partner.objects.visible_to(user)
    if filters.region:
        partners = partners.filter(region=filters.region)
    if filters.partner_type:
        partners = partners.filter(partner_type=filters.partner_type)
    if filters.tier:
        partners = partners.filter(
            enrolments__status=EnrolmentStatus.ACTIVE,
            enrolments__tier__name=filters.tier,
        )
    return partners.values("pk")


def _grouped(rows) -> dict:
    by_group: dict = defaultdict(list)
    for group, month, series, total in rows:
        by_group[group].append((month, series, total))
    return by_group


def dashboard(*, user, period: Period, filters: DashboardFilters) -> dict:
    """Totals, months, breakdowns and top partners (seven queries)."""
    permissions.DASHBOARD.ensure(user)
    base = MonthlyValue.objects.filter(
        partner__in=_partners(user, filters),
        month__gte=period.first,
        month__lte=period.last,
    ).order_by()
    # One read of the month totals serves the period's figures and the months.
    by_month = list(
        base.values("month", "series")
        .annotate(total=Sum("value"))
        .values_list("month", "series", "total")
    )
    months = months_of(by_month, period)
    totals = _figures(by_month, period.last)

    def breakdown(key, title, column, choices=None, extra=None):
        rows = (
            base.filter(extra or Q())
            .values(column, "month", "series")
            .annotate(total=Sum("value"))
            .values_list(column, "month", "series", "total")
        )
        groups = _grouped(rows)
        result = Breakdown(key, title)
        for group in sorted(groups, key=lambda value: str(value)):
            label = dict(choices).get(group, group) if choices else group
            result.rows.append(
                {
                    "key": group,
                    "label": str(label),
                    "values": _figures(groups[group], period.last),
                }
            )
        return result

    breakdowns = [
        breakdown("region", _("By region"), "partner__region", Region.choices),
        breakdown(
            "type", _("By partner type"), "partner__partner_type", PartnerType.choices
        ),
        breakdown(
            "tier",
            _("By tier"),
            "partner__enrolments__tier__name",
            extra=Q(partner__enrolments__status=EnrolmentStatus.ACTIVE),
        ),
    ]
    leaders = list(
        base.filter(series="won_revenue")
        .values("partner_id")
        .annotate(total=Sum("value"))
        .order_by("-total", "partner_id")
        .values_list("partner_id", flat=True)[:TOP_PARTNERS]
    )
    rows = _grouped(
        base.filter(partner_id__in=leaders)
        .values("partner_id", "month", "series")
        .annotate(total=Sum("value"))
        .values_list("partner_id", "month", "series", "total")
    )
    found = {
        pk: (name, public_id)
        for pk, name, public_id in Partner.objects.filter(pk__in=leaders).values_list(
            "pk", "name", "public_id"
        )
    }
    top = [
        {
            "label": found[pk][0],
            "public_id": found[pk][1],
            "values": _figures(rows.get(pk, []), period.last),
        }
        for pk in leaders
        if pk in found
    ]
    return {
        "totals": totals,
        "months": months,
        "breakdowns": breakdowns,
        "top": top,
        "headline": [catalogue.get_metric(code) for code in HEADLINE],
        "metrics": catalogue.metrics(),
    }


# The dashboard's tables, as their exports and scheduled reports name them.
TABLES = ("months", "region", "type", "tier", "partners")


def board_table(board: dict, table: str) -> tuple[str, list[str], list[list]]:
    """One of the dashboard's tables: its heading, the column names (the first
    names the rows) and the rows as plain numbers, for an export."""
    metrics = board["metrics"]
    if table == "months":
        head = str(_("Month"))
        rows = [
            (row["month"].strftime("%Y-%m"), row["values"]) for row in board["months"]
        ]
    elif table == "partners":
        head = str(_("Partner"))
        rows = [(row["label"], row["values"]) for row in board["top"]]
    else:
        found = next(item for item in board["breakdowns"] if item.key == table)
        head = str(found.title)
        rows = [(row["label"], row["values"]) for row in found.rows]
    columns = [head, *[str(metric.label) for metric in metrics]]
    return (
        head,
        columns,
        [
            [label, *[plain(values[metric.code]) for metric in metrics]]
            for label, values in rows
        ],
    )
