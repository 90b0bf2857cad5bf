"""Console pages of scorecards: definitions, rankings and the bulk recompute."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.core.errors import NotFound, ValidationFailed
from openprm.core.web import console_page
from openprm.partners.choices import PartnerStatus
from openprm.scoring import selectors, services
from openprm.scoring.forms import CriterionForm, ScorecardForm, config_as_lines

RANKING_PER_PAGE = 50


def _console(check=None):
    def decorator(view):
        @console_page
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if check is not None and not check(request.user):
                raise PermissionDenied
            try:
                return view(request, *args, **kwargs)
            except NotFound as error:
                raise Http404 from error

        return wrapper

    return decorator


staff_view = _console(selectors.can_read_scorecards)
definer_view = _console(selectors.can_define_scorecards)


@staff_view
def scorecard_list(request):
    return render(
        request,
        "scoring/scorecard_list.html",
        {
            "scorecards": list(selectors.scorecard_list_visible_to(user=request.user)),
            "runs": list(selectors.score_run_list(user=request.user)[:5]),
            "can_define": selectors.can_define_scorecards(request.user),
        },
    )


def _form_page(request, *, form, title, scorecard=None):
    return render(
        request,
        "scoring/form.html",
        {"form": form, "title": title, "scorecard": scorecard},
    )


@definer_view
def scorecard_create(request):
    form = ScorecardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scorecard = services.scorecard_create(
                actor=request.user, **form.cleaned_data
            )
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
        else:
            messages.success(request, _("The scorecard was created."))
            return redirect("console:scorecard_detail", public_id=scorecard.public_id)
    return _form_page(request, form=form, title=_("New scorecard"))


@staff_view
def scorecard_detail(request, public_id):
    scorecard = selectors.scorecard_get(user=request.user, public_id=public_id)
    can_define = selectors.can_define_scorecards(request.user)
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


@definer_view
def scorecard_update(request, public_id):
    scorecard = selectors.scorecard_get(user=request.user, public_id=public_id)
    initial = {
        "name": scorecard.name,
        "description": scorecard.description,
        "applies_to_statuses": scorecard.applies_to_statuses,
        "is_active": scorecard.is_active,
    }
    form = ScorecardForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.scorecard_update(
                actor=request.user, scorecard=scorecard, **form.cleaned_data
            )
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
        else:
            messages.success(request, _("The scorecard was saved."))
            return redirect("console:scorecard_detail", public_id=scorecard.public_id)
    return _form_page(
        request, form=form, title=_("Edit scorecard"), scorecard=scorecard
    )


@definer_view
def criterion_create(request, public_id):
    scorecard = selectors.scorecard_get(user=request.user, public_id=public_id)
    form = CriterionForm(
        request.POST or None, custom_fields=selectors.custom_field_definitions()
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_create(
                actor=request.user, scorecard=scorecard, **form.cleaned_data
            )
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
        else:
            messages.success(request, _("The criterion was added."))
            return redirect("console:scorecard_detail", public_id=scorecard.public_id)
    return _form_page(request, form=form, title=_("New criterion"), scorecard=scorecard)


@definer_view
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
    form = CriterionForm(
        request.POST or None,
        initial=initial,
        custom_fields=selectors.custom_field_definitions(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_update(
                actor=request.user, criterion=criterion, **form.cleaned_data
            )
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
        else:
            messages.success(request, _("The criterion was saved."))
            return redirect("console:scorecard_detail", public_id=scorecard.public_id)
    return _form_page(
        request, form=form, title=_("Edit criterion"), scorecard=scorecard
    )


@definer_view
@require_POST
def criterion_delete(request, public_id, criterion_id):
    scorecard = selectors.scorecard_get(user=request.user, public_id=public_id)
    services.criterion_delete(
        actor=request.user,
        criterion=selectors.criterion_get(
            scorecard=scorecard, criterion_id=criterion_id
        ),
    )
    messages.success(request, _("The criterion was removed."))
    return redirect("console:scorecard_detail", public_id=scorecard.public_id)


@staff_view
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
    page = Paginator(scores, RANKING_PER_PAGE).get_page(request.GET.get("page"))
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


@definer_view
@require_POST
def score_run_start(request):
    run = services.score_run_start(actor=request.user)
    messages.success(request, _("Scores are being recomputed."))
    return redirect("console:score_run", public_id=run.public_id)


@staff_view
def score_run_detail(request, public_id):
    run = selectors.score_run_get(user=request.user, public_id=public_id)
    template = (
        "scoring/_run_progress.html"
        if request.headers.get("HX-Request")
        else "scoring/run_detail.html"
    )
    return render(request, template, {"run": run})
