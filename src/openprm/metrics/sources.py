"""The series and metrics measured today: deals, pipeline, leads, portal users and
content engagement. Each ``build`` groups the facts by partner and day."""

import datetime
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce, Round, TruncDate, TruncMonth
from django.utils.translation import gettext_lazy as _

from openprm.content.choices import ActivityKind
from openprm.content.models import ContentActivity
from openprm.currencies import money
from openprm.currencies.models import ExchangeRate
from openprm.deals.choices import DealStatus
from openprm.deals.models import Deal, DealRevenue
from openprm.leads.models import ActivityKind as LeadActivityKind
from openprm.leads.models import AssignmentOutcome, LeadActivity, LeadAssignment
from openprm.metrics.catalogue import (
    Aggregation,
    Metric,
    Series,
    Unit,
    register_metric,
    register_series,
)
from openprm.metrics.models import SignIn
from openprm.metrics.rollups import Cells

MONEY = DecimalField(max_digits=30, decimal_places=10)
DEAL_EVENTS = ("deal.*",)
LEAD_EVENTS = (
    "lead.assigned",
    "lead.accepted",
    "lead.rejected",
    "lead.recalled",
    "lead.converted",
)


def _grouped(queryset, cells: Cells, *, partner: str, when: str, value, is_date=False):
    day = F(when) if is_date else TruncDate(when)
    return (
        cells.restrict(queryset, partner=partner, when=when, is_date=is_date)
        .order_by()
        .annotate(p=F(partner), d=day)
        .values("p", "d")
        .annotate(v=value)
    )


COUNT = Count("id")


def counting(rows, *, when: str, partner: str = "partner_id", is_date=False):
    """A series counting the rows of ``rows()`` by partner and the day of ``when``."""

    def build(cells: Cells):
        return _grouped(
            rows(),
            cells,
            partner=partner,
            when=when,
            is_date=is_date,
            value=Count("id"),
        )

    return build


deals_won = counting(DealRevenue.objects.all, when="won_on", is_date=True)
deals_lost = counting(
    lambda: Deal.objects.filter(status=DealStatus.LOST), when="closed_at"
)
deals_submitted = counting(Deal.objects.all, when="submitted_at")


def _in_reporting_currency(amount: str, currency: str, on) -> Case:
    """``amount`` converted on the date ``on`` with the exchange-rate table, rounded
    to cents; NULL without a rate (left out, as the pipeline report does)."""
    reporting = money.reporting_currency()
    rate = (
        ExchangeRate.objects.filter(
            currency=OuterRef(currency), base_currency=reporting, valid_from__lte=on
        )
        .order_by("-valid_from")
        .values("rate")[:1]
    )
    return Case(
        When(**{currency: reporting}, then=F(amount)),
        default=Round(F(amount) * Subquery(rate), 2),
        output_field=MONEY,
    )


def won_revenue(cells: Cells):
    return _grouped(
        DealRevenue.objects.all(),
        cells,
        partner="partner_id",
        when="won_on",
        is_date=True,
        value=Sum(_in_reporting_currency("amount", "currency", OuterRef("won_on"))),
    )


def pipeline_registered(cells: Cells):
    return _grouped(
        Deal.objects.annotate(submitted_on=TruncDate("submitted_at")),
        cells,
        partner="partner_id",
        when="submitted_at",
        value=Sum(
            _in_reporting_currency("total_amount", "currency", OuterRef("submitted_on"))
        ),
    )


# A registration the vendor approved stays counted when it is later won, lost or
# expires; a rejection also sets decided_at.
APPROVED_SINCE = (
    DealStatus.APPROVED,
    DealStatus.WON,
    DealStatus.LOST,
    DealStatus.EXPIRED,
)
deals_approved = counting(
    lambda: Deal.objects.filter(decided_at__isnull=False, status__in=APPROVED_SINCE),
    when="decided_at",
)


ANSWERED = (
    AssignmentOutcome.ACCEPTED,
    AssignmentOutcome.REJECTED,
    AssignmentOutcome.RECALLED,
)
# Offers that ended: accepted, declined, or recalled unanswered.
leads_answered = counting(
    lambda: LeadAssignment.objects.filter(
        outcome__in=ANSWERED, outcome_at__isnull=False
    ),
    when="outcome_at",
)
leads_accepted = counting(
    lambda: LeadAssignment.objects.filter(
        outcome=AssignmentOutcome.ACCEPTED, outcome_at__isnull=False
    ),
    when="outcome_at",
)
leads_converted = counting(
    lambda: LeadActivity.objects.filter(kind=LeadActivityKind.CONVERTED).annotate(
        owner=Coalesce("partner_id", "lead__current_partner_id")
    ),
    when="created_at",
    partner="owner",
)
sign_ins = counting(SignIn.objects.all, when="occurred_at")
content_downloads = counting(
    lambda: ContentActivity.objects.filter(
        kind__in=[ActivityKind.DOWNLOAD, ActivityKind.COBRANDED_DOWNLOAD]
    ),
    when="occurred_at",
)


# Time to accept an offer, in hours: the upper bound of each histogram bucket.
ACCEPT_BUCKETS: tuple[int | None, ...] = (1, 2, 4, 8, 12, 24, 48, 72, 120, None)


def _accept_bucket(lower: int, upper: int | None):
    took = Q()
    if lower:
        took &= Q(outcome_at__gt=F("offered_at") + datetime.timedelta(hours=lower))
    if upper is not None:
        took &= Q(outcome_at__lte=F("offered_at") + datetime.timedelta(hours=upper))
    return counting(
        lambda: LeadAssignment.objects.filter(
            took, outcome=AssignmentOutcome.ACCEPTED, outcome_at__isnull=False
        ),
        when="outcome_at",
    )


def active_users(cells: Cells):
    return _grouped(
        SignIn.objects.all(),
        cells,
        partner="partner_id",
        when="occurred_at",
        value=Count("user_id", distinct=True),
    )


def active_users_month(cells: Cells):
    return (
        cells.restrict(SignIn.objects.all(), partner="partner_id", when="occurred_at")
        .order_by()
        .annotate(
            p=F("partner_id"), m=TruncMonth("occurred_at", output_field=DateField())
        )
        .values("p", "m")
        .annotate(v=Count("user_id", distinct=True))
    )


def _register() -> None:
    for series in [
        Series("won_revenue", _("Won revenue"), won_revenue, DEAL_EVENTS),
        Series("deals_won", _("Deals won"), deals_won, DEAL_EVENTS),
        Series("deals_lost", _("Deals lost"), deals_lost, DEAL_EVENTS),
        Series(
            "pipeline_registered",
            _("Pipeline registered"),
            pipeline_registered,
            DEAL_EVENTS,
        ),
        Series("deals_submitted", _("Registrations"), deals_submitted, DEAL_EVENTS),
        Series("deals_approved", _("Approvals"), deals_approved, DEAL_EVENTS),
        Series(
            "leads_answered", _("Lead offers answered"), leads_answered, LEAD_EVENTS
        ),
        Series(
            "leads_accepted", _("Lead offers accepted"), leads_accepted, LEAD_EVENTS
        ),
        Series(
            "leads_converted",
            _("Leads converted"),
            leads_converted,
            ("lead.converted",),
        ),
        Series("sign_ins", _("Sign-ins"), sign_ins, ()),
        Series(
            "active_users",
            _("Active users"),
            active_users,
            (),
            build_month=active_users_month,
        ),
        Series(
            "content_downloads",
            _("Downloads"),
            content_downloads,
            ("content.*",),
        ),
    ]:
        register_series(series)
    lower = 0
    for upper in ACCEPT_BUCKETS:
        register_series(
            Series(
                f"lead_accept_h{upper or 'more'}",
                _("Offers accepted within a time bucket"),
                _accept_bucket(lower, upper),
                ("lead.accepted",),
            )
        )
        lower = upper or lower

    for metric in [
        Metric(
            "won_revenue",
            _("Won revenue"),
            Unit.MONEY,
            Aggregation.SUM,
            ("won_revenue",),
            _("Revenue of the deals won, in the reporting currency, on the win date."),
        ),
        Metric(
            "pipeline",
            _("Pipeline registered"),
            Unit.MONEY,
            Aggregation.SUM,
            ("pipeline_registered",),
            _("Value of the deals registered, in the reporting currency."),
        ),
        Metric(
            "deals_submitted",
            _("Deal registrations submitted"),
            Unit.COUNT,
            Aggregation.COUNT,
            ("deals_submitted",),
        ),
        Metric(
            "deals_approved",
            _("Deal registrations approved"),
            Unit.COUNT,
            Aggregation.COUNT,
            ("deals_approved",),
        ),
        Metric(
            "deals_won",
            _("Deals won"),
            Unit.COUNT,
            Aggregation.COUNT,
            ("deals_won",),
        ),
        Metric(
            "win_rate",
            _("Win rate"),
            Unit.PERCENT,
            Aggregation.RATIO,
            ("deals_won", "deals_won", "deals_lost"),
            _("Deals won out of the deals won or lost in the period."),
        ),
        Metric(
            "average_deal_size",
            _("Average deal size"),
            Unit.MONEY,
            Aggregation.RATIO,
            ("won_revenue", "deals_won"),
            _("Won revenue divided by the deals won."),
        ),
        Metric(
            "lead_acceptance_rate",
            _("Lead acceptance rate"),
            Unit.PERCENT,
            Aggregation.RATIO,
            ("leads_accepted", "leads_answered"),
            _("Offers accepted out of the offers answered or recalled."),
        ),
        Metric(
            "lead_median_hours_to_accept",
            _("Median time to accept a lead"),
            Unit.HOURS,
            Aggregation.MEDIAN,
            tuple(f"lead_accept_h{upper or 'more'}" for upper in ACCEPT_BUCKETS),
            _("From the offer to its acceptance, interpolated within hour buckets."),
            buckets=tuple(
                Decimal(upper) if upper is not None else None
                for upper in ACCEPT_BUCKETS
            ),
        ),
        Metric(
            "leads_converted",
            _("Leads converted"),
            Unit.COUNT,
            Aggregation.COUNT,
            ("leads_converted",),
        ),
        Metric(
            "active_users",
            _("Active portal users"),
            Unit.USERS,
            Aggregation.LATEST,
            ("active_users",),
            _("People who signed in during the period's last month."),
        ),
        Metric(
            "logins",
            _("Logins"),
            Unit.COUNT,
            Aggregation.COUNT,
            ("sign_ins",),
        ),
        Metric(
            "content_downloads",
            _("Content downloads"),
            Unit.COUNT,
            Aggregation.COUNT,
            ("content_downloads",),
        ),
    ]:
        register_metric(metric)


_register()
