"""Console pages of programmes and enrolments, and the portal's Programme page."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.core.errors import ApplicationError, NotFound, ValidationFailed
from openprm.core.web import console_page, portal_page
from openprm.programs import requirements, selectors, services
from openprm.programs.forms import (
    BenefitForm,
    ChangeTierForm,
    EndEnrolmentForm,
    EnrolForm,
    ProgrammeForm,
    RequirementForm,
    TierForm,
)
from openprm.programs.models import Tier

ENROLMENTS_PER_PAGE = 50


def _console(check=None):
    """Vendor staff (and, with ``check``, only those it accepts: 403 otherwise);
    a NotFound from a selector or service is a 404 page."""

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


staff_view = _console()
definer_view = _console(selectors.can_define_programmes)
manager_view = _console(selectors.can_manage_enrolments)


def _form_page(request, *, form, title, back_url, programme=None):
    return render(
        request,
        "programs/form.html",
        {"form": form, "title": title, "back_url": back_url, "programme": programme},
    )


# --- programmes


@staff_view
def programme_list(request):
    programmes = list(selectors.programme_list_visible_to(user=request.user))
    return render(
        request,
        "programs/programme_list.html",
        {
            "programmes": programmes,
            "can_define": selectors.can_define_programmes(request.user),
            "can_enrol": selectors.can_manage_enrolments(request.user),
        },
    )


@definer_view
def programme_create(request):
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(
                actor=request.user, **form.cleaned_data
            )
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
        else:
            messages.success(request, _("The programme was created."))
            return redirect("console:programme_detail", public_id=programme.public_id)
    return _form_page(
        request,
        form=form,
        title=_("New programme"),
        back_url="console:programme_list",
    )


@staff_view
def programme_detail(request, public_id):
    programme = selectors.programme_get(user=request.user, public_id=public_id)
    enrolments = selectors.enrolment_list_visible_to(
        user=request.user, programme=programme
    )
    page = Paginator(enrolments, ENROLMENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "programs/programme_detail.html",
        {
            "programme": programme,
            "tiers": list(programme.tiers.all()),
            "page": page,
            "can_define": selectors.can_define_programmes(request.user),
            "can_enrol": selectors.can_manage_enrolments(request.user),
        },
    )


@definer_view
def programme_update(request, public_id):
    programme = selectors.programme_get(user=request.user, public_id=public_id)
    initial = {
        "name": programme.name,
        "slug": programme.slug,
        "description": programme.description,
        "eligible_partner_types": programme.eligible_partner_types,
        "is_active": programme.is_active,
    }
    form = ProgrammeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(
                actor=request.user, programme=programme, **form.cleaned_data
            )
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
        else:
            messages.success(request, _("The programme was saved."))
            return redirect("console:programme_detail", public_id=programme.public_id)
    return _form_page(
        request,
        form=form,
        title=_("Edit programme"),
        back_url="console:programme_detail",
        programme=programme,
    )


# --- tiers


def _tier(request, public_id, tier_id) -> Tier:
    programme = selectors.programme_get(user=request.user, public_id=public_id)
    return selectors.tier_get(programme=programme, tier_id=tier_id)


@definer_view
def tier_create(request, public_id):
    programme = selectors.programme_get(user=request.user, public_id=public_id)
    form = TierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tier = services.tier_create(
                actor=request.user, programme=programme, **form.cleaned_data
            )
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
        else:
            messages.success(request, _("The tier was added."))
            return redirect(
                "console:programme_tier", public_id=public_id, tier_id=tier.pk
            )
    return _form_page(
        request,
        form=form,
        title=_("New tier"),
        back_url="console:programme_detail",
        programme=programme,
    )


@definer_view
def tier_detail(request, public_id, tier_id):
    """A tier's definition: its name and rank, requirements and benefits."""
    tier = _tier(request, public_id, tier_id)
    form = TierForm(
        request.POST or None,
        initial={"name": tier.name, "rank": tier.rank, "description": tier.description},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.tier_update(actor=request.user, tier=tier, **form.cleaned_data)
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
        else:
            messages.success(request, _("The tier was saved."))
            return redirect(
                "console:programme_tier", public_id=public_id, tier_id=tier_id
            )
    return _tier_page(request, tier, form=form)


def _tier_page(request, tier, *, form=None, requirement_form=None, benefit_form=None):
    return render(
        request,
        "programs/tier_detail.html",
        {
            "programme": tier.programme,
            "tier": tier,
            "form": form
            or TierForm(
                initial={
                    "name": tier.name,
                    "rank": tier.rank,
                    "description": tier.description,
                }
            ),
            "requirement_form": requirement_form or RequirementForm(),
            "benefit_form": benefit_form or BenefitForm(),
        },
    )


@definer_view
@require_POST
def tier_requirement_create(request, public_id, tier_id):
    tier = _tier(request, public_id, tier_id)
    form = RequirementForm(request.POST)
    if form.is_valid():
        try:
            services.tier_requirement_create(
                actor=request.user, tier=tier, **form.cleaned_data
            )
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
        else:
            messages.success(request, _("The requirement was added."))
            return redirect(
                "console:programme_tier", public_id=public_id, tier_id=tier_id
            )
    return _tier_page(request, tier, requirement_form=form)


@definer_view
@require_POST
def tier_requirement_delete(request, public_id, tier_id, requirement_id):
    tier = _tier(request, public_id, tier_id)
    services.tier_requirement_delete(
        actor=request.user,
        requirement=selectors.tier_requirement_get(
            tier=tier, requirement_id=requirement_id
        ),
    )
    messages.success(request, _("The requirement was removed."))
    return redirect("console:programme_tier", public_id=public_id, tier_id=tier_id)


@definer_view
@require_POST
def tier_benefit_set(request, public_id, tier_id):
    tier = _tier(request, public_id, tier_id)
    form = BenefitForm(request.POST)
    if form.is_valid():
        try:
            services.tier_benefit_set(
                actor=request.user, tier=tier, **form.cleaned_data
            )
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
        else:
            messages.success(request, _("The benefit was saved."))
            return redirect(
                "console:programme_tier", public_id=public_id, tier_id=tier_id
            )
    return _tier_page(request, tier, benefit_form=form)


@definer_view
@require_POST
def tier_benefit_delete(request, public_id, tier_id, benefit_id):
    tier = _tier(request, public_id, tier_id)
    services.tier_benefit_delete(
        actor=request.user,
        benefit=selectors.tier_benefit_get(tier=tier, benefit_id=benefit_id),
    )
    messages.success(request, _("The benefit was removed."))
    return redirect("console:programme_tier", public_id=public_id, tier_id=tier_id)


# --- enrolments


@manager_view
def enrolment_create(request):
    programmes = selectors.programme_list_visible_to(user=request.user).filter(
        is_active=True
    )
    form = EnrolForm(
        request.POST or None,
        initial={"programme": request.GET.get("programme")},
        partners=selectors.enrollable_partners(user=request.user),
        programmes=programmes,
        tiers=selectors.tiers_of(programmes=programmes),
    )
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.enrolment_create(
                actor=request.user, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_service_errors(error.field_errors or {None: [error.message]})
        else:
            messages.success(request, _("The partner was enrolled."))
            return redirect(
                "console:programme_enrolment", public_id=enrolment.public_id
            )
    return _form_page(
        request,
        form=form,
        title=_("Enrol a partner"),
        back_url="console:programme_list",
    )


def _enrolment_page(request, enrolment, *, change_form=None, end_form=None):
    can_manage = selectors.can_manage_enrolments(request.user)
    return render(
        request,
        "programs/enrolment_detail.html",
        {
            "enrolment": enrolment,
            "history": list(selectors.tier_change_list(enrolment=enrolment)),
            "can_manage": can_manage and enrolment.status == "active",
            "change_form": change_form
            or ChangeTierForm(tiers=enrolment.programme.tiers.order_by("rank")),
            "end_form": end_form or EndEnrolmentForm(),
        },
    )


@staff_view
def enrolment_detail(request, public_id):
    enrolment = selectors.enrolment_get(user=request.user, public_id=public_id)
    return _enrolment_page(request, enrolment)


@manager_view
@require_POST
def enrolment_change_tier(request, public_id):
    enrolment = selectors.enrolment_get(user=request.user, public_id=public_id)
    form = ChangeTierForm(
        request.POST, tiers=enrolment.programme.tiers.order_by("rank")
    )
    if form.is_valid():
        try:
            services.enrolment_change_tier(
                actor=request.user, enrolment=enrolment, **form.cleaned_data
            )
        except ApplicationError as error:
            if isinstance(error, NotFound):
                raise
            form.add_service_errors(error.field_errors or {None: [error.message]})
        else:
            messages.success(request, _("The tier was changed."))
            return redirect("console:programme_enrolment", public_id=public_id)
    return _enrolment_page(request, enrolment, change_form=form)


@manager_view
@require_POST
def enrolment_end(request, public_id):
    enrolment = selectors.enrolment_get(user=request.user, public_id=public_id)
    form = EndEnrolmentForm(request.POST)
    if form.is_valid():
        try:
            services.enrolment_end(
                actor=request.user, enrolment=enrolment, **form.cleaned_data
            )
        except ApplicationError as error:
            if isinstance(error, NotFound):
                raise
            messages.error(request, error.message)
        else:
            messages.success(request, _("The enrolment was ended."))
    return redirect("console:programme_enrolment", public_id=public_id)


# --- portal


@portal_page
def portal_programme(request):
    """The organisation's programmes: current tier, its benefits, and where it
    stands on the next tier's requirements."""
    values = selectors.partner_metric_values(partner=request.partner)
    cards = []
    for enrolment in selectors.partner_enrolments_for_portal(partner=request.partner):
        tiers = list(enrolment.programme.tiers.all())
        next_tier = next(
            (tier for tier in tiers if tier.rank > enrolment.tier.rank), None
        )
        current = next(tier for tier in tiers if tier.pk == enrolment.tier_id)
        cards.append(
            {
                "enrolment": enrolment,
                "tier": current,
                "next_tier": next_tier,
                "results": requirements.evaluate_requirements(
                    next_tier.requirements.all(), values
                )
                if next_tier
                else [],
            }
        )
    return render(
        request,
        "programs/portal_programme.html",
        {"partner": request.partner, "cards": cards},
    )
