"""The pipeline and forecast pages: the console's (the ecosystem, by region and
partner, with charts) and the portal's (the partner's own, and a distributor's
downstream where it may see it). The figures come from ``pipeline.selectors``; the
charts read them from ``json_script`` blocks. Every table downloads as CSV or XLSX
(``?<filters>&export=csv|xlsx&table=<name>``, ``pipeline.tables``) with the page's
filters and the reader's scope; a bad filter, format or table answers 400 with the
page and its error."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from openprm.core import exports
from openprm.core.web import PORTAL, console_page, portal_page
from openprm.deals import permissions
from openprm.deals.pipeline import selectors, tables
from openprm.deals.pipeline.forms import PipelineFilterForm

# The partners listed on a page (the API pages through all of them).
TOP_PARTNERS = 20

# The tables each page shows (and exports); the portal's partners table only
# for a distributor that sees its downstream partners.
CONSOLE_TABLES = tables.TABLES
PORTAL_TABLES = (tables.STAGES, tables.MONTHS, tables.QUARTERS)


def _chart_data(summary: selectors.PipelineSummary) -> dict:
    """The figures the charts draw, as numbers (the tables show the exact ones)."""
    return {
        "currency": summary.currency,
        "stages": {
            "labels": [line.stage.name for line in summary.stages],
            "amount": [float(line.figures.amount) for line in summary.stages],
            "weighted": [float(line.figures.weighted) for line in summary.stages],
        },
        "months": {
            "labels": [line.label for line in summary.months],
            "amount": [float(line.figures.amount) for line in summary.months],
            "weighted": [float(line.figures.weighted) for line in summary.months],
        },
    }


def _valid_query(form) -> str:
    """The page's valid filters as a query string (what **Save as scheduled
    report** carries to the schedule's form)."""
    form.is_valid()
    return urlencode(
        {
            name: form.data[name]
            for name in form.fields
            if form.data.get(name) and name not in form.errors
        }
    )


def _requested_export(request, form, shown: tuple[str, ...]) -> tuple[bool, str, str]:
    """Whether a download is asked for, its format and table, after checking
    them and the filters: a problem is a form error and the answer a 400."""
    if "export" not in request.GET and "table" not in request.GET:
        return False, "", ""
    file_format = request.GET.get("export", "")
    table = request.GET.get("table", "")
    form.is_valid()
    if file_format not in exports.FORMATS:
        form.add_error(None, _("Choose a download format: CSV or XLSX."))
    if table not in shown:
        form.add_error(
            None,
            _("This page has no table “%(table)s”: choose one of %(tables)s.")
            % {"table": table, "tables": ", ".join(shown)},
        )
    return True, file_format, table


def _download(summary, *, table: str, file_format: str):
    columns, rows = tables.table(summary, table)
    return exports.download(
        columns=columns,
        rows=rows,
        file_format=file_format,
        name=f"pipeline-{table}",
        sheet=f"pipeline-{table}",
    )


def _page(request, template: str, form, summary, *, status: int = 200, **context):
    return render(
        request,
        template,
        {
            "form": form,
            "summary": summary,
            "chart_data": _chart_data(summary),
            "query": _valid_query(form),
            **context,
        },
        status=status,
    )


@require_safe
@console_page(rule=permissions.READ_PIPELINE)
def console_pipeline(request):
    form = PipelineFilterForm(
        request.GET, partners=selectors.filter_partners(user=request.user)
    )
    asked, file_format, table = _requested_export(request, form, CONSOLE_TABLES)
    exporting = asked and not form.errors
    summary = selectors.pipeline_summary(
        user=request.user,
        filters=form.filters(),
        regions=not exporting or table == tables.REGIONS,
        partners=TOP_PARTNERS if not exporting or table == tables.PARTNERS else 0,
    )
    if exporting:
        return _download(summary, table=table, file_format=file_format)
    return _page(
        request,
        "deals/pipeline_console.html",
        form,
        summary,
        status=400 if asked and form.errors else 200,
        schedule_query=_valid_query(form),
    )


@require_safe
@portal_page(rule=permissions.READ_PIPELINE)
def portal_pipeline(request):
    """The organisation the portal works for (its switcher), with its downstream
    partners when it is a distributor that sees them."""
    downstream = request.partner.downstream_visibility
    form = PipelineFilterForm(
        request.GET,
        regions=False,
        partners=selectors.filter_partners(user=request.user) if downstream else None,
        area=PORTAL,
    )
    shown = PORTAL_TABLES + ((tables.PARTNERS,) if downstream else ())
    asked, file_format, table = _requested_export(request, form, shown)
    exporting = asked and not form.errors
    summary = selectors.pipeline_summary(
        user=request.user,
        filters=form.filters(),
        organisation=request.partner,
        partners=TOP_PARTNERS
        if downstream and (not exporting or table == tables.PARTNERS)
        else 0,
    )
    if exporting:
        return _download(summary, table=table, file_format=file_format)
    return _page(
        request,
        "deals/pipeline_portal.html",
        form,
        summary,
        status=400 if asked and form.errors else 200,
        downstream=downstream,
    )
