"""The metrics pages: the executive dashboard (Insights) with its charts, tables
and exports, and the rollups' rebuilds with the drift each found."""

from decimal import Decimal

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from openprm.core import exports
from openprm.core.errors import ApplicationError
from openprm.core.web import act, console_page, form_page, portal_page
from openprm.metrics import (
    catalogue,
    dashboard,
    health,
    periods,
    permissions,
    progress,
    selectors,
    services,
    simulation,
    tiers,
)
from openprm.metrics.formatting import plain
from openprm.metrics.forms import (
    DashboardFilterForm,
    HealthModelForm,
    SimulationForm,
)
from openprm.metrics.models import RecommendationStatus
from openprm.programs import permissions as programme_permissions
from openprm.programs import selectors as programme_selectors
from openprm.programs import services as programme_services

TABLES = dashboard.TABLES


def _chart_data(board: dict) -> dict:
    """What the charts draw, as plain numbers (the tables show the exact ones)."""
    months = board["months"]
    labels = [row["month"].strftime("%Y-%m") for row in months]

    def series(code):
        return [plain(row["values"][code]) for row in months]

    charts = [
        {
            "id": "metrics-chart-revenue",
            "type": "bar",
            "labels": labels,
            "datasets": [
                {
                    "label": str(catalogue.get_metric("won_revenue").label),
                    "data": series("won_revenue"),
                },
                {
                    "label": str(catalogue.get_metric("pipeline").label),
                    "data": series("pipeline"),
                },
            ],
        },
        {
            "id": "metrics-chart-rates",
            "type": "line",
            "labels": labels,
            "datasets": [
                {"label": str(catalogue.get_metric(code).label), "data": series(code)}
                for code in ("win_rate", "lead_acceptance_rate")
            ],
        },
    ]
    for breakdown in board["breakdowns"]:
        charts.append(
            {
                "id": f"metrics-chart-{breakdown.key}",
                "type": "bar",
                "labels": [row["label"] for row in breakdown.rows],
                "datasets": [
                    {
                        "label": str(catalogue.get_metric("won_revenue").label),
                        "data": [
                            plain(row["values"]["won_revenue"])
                            for row in breakdown.rows
                        ],
                    }
                ],
            }
        )
    return {"charts": charts}


def _export(board: dict, table: str, file_format: str):
    head, columns, rows = dashboard.board_table(board, table)
    return exports.download(
        columns=columns,
        rows=rows,
        file_format=file_format,
        name=f"metrics-{table}",
        sheet=head,
    )


@require_safe
@console_page(rule=permissions.DASHBOARD)
def dashboard_page(request):
    form = DashboardFilterForm(request.GET, tiers=selectors.tier_names())
    try:
        period = periods.period_from(
            request.GET.get("first_month", ""), request.GET.get("last_month", "")
        )
    except ApplicationError as error:
        for field, problems in (getattr(error, "field_errors", None) or {}).items():
            for problem in problems:
                form.add_error(field, problem)
        period = periods.period_from()
    board = dashboard.dashboard(
        user=request.user, period=period, filters=form.filters()
    )
    file_format = request.GET.get("export", "")
    table = request.GET.get("table", "")
    if file_format in exports.FORMATS and table in TABLES:
        return _export(board, table, file_format)
    query = request.GET.copy()
    query.pop("export", None)
    query.pop("table", None)
    return render(
        request,
        "metrics/dashboard.html",
        {
            "form": form,
            "period": period,
            "board": board,
            "chart_data": _chart_data(board),
            "query": query.urlencode(),
        },
    )


@require_safe
@console_page(rule=permissions.ADMIN)
def rebuild_list(request):
    return render(
        request,
        "metrics/rebuilds.html",
        {"runs": selectors.rebuild_runs(user=request.user)[:30]},
    )


@require_POST
@console_page(rule=permissions.ADMIN)
def rebuild_start(request):
    return act(
        request,
        lambda: services.rollups_rebuild_by(actor=request.user),
        success=lambda run: (
            _("The rollups were rebuilt: %(drifted)s of %(cells)s cells had drifted.")
            % {"drifted": run.drifted, "cells": run.cells}
        ),
        next=reverse("console:metrics_rebuilds"),
    )


@require_safe
@console_page(rule=permissions.REVIEW)
def recommendation_list(request):
    status = request.GET.get("status", "pending")
    if status not in RecommendationStatus.values:
        status = ""
    return render(
        request,
        "metrics/recommendations.html",
        {
            "items": selectors.recommendation_list(user=request.user, status=status)[
                :100
            ],
            "status": status,
            "statuses": RecommendationStatus.choices,
            "grace_days": settings.OPENPRM_TIER_GRACE_DAYS,
        },
    )


@require_POST
@console_page(rule=permissions.REVIEW)
def recommendation_decide(request, public_id):
    item = tiers.recommendation_get(user=request.user, public_id=public_id)
    approve = request.POST.get("decision") == "approve"
    return act(
        request,
        lambda: tiers.recommendation_decide(
            actor=request.user,
            recommendation=item,
            approve=approve,
            note=request.POST.get("note", ""),
        ),
        success=lambda done: (
            _("Approved: %(status)s.") % {"status": done.get_status_display()}
            if approve
            else _("Rejected: the tier stays.")
        ),
        next=reverse("console:tier_recommendations"),
    )


@require_POST
@console_page(rule=permissions.EVALUATE)
def tiers_evaluate(request):
    return act(
        request,
        lambda: tiers.tiers_evaluate(actor=request.user),
        success=lambda counts: (
            _(
                "Evaluated: %(promote)s to promote, %(demote)s to demote, "
                "%(keep)s keep their tier."
            )
            % counts
        ),
        next=reverse("console:tier_recommendations"),
    )


@require_safe
@portal_page
def tier_progress_fragment(request):
    """The portal home's tier progress card (loaded after the page)."""
    return render(
        request,
        "metrics/_tier_progress.html",
        progress.tier_progress(partner=request.partner),
    )


@require_safe
@portal_page
def tier_progress_page(request):
    return render(
        request,
        "metrics/tier_progress.html",
        progress.tier_progress(partner=request.partner),
    )


@console_page(rule=programme_permissions.DEFINE)
def tier_simulate(request, public_id, tier_id):
    """A tier's thresholds and the evaluation window edited and tried on every
    enrolled partner before saving: today's recommendation and the simulated one
    side by side (htmx redraws the result as the form changes); **Save** writes
    the thresholds."""
    programme = programme_selectors.programme_get(
        user=request.user, public_id=public_id
    )
    tier = programme_selectors.tier_get(programme=programme, tier_id=tier_id)
    tier_url = reverse("console:programme_tier", args=[programme.public_id, tier.pk])
    form = SimulationForm(request.POST or None, tier=tier)
    if request.method == "POST" and "save" in request.POST:
        return act(
            request,
            lambda data: programme_services.tier_requirement_thresholds_set(
                actor=request.user, tier=tier, thresholds=form.thresholds()
            ),
            form=form,
            success=lambda changed: (
                _("%(count)s threshold(s) saved.") % {"count": len(changed)}
            ),
            next=tier_url,
            on_refusal=request.path,
        )
    context = {"programme": programme, "tier": tier, "form": form}
    if form.is_bound and not form.is_valid():
        context["invalid"] = True
    else:
        edits = form.thresholds() if form.is_bound else {}
        months = form.cleaned_data["months"] if form.is_bound else None
        try:
            context["simulation"] = simulation.simulate(
                user=request.user, programme=programme, thresholds=edits, months=months
            )
        except ApplicationError as error:
            context["invalid"] = True
            for field, problems in getattr(error, "field_errors", {}).items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
    if request.headers.get("HX-Request"):
        return render(request, "metrics/_simulation.html", context)
    return render(request, "metrics/tier_simulation.html", context)


@require_safe
@console_page(rule=permissions.DASHBOARD)
def health_at_risk(request):
    """The partners at risk in the reader's scope, and each programme's health
    model (its definer edits it from here)."""
    items = list(selectors.at_risk_list(user=request.user)[:200])
    for item in items:
        item.weak = [
            row for row in item.breakdown if Decimal(row["points"]) < row["weight"]
        ]
    programmes = programme_selectors.programme_list_visible_to(
        user=request.user
    ).select_related("health_model")
    return render(
        request,
        "metrics/health_at_risk.html",
        {
            "items": items,
            "programmes": programmes,
            "can_define": programme_permissions.DEFINE.allows(request.user),
        },
    )


@console_page(rule=programme_permissions.DEFINE)
def health_model_edit(request, public_id):
    programme = programme_selectors.programme_get(
        user=request.user, public_id=public_id
    )
    model = selectors.health_model_for(programme=programme)
    form = HealthModelForm(
        request.POST or None, metrics=catalogue.metrics(), model=model
    )
    return form_page(
        request,
        form,
        template="metrics/health_model.html",
        save=lambda data: health.health_model_set(
            actor=request.user,
            programme=programme,
            at_risk_below=data["at_risk_below"],
            alert_drop=data["alert_drop"],
            measures=form.measures(),
        ),
        success=_("The health score was saved: the next computation uses it."),
        next=reverse("console:health_at_risk"),
        context={"programme": programme},
    )
