"""The pipeline and forecast pages: the console's (the ecosystem, by region and
partner, with charts) and the portal's (the partner's own, and a distributor's
downstream where it may see it). The figures come from ``pipeline.selectors``; the
charts read them from ``json_script`` blocks."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.views.decorators.http import require_safe

from openprm.core.web import console_page, portal_page
from openprm.deals import permissions
from openprm.deals.pipeline import selectors
from openprm.deals.pipeline.forms import PipelineFilterForm

# The partners listed on a page (the API pages through all of them).
TOP_PARTNERS = 20


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


def _page(request, template: str, form, summary, **context):
    return render(
        request,
        template,
        {
            "form": form,
            "summary": summary,
            "chart_data": _chart_data(summary),
            **context,
        },
    )


@require_safe
@console_page(rule=permissions.READ_PIPELINE)
def console_pipeline(request):
    form = PipelineFilterForm(
        request.GET, partners=selectors.filter_partners(user=request.user)
    )
    summary = selectors.pipeline_summary(
        user=request.user,
        filters=form.filters(),
        regions=True,
        partners=TOP_PARTNERS,
    )
    return _page(
        request,
        "deals/pipeline_console.html",
        form,
        summary,
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
    )
    summary = selectors.pipeline_summary(
        user=request.user,
        filters=form.filters(),
        organisation=request.partner,
        partners=TOP_PARTNERS if downstream else 0,
    )
    return _page(
        request, "deals/pipeline_portal.html", form, summary, downstream=downstream
    )
