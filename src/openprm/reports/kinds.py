"""The report kinds that can be scheduled, each read through its own app's
selectors: the performance dashboard's tables (metrics), the fund report (funds)
and the learning reports (learning)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.core.forms import StyledForm
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
