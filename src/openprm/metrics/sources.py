"""The series and metrics measured today: deals, pipeline, leads, portal users,
content engagement, reported sales, points, marketing funds and certifications.
Each ``build`` groups the facts by partner and day; a state held over time
(certified people, accreditations held) is computed per month instead."""

import datetime
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Round, TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.certifications.choices import AccreditationStatus, HolderStatus
from openprm.certifications.models import (
    CertificationAward,
    PartnerAccreditation,
    UserCertification,
)
from openprm.content.choices import ActivityKind
from openprm.content.models import ContentActivity
from openprm.currencies import money
from openprm.currencies.models import ExchangeRate
from openprm.deals.choices import DealStatus
from openprm.deals.models import Deal, DealRevenue
from openprm.funds.choices import AttributionStatus
from openprm.funds.choices import EntryKind as FundEntryKind
from openprm.funds.models import Attribution, LedgerEntry
from openprm.incentives.choices import EntryKind as PointsKind
from openprm.incentives.models import PointsEntry, SalesLine
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
from openprm.metrics.rollups import Cells, month_start

MONEY = DecimalField(max_digits=30, decimal_places=10)
DEAL_EVENTS = ("deal.*",)
LEAD_EVENTS = (
    "lead.assigned",
    "lead.accepted",
    "lead.rejected",
    "lead.recalled",
    "lead.converted",
)
SALES_EVENTS = ("sales.reported",)
POINTS_EVENTS = ("points.*",)
FUND_EVENTS = ("fund.*", "fund_request.*", "fund_claim.*")
CERTIFICATION_EVENTS = (
    "certification.earned",
    "certification.expired",
    "certification.revoked",
    "accreditation.gained",
    "accreditation.lost",
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


# --- reported sales (incentives): each line's amount in the reporting currency on
# its invoice date, as the sales import converted it (a line without a rate has
# none and is left out).


def reported_sales(cells: Cells):
    return _grouped(
        SalesLine.objects.filter(reporting_amount__isnull=False),
        cells,
        partner="partner_id",
        when="invoiced_on",
        is_date=True,
        value=Sum("reporting_amount"),
    )


# --- points (incentives ledger): earned = earn and bonus entries, less the
# reversal of an earning (a lost deal); redeemed = redemptions, less refunds.
EARNING_KINDS = [PointsKind.EARN, PointsKind.BONUS]
POINTS_EARNED = Q(kind__in=EARNING_KINDS) | Q(
    kind=PointsKind.REVERSE, reverses__kind__in=EARNING_KINDS
)
POINTS_REDEEMED = Q(kind=PointsKind.REDEEM) | Q(
    kind=PointsKind.REVERSE, reverses__kind=PointsKind.REDEEM
)


def _points(condition: Q, *, sign: int):
    def build(cells: Cells):
        return _grouped(
            PointsEntry.objects.filter(condition),
            cells,
            partner="partner_id",
            when="occurred_at",
            value=Sum(F("points") * sign),
        )

    return build


# --- marketing funds: the fund ledger's money in the reporting currency on the
# entry's date; ROI's return is the won revenue of the deals attributed (approved)
# to an activity, on their win date.
FUNDS_ALLOCATED = [
    FundEntryKind.ALLOCATION,
    FundEntryKind.ADJUSTMENT,
    FundEntryKind.POINTS,
]


def _fund_money(kinds: list[str]):
    def build(cells: Cells):
        return _grouped(
            LedgerEntry.objects.filter(kind__in=kinds).annotate(
                occurred_on=TruncDate("occurred_at"),
                fund_currency=F("allocation__budget__fund__currency"),
            ),
            cells,
            partner="partner_id",
            when="occurred_at",
            value=Sum(
                _in_reporting_currency(
                    "amount", "fund_currency", OuterRef("occurred_on")
                )
            ),
        )

    return build


def fund_attributed_won(cells: Cells):
    attributed = Attribution.objects.filter(
        deal_id=OuterRef("deal_id"), status=AttributionStatus.APPROVED
    )
    return _grouped(
        DealRevenue.objects.filter(Exists(attributed)),
        cells,
        partner="partner_id",
        when="won_on",
        is_date=True,
        value=Sum(_in_reporting_currency("amount", "currency", OuterRef("won_on"))),
    )


# --- certifications: awards (earned or renewed) by day; people holding a
# certification and accreditations held are states, counted per month as those
# held at any moment of the month (a revoked certification never counts).
certifications_earned = counting(
    CertificationAward.objects.all, when="awarded_at", partner="held__partner_id"
)


def _month_bounds(cells: Cells):
    """Each month of ``cells`` (whole months): its first day and the moments it
    starts and ends (local time)."""
    month = month_start(cells.first_day)
    while month <= cells.last_day:
        following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        yield (
            month,
            timezone.make_aware(datetime.datetime.combine(month, datetime.time.min)),
            timezone.make_aware(
                datetime.datetime.combine(following, datetime.time.min)
            ),
        )
        month = following


def _held_each_month(rows, *, held_during, value):
    """A state series: for each month of the cells, ``value`` over the rows
    ``held_during(start, end)`` selects, by partner."""

    def build_month(cells: Cells):
        parts = []
        for month, start, end in _month_bounds(cells):
            queryset = rows().filter(held_during(start, end))
            if cells.partner_ids is not None:
                queryset = queryset.filter(partner_id__in=sorted(cells.partner_ids))
            parts.append(
                queryset.order_by()
                .annotate(p=F("partner_id"), m=Cast(Value(month), DateField()))
                .values("p", "m")
                .annotate(v=value)
            )
        return parts

    return build_month


certified_people_month = _held_each_month(
    lambda: UserCertification.objects.exclude(status=HolderStatus.REVOKED),
    held_during=lambda start, end: Q(earned_at__lt=end, valid_until__gt=start),
    value=Count("user_id", distinct=True),
)
accreditations_held_month = _held_each_month(
    PartnerAccreditation.objects.all,
    held_during=lambda start, end: (
        Q(gained_at__lt=end)
        & (
            Q(status=AccreditationStatus.HELD, lost_at__isnull=True)
            | Q(lost_at__gt=start)
        )
    ),
    value=Count("id"),
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
        Series("reported_sales", _("Reported sales"), reported_sales, SALES_EVENTS),
        Series(
            "points_earned",
            _("Points earned"),
            _points(POINTS_EARNED, sign=1),
            # A sales import announces its earnings with each batch's
            # ``sales.reported``, not an event per entry.
            (*POINTS_EVENTS, *SALES_EVENTS),
        ),
        Series(
            "points_redeemed",
            _("Points redeemed"),
            _points(POINTS_REDEEMED, sign=-1),
            POINTS_EVENTS,
        ),
        Series(
            "funds_allocated",
            _("Funds allocated"),
            _fund_money(FUNDS_ALLOCATED),
            FUND_EVENTS,
        ),
        Series(
            "funds_claimed",
            _("Funds claimed"),
            _fund_money([FundEntryKind.CLAIM]),
            FUND_EVENTS,
        ),
        Series(
            "fund_attributed_won",
            _("Won revenue attributed to funded activities"),
            fund_attributed_won,
            (*FUND_EVENTS, *DEAL_EVENTS),
        ),
        Series(
            "certifications_earned",
            _("Certifications earned or renewed"),
            certifications_earned,
            CERTIFICATION_EVENTS,
        ),
        Series(
            "certified_people",
            _("People holding a certification"),
            None,
            CERTIFICATION_EVENTS,
            build_month=certified_people_month,
        ),
        Series(
            "accreditations_held",
            _("Accreditations held"),
            None,
            CERTIFICATION_EVENTS,
            build_month=accreditations_held_month,
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
        Metric(
            "reported_sales",
            _("Reported sales"),
            Unit.MONEY,
            Aggregation.SUM,
            ("reported_sales",),
            _(
                "Sales lines the partner reported, in the reporting currency, "
                "on the invoice date."
            ),
        ),
        Metric(
            "points_earned",
            _("Points earned"),
            Unit.POINTS,
            Aggregation.SUM,
            ("points_earned",),
            _("Points earned and bonuses, less earnings reversed."),
        ),
        Metric(
            "points_redeemed",
            _("Points redeemed"),
            Unit.POINTS,
            Aggregation.SUM,
            ("points_redeemed",),
            _("Points spent on rewards, less refunds."),
        ),
        Metric(
            "funds_allocated",
            _("Funds allocated"),
            Unit.MONEY,
            Aggregation.SUM,
            ("funds_allocated",),
            _("Marketing funds allocated and adjusted, in the reporting currency."),
        ),
        Metric(
            "funds_claimed",
            _("Funds claimed"),
            Unit.MONEY,
            Aggregation.SUM,
            ("funds_claimed",),
            _("Approved claims of marketing funds, in the reporting currency."),
        ),
        Metric(
            "fund_utilisation",
            _("Fund utilisation"),
            Unit.PERCENT,
            Aggregation.RATIO,
            ("funds_claimed", "funds_allocated"),
            _("Funds claimed out of the funds allocated in the period."),
        ),
        Metric(
            "fund_roi",
            _("Fund ROI"),
            Unit.PERCENT,
            Aggregation.RETURN,
            ("fund_attributed_won", "funds_claimed"),
            _(
                "(Won revenue attributed to funded activities - funds claimed) "
                "÷ funds claimed."
            ),
        ),
        Metric(
            "certifications_earned",
            _("Certifications earned"),
            Unit.COUNT,
            Aggregation.COUNT,
            ("certifications_earned",),
            _("Certifications awarded or renewed to the partner's people."),
        ),
        Metric(
            "certified_people",
            _("Certified people"),
            Unit.PEOPLE,
            Aggregation.LATEST,
            ("certified_people",),
            _("People holding a certification during the period's last month."),
        ),
        Metric(
            "accreditations_held",
            _("Accreditations held"),
            Unit.COUNT,
            Aggregation.LATEST,
            ("accreditations_held",),
            _("Accreditations the partner held during the period's last month."),
        ),
    ]:
        register_metric(metric)


_register()
