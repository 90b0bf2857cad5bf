"""Fund reports (reads, like ``selectors``): allocated, committed, claimed and
paid money and what the activities brought back, by partner, tier, region or
activity type, in one currency, scoped to the reader.

Two grouped queries whatever the number of partners, requests or ledger
entries: the ledger's sums by group and kind, and the approved attributions'
leads and deal amounts by group, deal currency and stage (a few rows, converted
in Python when a deal is in another currency).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.currencies.selectors import rate_table
from openprm.deals.choices import DealStatus
from openprm.funds import ledger, selectors
from openprm.funds.choices import AttributionStatus, EntryKind
from openprm.partners.choices import Region
from openprm.programs.choices import EnrolmentStatus
from openprm.programs.models import Enrolment

ZERO = ledger.ZERO
GROUPINGS = {
    "partner": _("Partner"),
    "tier": _("Tier"),
    "region": _("Region"),
    "activity": _("Activity type"),
}
# The rows the page's charts draw (the table and the export have them all).
CHART_ROWS = 12
COLUMNS = [
    "group",
    "currency",
    "allocated",
    "committed",
    "claimed",
    "paid",
    "leads",
    "pipeline",
    "won",
    "roi_percent",
]


@dataclass
class ReportRow:
    """One group's money and return. ``claimed`` is every approved claim (the
    activities' cost, paid or not); ``roi_percent`` is (won - claimed) / claimed."""

    key: object
    label: str
    allocated: Decimal = ZERO
    committed: Decimal = ZERO
    claimed: Decimal = ZERO
    paid: Decimal = ZERO
    leads: int = 0
    pipeline: Decimal = ZERO
    won: Decimal = ZERO

    @property
    def roi_percent(self) -> Decimal | None:
        if not self.claimed:
            return None
        return ((self.won - self.claimed) * 100 / self.claimed).quantize(Decimal("0.1"))


@dataclass
class Report:
    by: str
    currency: str
    rows: list[ReportRow] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return str(GROUPINGS[self.by])

    def totals(self) -> ReportRow:
        total = ReportRow(key=None, label=str(_("All")))
        for row in self.rows:
            for name in ("allocated", "committed", "claimed", "paid", "pipeline"):
                setattr(total, name, getattr(total, name) + getattr(row, name))
            total.leads += row.leads
            total.won += row.won
        return total


def _tier_of(partner_ref: str) -> Subquery:
    """The tier of the partner's oldest active enrolment (the same programme the
    approval rules read)."""
    return Subquery(
        Enrolment.objects.filter(
            partner_id=OuterRef(partner_ref), status=EnrolmentStatus.ACTIVE
        )
        .order_by("created_at", "id")
        .values("tier__name")[:1]
    )


def _grouped(queryset: QuerySet, by: str, *, request_prefix: str) -> QuerySet:
    """``queryset`` annotated with ``group_key`` and ``group_label``."""
    if by == "partner":
        return queryset.annotate(
            group_key=F("partner_id"), group_label=F("partner__name")
        )
    if by == "region":
        return queryset.annotate(
            group_key=F("partner__region"), group_label=F("partner__region")
        )
    if by == "tier":
        tier = Coalesce(_tier_of("partner_id"), Value(""))
        return queryset.annotate(group_key=tier, group_label=tier)
    activity = F(f"{request_prefix}activity_type__name")
    return queryset.annotate(
        group_key=Coalesce(activity, Value("")),
        group_label=Coalesce(activity, Value("")),
    )


def _label(by: str, label) -> str:
    if by == "region":
        return str(Region(label).label) if label in Region.values else str(label)
    if not label:
        return str(_("Not tied to an activity") if by == "activity" else _("No tier"))
    return str(label)


def currencies() -> list[str]:
    """The currencies funds are kept in (a report is in one of them)."""
    return sorted(set(selectors.funds().values_list("currency", flat=True)))


def fund_report(
    *, user, by: str, currency: str, period_id: int | None = None
) -> Report:
    """The report of the funds in ``currency`` the reader may see, grouped ``by``
    partner, tier, region or activity type, biggest allocation first."""
    if by not in GROUPINGS:
        by = "partner"
    report = Report(by=by, currency=currency)
    entries = selectors.ledger_visible_to(user=user).filter(
        allocation__budget__fund__currency=currency
    )
    attributions = selectors.attributions_visible_to(user=user).filter(
        request__currency=currency, status=AttributionStatus.APPROVED
    )
    if period_id is not None:
        entries = entries.filter(allocation__budget__period_id=period_id)
        attributions = attributions.filter(request__budget__period_id=period_id)
    rows: dict = {}

    def row_for(key, label) -> ReportRow:
        if key not in rows:
            rows[key] = ReportRow(key=key, label=_label(by, label))
        return rows[key]

    sums: dict = defaultdict(dict)
    labels: dict = {}
    for item in (
        _grouped(entries.order_by(), by, request_prefix="request__")
        .values("group_key", "group_label", "kind")
        .annotate(total=Sum("amount"))
    ):
        sums[item["group_key"]][item["kind"]] = ledger.cents(item["total"])
        labels[item["group_key"]] = item["group_label"]
    for key, by_kind in sums.items():
        figures = ledger.figures(by_kind)
        row = row_for(key, labels[key])
        row.allocated, row.committed = figures.allocated, figures.committed
        row.claimed = by_kind.get(EntryKind.CLAIM, ZERO)
        row.paid = figures.paid
    _add_returns(row_for, attributions, by, currency)
    report.rows = sorted(
        rows.values(), key=lambda row: (-row.allocated, -row.claimed, row.label)
    )
    return report


def _add_returns(row_for, attributions: QuerySet, by: str, currency: str) -> None:
    """Leads, open pipeline and won revenue of the approved attributions, by
    group: amounts summed in SQL by deal currency and stage, converted here."""
    won = Q(deal__revenue__isnull=False) | Q(deal__status=DealStatus.WON)
    open_deal = Q(deal__status__in=[DealStatus.APPROVED, DealStatus.SUBMITTED])
    found = list(
        _grouped(attributions.order_by(), by, request_prefix="request__")
        .values("group_key", "group_label")
        .annotate(
            deal_currency=Coalesce(
                F("deal__revenue__currency"), F("deal__currency"), Value("")
            ),
        )
        .values("group_key", "group_label", "deal_currency")
        .annotate(
            leads=Count("pk", filter=Q(lead__isnull=False)),
            won=Sum(
                Coalesce(F("deal__revenue__amount"), F("deal__total_amount")),
                filter=won,
            ),
            pipeline=Sum("deal__total_amount", filter=open_deal & ~won),
        )
    )
    others = {row["deal_currency"] for row in found} - {currency, ""}
    rates = rate_table(currencies={*others, currency}) if others else None
    today = timezone.localdate()

    def convert(amount, deal_currency: str) -> Decimal:
        amount = amount or ZERO
        if rates is None or deal_currency in (currency, ""):
            return amount
        return rates.convert(amount, deal_currency, today) / rates.convert(
            Decimal(1), currency, today
        )

    for item in found:
        row = row_for(item["group_key"], item["group_label"])
        row.leads += item["leads"]
        row.won = (row.won + convert(item["won"], item["deal_currency"])).quantize(ZERO)
        row.pipeline = (
            row.pipeline + convert(item["pipeline"], item["deal_currency"])
        ).quantize(ZERO)


def export_rows(report: Report) -> list[list]:
    return [
        [
            row.label,
            report.currency,
            row.allocated,
            row.committed,
            row.claimed,
            row.paid,
            row.leads,
            row.pipeline,
            row.won,
            row.roi_percent,
        ]
        for row in report.rows
    ]


def chart_data(report: Report) -> dict:
    """The two charts (money, return) of the biggest groups, for
    ``openprm/metrics_charts.js``."""
    shown = report.rows[:CHART_ROWS]
    labels = [row.label for row in shown]

    def series(label, name):
        return {
            "label": str(label),
            "data": [float(getattr(row, name)) for row in shown],
        }

    return {
        "charts": [
            {
                "id": "fund-chart-money",
                "type": "bar",
                "labels": labels,
                "datasets": [
                    series(_("Allocated"), "allocated"),
                    series(_("Committed"), "committed"),
                    series(_("Claimed"), "claimed"),
                    series(_("Paid"), "paid"),
                ],
            },
            {
                "id": "fund-chart-return",
                "type": "bar",
                "labels": labels,
                "datasets": [
                    series(_("Claimed"), "claimed"),
                    series(_("Pipeline"), "pipeline"),
                    series(_("Won revenue"), "won"),
                ],
            },
        ]
    }
