"""The report kinds that can be scheduled, each read through its own app's
selectors: the performance dashboard's tables (metrics), the fund report (funds),
the learning reports (learning), the deal list and the pipeline and forecast
(deals)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core.forms import StyledForm
from openprm.deals import permissions as deal_permissions
from openprm.deals import selectors as deal_selectors
from openprm.deals.choices import DealStatus
from openprm.deals.pipeline import selectors as pipeline_selectors
from openprm.deals.pipeline.forms import PipelineFilterForm
from openprm.funds import permissions as fund_permissions
from openprm.funds import reports as fund_reports
from openprm.funds import selectors as fund_selectors
from openprm.learning import permissions as learning_permissions
from openprm.learning import reports as learning_reports
from openprm.learning.forms import ReportFilterForm as LearningFilterForm
from openprm.metrics import dashboard, periods
from openprm.metrics import permissions as metric_permissions
from openprm.metrics import selectors as metric_selectors
from openprm.metrics.dashboard import DashboardFilters
from openprm.metrics.forms import DashboardFilterForm
from openprm.metrics.selectors import Period
from openprm.reports.registry import ReportKind, Table, register

# --- the performance dashboard (Insights)

METRIC_TABLES = {
    "months": _("By month"),
    "region": _("By region"),
    "type": _("By partner type"),
    "tier": _("By tier"),
    "partners": _("Top partners"),
}


class MetricsReportForm(DashboardFilterForm):
    """The dashboard's filters, with a rolling window instead of fixed months (a
    report sent every week reads the months before the day it is sent)."""

    table = forms.ChoiceField(
        label=_("Table"), choices=list(METRIC_TABLES.items()), initial="months"
    )
    months = forms.IntegerField(
        label=_("Months (this one included)"),
        min_value=1,
        max_value=periods.MAX_MONTHS,
        initial=periods.DEFAULT_MONTHS,
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, tiers=metric_selectors.tier_names(), **kwargs)
        del self.fields["first_month"], self.fields["last_month"]
        self.order_fields(["table", "months", "region", "partner_type", "tier"])


def _metrics_table(*, user, filters: dict) -> Table:
    months = filters.get("months") or periods.DEFAULT_MONTHS
    board = dashboard.dashboard(
        user=user,
        period=Period.trailing(months),
        filters=DashboardFilters(
            region=filters.get("region", ""),
            partner_type=filters.get("partner_type", ""),
            tier=filters.get("tier", ""),
        ),
    )
    _head, columns, rows = dashboard.board_table(board, filters["table"])
    words = [str(METRIC_TABLES[filters["table"]])]
    words.append(str(_("last %(months)s months") % {"months": months}))
    words += [
        str(value)
        for value in (
            filters.get("region"),
            filters.get("partner_type"),
            filters.get("tier"),
        )
        if value
    ]
    return Table(
        title=str(_("Partner performance")),
        subtitle=", ".join(words),
        columns=columns,
        rows=rows,
    )


register(
    ReportKind(
        code="metrics",
        label=_("Partner performance (Insights)"),
        rule=metric_permissions.DASHBOARD,
        form=MetricsReportForm,
        table=_metrics_table,
        page="console:metrics_dashboard",
    )
)

# --- fund reports


class FundReportForm(StyledForm):
    """The fund report's filters, as its page's query string has them."""

    by = forms.ChoiceField(
        label=_("Group by"),
        choices=list(fund_reports.GROUPINGS.items()),
        initial="partner",
    )
    currency = forms.ChoiceField(label=_("Currency"))
    period = forms.TypedChoiceField(
        label=_("Fiscal period"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [
            (code, code) for code in fund_reports.currencies()
        ]
        self.fields["period"].choices = [
            ("", _("All periods")),
            *[(item.pk, item.name) for item in fund_selectors.periods()],
        ]


def _fund_table(*, user, filters: dict) -> Table:
    report = fund_reports.fund_report(
        user=user,
        by=filters["by"],
        currency=filters["currency"],
        period_id=filters.get("period"),
    )
    return Table(
        title=str(_("Fund report")),
        subtitle=", ".join(
            [str(_("By %(by)s") % {"by": report.heading}), report.currency]
        ),
        columns=list(fund_reports.COLUMNS),
        rows=fund_reports.export_rows(report),
    )


register(
    ReportKind(
        code="funds",
        label=_("Fund report"),
        rule=fund_permissions.READ,
        form=FundReportForm,
        table=_fund_table,
        page="console:fund_reports",
    )
)

# --- learning reports

LEARNING_TABLES = {
    "courses": _("Completions by course"),
    "partners": _("Completions by partner"),
    "months": _("Completions by month"),
    "quizzes": _("Quiz pass rates"),
}


class LearningReportForm(LearningFilterForm):
    """The learning reports' filters and the table to send."""

    table = forms.ChoiceField(
        label=_("Table"), choices=list(LEARNING_TABLES.items()), initial="courses"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(
            *args,
            courses=learning_reports.courses_for_filter(user=user),
            product_lines=learning_reports.product_lines(user=user),
            **kwargs,
        )
        self.order_fields(["table", "months", "course", "product_line", "region"])


def _learning_table(*, user, filters: dict) -> Table:
    chosen = learning_reports.ReportFilters(
        months=filters.get("months") or learning_reports.DEFAULT_MONTHS,
        course=filters.get("course"),
        product_line=filters.get("product_line", ""),
        region=filters.get("region", ""),
    )
    columns, rows = learning_reports.table(
        user=user, filters=chosen, name=filters["table"]
    )
    words = [
        str(LEARNING_TABLES[filters["table"]]),
        str(_("last %(months)s months") % {"months": chosen.months}),
    ]
    if chosen.course is not None:
        words.append(chosen.course.title)
    words += [value for value in (chosen.product_line, chosen.region) if value]
    return Table(
        title=str(_("Learning report")),
        subtitle=", ".join(words),
        columns=columns,
        rows=rows,
    )


register(
    ReportKind(
        code="learning",
        label=_("Learning report"),
        rule=learning_permissions.READ,
        form=LearningReportForm,
        table=_learning_table,
        page="console:learning_reports",
    )
)

# --- the deal list (Deals) and the pipeline and forecast (Deals -> Pipeline)

# Rows a deal list report holds at most (the newest first); its subtitle says so
# when there were more.
MAX_DEAL_ROWS = 10_000


class DealReportForm(StyledForm):
    """The deal list's filters, as its page's query string has them."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *DealStatus.choices],
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)


def _deal_table(*, user, filters: dict) -> Table:
    status, search = filters.get("status", ""), filters.get("q", "")
    deals = list(
        deal_selectors.deal_list_visible_to(user=user, status=status, search=search)[
            : MAX_DEAL_ROWS + 1
        ]
    )
    words = [
        str(DealStatus(status).label) if status else str(_("any status")),
        *([f"“{search}”"] if search else []),
    ]
    if len(deals) > MAX_DEAL_ROWS:
        deals = deals[:MAX_DEAL_ROWS]
        words.append(str(_("the newest %(count)s") % {"count": MAX_DEAL_ROWS}))
    return Table(
        title=str(_("Deal registrations")),
        subtitle=", ".join(words),
        columns=[
            str(_("Opportunity")),
            str(_("Customer")),
            str(_("Partner")),
            str(_("Product lines")),
            str(_("Currency")),
            str(_("Amount")),
            str(_("Stage")),
            str(_("Status")),
            str(_("Expected close")),
            str(_("Submitted")),
            str(_("Protected until")),
        ],
        rows=[
            [
                deal.title,
                deal.customer_name,
                deal.partner.name,
                ", ".join(line.product_line for line in deal.lines.all()),
                deal.currency,
                deal.total_amount,
                deal.stage.name if deal.stage_id else "",
                str(deal.get_status_display()),
                deal.expected_close_date,
                deal.submitted_at and timezone.localtime(deal.submitted_at).date(),
                deal.protected_until
                and timezone.localtime(deal.protected_until).date(),
            ]
            for deal in deals
        ],
    )


register(
    ReportKind(
        code="deals",
        label=_("Deal registrations"),
        rule=deal_permissions.READ_LIST,
        form=DealReportForm,
        table=_deal_table,
        page="console:deal_list",
    )
)

PIPELINE_TABLES = {
    "stages": _("Pipeline by stage"),
    "months": _("Forecast by month"),
    "quarters": _("Forecast by quarter"),
    "regions": _("Pipeline by region"),
    "partners": _("Pipeline by partner"),
}


class PipelineReportForm(PipelineFilterForm):
    """The pipeline page's filters (the partners the reader may narrow to), and
    the table to send."""

    compact = False
    table = forms.ChoiceField(
        label=_("Table"), choices=list(PIPELINE_TABLES.items()), initial="stages"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(
            *args, partners=pipeline_selectors.filter_partners(user=user), **kwargs
        )
        self.order_fields(["table", "region", "partner", "close_from", "close_to"])


def _pipeline_table(*, user, filters: dict) -> Table:
    chosen = pipeline_selectors.PipelineFilters(
        region=filters.get("region") or "",
        partner_id=filters.get("partner"),
        close_from=filters.get("close_from"),
        close_to=filters.get("close_to"),
    )
    name = filters["table"]
    summary = pipeline_selectors.pipeline_summary(
        user=user,
        filters=chosen,
        regions=name == "regions",
        partners=MAX_DEAL_ROWS if name == "partners" else 0,
    )
    figures = [
        str(_("Deals")),
        str(_("Amount (%(currency)s)") % {"currency": summary.currency}),
        str(_("Weighted (%(currency)s)") % {"currency": summary.currency}),
    ]
    if name == "stages":
        heading = str(_("Stage"))
        lines = [(line.stage.name, line.figures) for line in summary.stages]
    elif name in ("months", "quarters"):
        heading = str(_("Expected close"))
        lines = [(line.label, line.figures) for line in getattr(summary, name)]
    else:
        heading = str(_("Region") if name == "regions" else _("Partner"))
        lines = [
            (line.label or str(line.key), line.figures)
            for line in getattr(summary, name)
        ]
    words = [str(PIPELINE_TABLES[name]), summary.currency]
    if chosen.region:
        words.append(chosen.region)
    if chosen.close_from or chosen.close_to:
        words.append(
            f"{chosen.close_from.isoformat() if chosen.close_from else '…'}"
            f" to {chosen.close_to.isoformat() if chosen.close_to else '…'}"
        )
    if summary.unconverted:
        words.append(str(_("deals in currencies without a rate left out")))
    return Table(
        title=str(_("Pipeline and forecast")),
        subtitle=", ".join(words),
        columns=[heading, *figures],
        rows=[
            [label, amounts.count, amounts.amount, amounts.weighted]
            for label, amounts in lines
        ],
    )


register(
    ReportKind(
        code="pipeline",
        label=_("Pipeline and forecast"),
        rule=deal_permissions.READ_PIPELINE,
        form=PipelineReportForm,
        table=_pipeline_table,
        page="console:pipeline",
    )
)
