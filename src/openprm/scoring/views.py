"""Console pages of scorecards: definitions, rankings and the bulk recompute."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.core.pagination import requested_page
from openprm.core.web import act, console_page, form_page
from openprm.partners.choices import PartnerStatus
from openprm.scoring import permissions, selectors, services
from openprm.scoring.forms import CriterionForm, ScorecardForm, config_as_lines

RANKING_PER_PAGE = 50


def _detail_url(scorecard) -> str:
    return reverse(
        "console:scorecard_detail", kwargs={"public_id": scorecard.public_id}
    )


@console_page(rule=permissions.READ)
def scorecard_list(request):
    return render(
        request,
        "scoring/scorecard_list.html",
        {
            "scorecards": list(selectors.scorecard_list_visible_to(user=request.user)),
            "runs": list(selectors.score_run_list(user=request.user)[:5]),
            "can_define": permissions.DEFINE.allows(request.user),
        },
    )


def _form_page(request, form, *, title, save, success, scorecard=None):
    return form_page(
        request,
        form,
        template="scoring/form.html",
        save=save,
        success=success,
        next=lambda saved: _detail_url(scorecard or saved),
        context={"title": title, "scorecard": scorecard},
    )


@console_page(rule=permissions.DEFINE)
def scorecard_create(request):
    return _form_page(
        request,
        ScorecardForm(request.POST or None),
        title=_("New scorecard"),
        save=lambda data: services.scorecard_create(actor=request.user, **data),
        success=_("The scorecard was created."),
    )


@console_page(rule=permissions.READ)
def scorecard_detail(request, public_id):
    scorecard = selectors.scorecard_get(user=request.user, public_id=public_id)
    can_define = permissions.DEFINE.allows(request.user)
    criteria = [
        (criterion, config_as_lines(criterion.kind, criterion.config))
        for criterion in scorecard.criteria.all()
    ]
    return render(
        request,
        "scoring/scorecard_detail.html",
        {
            "scorecard": scorecard,
            "criteria": criteria,
            "can_define": can_define,
            "criterion_form": CriterionForm(
                custom_fields=selectors.custom_field_definitions()
            )
            if can_define
            else None,
        },
    )


@console_page(rule=permissions.DEFINE)
def scorecard_update(request, public_id):
    scorecard = selectors.scorecard_get(user=request.user, public_id=public_id)
    initial = {
        "name": scorecard.name,
        "description": scorecard.description,
        "applies_to_statuses": scorecard.applies_to_statuses,
        "is_active": scorecard.is_active,
    }
    return _form_page(
        request,
        ScorecardForm(request.POST or None, initial=initial),
        title=_("Edit scorecard"),
        save=lambda data: services.scorecard_update(
            actor=request.user, scorecard=scorecard, **data
        ),
        success=_("The scorecard was saved."),
        scorecard=scorecard,
    )


@console_page(rule=permissions.DEFINE)
def criterion_create(request, public_id):
    scorecard = selectors.scorecard_get(user=request.user, public_id=public_id)
    return _form_page(
        request,
        CriterionForm(
            request.POST or None, custom_fields=selectors.custom_field_definitions()
        ),
        title=_("New criterion"),
        save=lambda data: services.criterion_create(
            actor=request.user, scorecard=scorecard, **data
        ),
        success=_("The criterion was added."),
        scorecard=scorecard,
    )


@console_page(rule=permissions.DEFINE)
def criterion_update(request, public_id, criterion_id):
    scorecard = selectors.scorecard_get(user=request.user, public_id=public_id)
    criterion = selectors.criterion_get(scorecard=scorecard, criterion_id=criterion_id)
    initial = {
        "label": criterion.label,
        "field": criterion.field,
        "kind": criterion.kind,
        "weight": criterion.weight,
        "config": config_as_lines(criterion.kind, criterion.config),
    }
    return _form_page(
        request,
        CriterionForm(
            request.POST or None,
            initial=initial,
            custom_fields=selectors.custom_field_definitions(),
        ),
        title=_("Edit criterion"),
        save=lambda data: services.criterion_update(
            actor=request.user, criterion=criterion, **data
        ),
        success=_("The criterion was saved."),
        scorecard=scorecard,
    )


@console_page(rule=permissions.DEFINE)
@require_POST
def criterion_delete(request, public_id, criterion_id):
    scorecard = selectors.scorecard_get(user=request.user, public_id=public_id)
    criterion = selectors.criterion_get(scorecard=scorecard, criterion_id=criterion_id)
    return act(
        request,
        lambda: services.criterion_delete(actor=request.user, criterion=criterion),
        success=_("The criterion was removed."),
        next=_detail_url(scorecard),
    )


@console_page(rule=permissions.READ)
def scorecard_ranking(request, public_id):
    scorecard = selectors.scorecard_get(user=request.user, public_id=public_id)
    status = request.GET.get("status", "")
    if status not in PartnerStatus.values:
        status = ""
    sort = request.GET.get("sort", "-score")
    if sort not in selectors.RANKING_SORTS:
        sort = "-score"
    min_score = selectors.score_bound(request.GET.get("min"))
    max_score = selectors.score_bound(request.GET.get("max"))
    scores = selectors.ranking(
        user=request.user,
        scorecard=scorecard,
        status=status,
        sort=sort,
        min_score=min_score,
        max_score=max_score,
    )
    page = requested_page(request, scores, per_page=RANKING_PER_PAGE)
    query = urlencode(
        {
            key: value
            for key, value in (
                ("status", status),
                ("sort", sort),
                ("min", "" if min_score is None else min_score),
                ("max", "" if max_score is None else max_score),
            )
            if value != ""
        }
    )
    return render(
        request,
        "scoring/ranking.html",
        {
            "scorecard": scorecard,
            "page": page,
            "status": status,
            "sort": sort,
            "min_score": "" if min_score is None else min_score,
            "max_score": "" if max_score is None else max_score,
            "query": query,
            "statuses": PartnerStatus.choices,
        },
    )


@console_page(rule=permissions.DEFINE)
@require_POST
def score_run_start(request):
    return act(
        request,
        lambda: services.score_run_start(actor=request.user),
        success=_("Scores are being recomputed."),
        next=lambda run: reverse("console:score_run", args=[run.public_id]),
        on_refusal="console:scorecard_list",
    )


@console_page(rule=permissions.READ)
def score_run_detail(request, public_id):
    run = selectors.score_run_get(user=request.user, public_id=public_id)
    template = (
        "scoring/_run_progress.html"
        if request.headers.get("HX-Request")
        else "scoring/run_detail.html"
    )
    return render(request, template, {"run": run})
