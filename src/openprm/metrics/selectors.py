"""Reads of the metrics: figures per partner and period from the month rollup
(never the facts), with or without the partners beneath a distributor."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openprm.core.errors import NotFound
from openprm.core.worklist import Figure, Queue
from openprm.metrics import catalogue, permissions
from openprm.metrics.formatting import figure
from openprm.metrics.models import (
    MonthlyValue,
    RebuildRun,
    RecommendationStatus,
    TierRecommendation,
)
from openprm.metrics.rollups import month_start
from openprm.partners.models import Partner

# Tier requirements read their metrics over this many months, the current one last.
REQUIREMENT_MONTHS = 12


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Whole months, ``first`` to ``last`` (first days), inclusive."""

    first: datetime.date
    last: datetime.date

    @classmethod
    def trailing(cls, months: int, *, today: datetime.date | None = None) -> "Period":
        last = month_start(today or timezone.localdate())
        return cls(add_months(last, 1 - months), last)

    def months(self) -> list[datetime.date]:
        found, month = [], self.first
        while month <= self.last:
            found.append(month)
            month = add_months(month, 1)
        return found


def _figures(rows, period_last: datetime.date) -> dict[str, Decimal | None]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    latest: dict[str, Decimal] = defaultdict(Decimal)
    for month, series, value in rows:
        totals[series] += value
        if month == period_last:
            latest[series] += value
    return {
        metric.code: catalogue.compute(metric, totals, latest)
        for metric in catalogue.metrics()
    }


def _monthly(partner_ids, period: Period) -> QuerySet:
    return (
        MonthlyValue.objects.filter(
            partner_id__in=partner_ids, month__gte=period.first, month__lte=period.last
        )
        .order_by()
        .values("month", "series")
        .annotate(total=Sum("value"))
        .values_list("month", "series", "total")
    )


def metric_values(*, partner_ids, period: Period) -> dict[str, Decimal | None]:
    """Every metric of the catalogue over ``period`` for these partners together
    (one query)."""
    return _figures(_monthly(partner_ids, period), period.last)


def metric_months(*, partner_ids, period: Period) -> list[dict]:
    """Every metric month by month: ``[{"month": date, "values": {code: value}}]``
    (one query)."""
    return months_of(_monthly(partner_ids, period), period)


def months_of(rows, period: Period) -> list[dict]:
    """Every metric month by month from rows (month, series, total) of the month
    rollup (no query)."""
    by_month: dict[datetime.date, list] = defaultdict(list)
    for month, series, total in rows:
        by_month[month].append((month, series, total))
    return [
        {"month": month, "values": _figures(by_month.get(month, []), month)}
        for month in period.months()
    ]


def values_for_partners(
    partner_ids: list[int], *, period: Period
) -> dict[int, dict[str, Decimal | None]]:
    """Each partner's metrics over ``period`` (one query for all of them): what
    tier requirements and evaluations read."""
    rows: dict[int, list] = defaultdict(list)
    for partner_id, month, series, total in (
        MonthlyValue.objects.filter(
            partner_id__in=partner_ids, month__gte=period.first, month__lte=period.last
        )
        .order_by()
        .values_list("partner_id", "month", "series", "value")
    ):
        rows[partner_id].append((month, series, total))
    return {pk: _figures(rows.get(pk, []), period.last) for pk in partner_ids}


def measured_partner_ids(
    *, user, partner: Partner, include_downstream: bool
) -> QuerySet | list[int]:
    """The partner alone, or with the partners beneath it that ``user`` may see
    (a distributor's people only with the downstream visibility the vendor
    granted)."""
    if not include_downstream:
        return [partner.pk]
    return (
        Partner.objects.visible_to(user)
        .filter(Q(pk=partner.pk) | Q(path__startswith=partner.path))
        .values("pk")
    )


def partner_for_metrics(*, user, public_id) -> Partner:
    """A partner whose metrics ``user`` may read: 403 for the role, 404 out of
    scope (a distributor's people read the partners beneath it when the vendor
    granted downstream visibility)."""
    permissions.READ.ensure(user)
    partner = Partner.objects.visible_to(user).filter(public_id=public_id).first()
    if partner is None:
        raise NotFound
    return partner


def rebuild_runs(*, user) -> QuerySet[RebuildRun]:
    permissions.ADMIN.ensure(user)
    return RebuildRun.objects.all()


def formatted(metric: catalogue.Metric, value: Decimal | None) -> dict:
    """A figure with its unit, for the pages."""
    return {"metric": metric, "value": value}


def tier_names() -> list[str]:
    """The tiers' names across programmes, for the dashboard's filter."""
    from openprm.programs.models import Tier

    return sorted(set(Tier.objects.values_list("name", flat=True)))


def partner_section(user, partner: Partner) -> dict | None:
    """The partner page's performance: the last 12 months, the partner alone and,
    for a partner with partners beneath it, with them (three queries)."""
    if not user.is_vendor_staff or not permissions.READ.allows(user):
        return None
    period = Period.trailing(REQUIREMENT_MONTHS)
    own = metric_values(partner_ids=[partner.pk], period=period)
    downstream = Partner.objects.filter(path__startswith=partner.path).exclude(
        pk=partner.pk
    )
    with_downstream = None
    if partner.path and downstream.exists():
        with_downstream = metric_values(
            partner_ids=measured_partner_ids(
                user=user, partner=partner, include_downstream=True
            ),
            period=period,
        )
    return {
        "period": period,
        "metrics": catalogue.metrics(),
        "own": own,
        "with_downstream": with_downstream,
    }


def recommendation_list(*, user, status: str = "") -> QuerySet:
    """Tier recommendations of the partners in ``user``'s scope, open first."""
    permissions.REVIEW.ensure(user)
    queryset = TierRecommendation.objects.visible_to(user).select_related(
        "partner", "from_tier", "to_tier", "enrolment__programme", "decided_by"
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("status", "effective_at", "id")


def console_home_queues(*, user):
    """The console home's queues: partners at risk (their health score), and tier
    changes to review (reviewers only)."""
    queues = []
    if permissions.DASHBOARD.allows(user):
        queues.append(
            Queue(
                label=_("Partners at risk"),
                url=reverse("console:health_at_risk"),
                count=at_risk_list(user=user).count(),
                unit=_("below their health line"),
                order=55,
            )
        )
    if not permissions.REVIEW.allows(user):
        return queues
    count = (
        TierRecommendation.objects.visible_to(user)
        .filter(status=RecommendationStatus.PENDING)
        .count()
    )
    return [
        *queues,
        Queue(
            label=_("Tier changes"),
            url=reverse("console:tier_recommendations"),
            count=count,
            unit=_("to review"),
            order=60,
        ),
    ]


HEALTH_TREND = 12


def health_for_partner(*, partner_ids) -> list[dict]:
    """Each enrolment's current health score of these partners with its last
    scores, oldest first (the trend): two queries."""
    from openprm.metrics.models import PartnerHealth

    current = list(
        PartnerHealth.objects.filter(partner_id__in=partner_ids, is_current=True)
        .select_related("enrolment__programme", "enrolment__tier", "partner")
        .order_by("enrolment__programme__name", "id")
    )
    history: dict[int, list] = defaultdict(list)
    enrolment_ids = [row.enrolment_id for row in current]
    for row in (
        PartnerHealth.objects.filter(enrolment__in=enrolment_ids)
        .order_by("enrolment_id", "-computed_at", "-id")
        .values_list("enrolment_id", "score", "computed_at")
    ):
        if len(history[row[0]]) < HEALTH_TREND:
            history[row[0]].append({"score": row[1], "computed_at": row[2]})
    found = []
    for row in current:
        trend = list(reversed(history[row.enrolment_id]))
        previous = trend[-2]["score"] if len(trend) > 1 else None
        found.append(
            {
                "health": row,
                "trend": trend,
                "change": None if previous is None else row.score - previous,
            }
        )
    return found


def partner_health_section(user, partner: Partner) -> dict | None:
    """The partner page's health scores (vendor staff who read metrics)."""
    if not user.is_vendor_staff or not permissions.READ.allows(user):
        return None
    return {"scores": health_for_partner(partner_ids=[partner.pk])}


def at_risk_list(*, user) -> QuerySet:
    """Current health scores below their programme's at-risk line, of the
    partners in ``user``'s scope, lowest first."""
    from openprm.metrics.models import PartnerHealth

    permissions.DASHBOARD.ensure(user)
    return (
        PartnerHealth.objects.visible_to(user)
        .filter(is_current=True, is_at_risk=True)
        .select_related("partner", "enrolment__programme", "enrolment__tier")
        .order_by("score", "partner__name", "id")
    )


def health_model_for(*, programme):
    """A programme's health model with its measures, or None."""
    from openprm.metrics.models import HealthModel

    return (
        HealthModel.objects.filter(programme=programme)
        .prefetch_related("measures")
        .first()
    )


# The portal home's "What you have earned": won revenue over the tier window.
EARNED_REVENUE = "won_revenue"


def portal_home_revenue(*, user, partner: Partner) -> Figure | None:
    """The partner's won revenue over the last ``REQUIREMENT_MONTHS`` months in the
    reporting currency: the figure its tier page shows, read from the month rollup
    (one query); None when it won nothing. Every portal user reads the tier page."""
    metric = catalogue.get_metric(EARNED_REVENUE)
    if metric is None:
        return None
    period = Period.trailing(REQUIREMENT_MONTHS)
    rows = _monthly([partner.pk], period).filter(series__in=metric.series)
    value = _figures(rows, period.last).get(metric.code)
    if not value:
        return None
    return Figure(
        label=_("Won revenue, last %(months)s months") % {"months": REQUIREMENT_MONTHS},
        values=(figure(value, metric),),
        url=reverse("portal:tier_progress_page"),
        key="revenue",
    )
