"""Console pages of programmes and enrolments, and the portal's Programme page."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.core.pagination import requested_page
from openprm.core.web import act, console_page, form_page, portal_page
from openprm.programs import permissions, requirements, selectors, services
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
FORM_TEMPLATE = "programs/form.html"


def _programme_url(programme) -> str:
    return reverse("console:programme_detail", args=[programme.public_id])


def _tier_url(tier) -> str:
    return reverse("console:programme_tier", args=[tier.programme.public_id, tier.pk])


def _enrolment_url(enrolment) -> str:
    return reverse("console:programme_enrolment", args=[enrolment.public_id])


# --- programmes


@console_page
def programme_list(request):
    programmes = list(selectors.programme_list_visible_to(user=request.user))
    return render(
        request,
        "programs/programme_list.html",
        {
            "programmes": programmes,
            "can_define": permissions.DEFINE.allows(request.user),
            "can_enrol": permissions.MANAGE_ENROLMENTS.allows(request.user),
        },
    )


@console_page(rule=permissions.DEFINE)
def programme_create(request):
    return form_page(
        request,
        ProgrammeForm(request.POST or None),
        template=FORM_TEMPLATE,
        save=lambda data: services.programme_create(actor=request.user, **data),
        success=_("The programme was created."),
        next=_programme_url,
        context={"title": _("New programme"), "back_url": "console:programme_list"},
    )


@console_page
def programme_detail(request, public_id):
    programme = selectors.programme_get(user=request.user, public_id=public_id)
    enrolments = selectors.enrolment_list_visible_to(
        user=request.user, programme=programme
    )
    page = requested_page(request, enrolments, per_page=ENROLMENTS_PER_PAGE)
    return render(
        request,
        "programs/programme_detail.html",
        {
            "programme": programme,
            "tiers": list(programme.tiers.all()),
            "page": page,
            "can_define": permissions.DEFINE.allows(request.user),
            "can_enrol": permissions.MANAGE_ENROLMENTS.allows(request.user),
        },
    )


@console_page(rule=permissions.DEFINE)
def programme_update(request, public_id):
    programme = selectors.programme_get(user=request.user, public_id=public_id)
    initial = {
        "name": programme.name,
        "slug": programme.slug,
        "description": programme.description,
        "eligible_partner_types": programme.eligible_partner_types,
        "is_active": programme.is_active,
    }
    return form_page(
        request,
        ProgrammeForm(request.POST or None, initial=initial),
        template=FORM_TEMPLATE,
        save=lambda data: services.programme_update(
            actor=request.user, programme=programme, **data
        ),
        success=_("The programme was saved."),
        next=_programme_url(programme),
        context={
            "title": _("Edit programme"),
            "back_url": "console:programme_detail",
            "programme": programme,
        },
    )


# --- tiers


def _tier(request, public_id, tier_id) -> Tier:
    programme = selectors.programme_get(user=request.user, public_id=public_id)
    return selectors.tier_get(programme=programme, tier_id=tier_id)


def _tier_form(tier, data=None) -> TierForm:
    return TierForm(
        data,
        initial={"name": tier.name, "rank": tier.rank, "description": tier.description},
    )


def _tier_context(tier, **forms) -> dict:
    """The tier page: its definition form, and the forms adding a requirement and
    a benefit (a bound one shows its errors)."""
    return {
        "programme": tier.programme,
        "tier": tier,
        "form": forms.get("form") or _tier_form(tier),
        "requirement_form": forms.get("requirement_form") or RequirementForm(),
        "benefit_form": forms.get("benefit_form") or BenefitForm(),
    }


@console_page(rule=permissions.DEFINE)
def tier_create(request, public_id):
    programme = selectors.programme_get(user=request.user, public_id=public_id)
    return form_page(
        request,
        TierForm(request.POST or None),
        template=FORM_TEMPLATE,
        save=lambda data: services.tier_create(
            actor=request.user, programme=programme, **data
        ),
        success=_("The tier was added."),
        next=_tier_url,
        context={
            "title": _("New tier"),
            "back_url": "console:programme_detail",
            "programme": programme,
        },
    )


@console_page(rule=permissions.DEFINE)
def tier_detail(request, public_id, tier_id):
    """A tier's definition: its name and rank, requirements and benefits."""
    tier = _tier(request, public_id, tier_id)
    form = _tier_form(tier, request.POST or None)
    return form_page(
        request,
        form,
        template="programs/tier_detail.html",
        save=lambda data: services.tier_update(actor=request.user, tier=tier, **data),
        success=_("The tier was saved."),
        next=_tier_url(tier),
        context=_tier_context(tier, form=form),
    )


@console_page(rule=permissions.DEFINE)
@require_POST
def tier_requirement_create(request, public_id, tier_id):
    tier = _tier(request, public_id, tier_id)
    form = RequirementForm(request.POST)
    return form_page(
        request,
        form,
        template="programs/tier_detail.html",
        save=lambda data: services.tier_requirement_create(
            actor=request.user, tier=tier, **data
        ),
        success=_("The requirement was added."),
        next=_tier_url(tier),
        context=_tier_context(tier, requirement_form=form),
    )


@console_page(rule=permissions.DEFINE)
@require_POST
def tier_requirement_delete(request, public_id, tier_id, requirement_id):
    tier = _tier(request, public_id, tier_id)
    requirement = selectors.tier_requirement_get(
        tier=tier, requirement_id=requirement_id
    )
    return act(
        request,
        lambda: services.tier_requirement_delete(
            actor=request.user, requirement=requirement
        ),
        success=_("The requirement was removed."),
        next=_tier_url(tier),
    )


@console_page(rule=permissions.DEFINE)
@require_POST
def tier_benefit_set(request, public_id, tier_id):
    tier = _tier(request, public_id, tier_id)
    form = BenefitForm(request.POST)
    return form_page(
        request,
        form,
        template="programs/tier_detail.html",
        save=lambda data: services.tier_benefit_set(
            actor=request.user, tier=tier, **data
        ),
        success=_("The benefit was saved."),
        next=_tier_url(tier),
        context=_tier_context(tier, benefit_form=form),
    )


@console_page(rule=permissions.DEFINE)
@require_POST
def tier_benefit_delete(request, public_id, tier_id, benefit_id):
    tier = _tier(request, public_id, tier_id)
    benefit = selectors.tier_benefit_get(tier=tier, benefit_id=benefit_id)
    return act(
        request,
        lambda: services.tier_benefit_delete(actor=request.user, benefit=benefit),
        success=_("The benefit was removed."),
        next=_tier_url(tier),
    )


# --- enrolments


@console_page(rule=permissions.MANAGE_ENROLMENTS)
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
    return form_page(
        request,
        form,
        template=FORM_TEMPLATE,
        save=lambda data: services.enrolment_create(actor=request.user, **data),
        success=_("The partner was enrolled."),
        next=_enrolment_url,
        context={"title": _("Enrol a partner"), "back_url": "console:programme_list"},
    )


def _tiers_of(enrolment):
    return enrolment.programme.tiers.order_by("rank")


def _enrolment_context(request, enrolment, *, change_form=None) -> dict:
    return {
        "enrolment": enrolment,
        "history": list(selectors.tier_change_list(enrolment=enrolment)),
        "can_manage": permissions.MANAGE_ENROLMENTS.allows(request.user)
        and enrolment.status == "active",
        "change_form": change_form or ChangeTierForm(tiers=_tiers_of(enrolment)),
        "end_form": EndEnrolmentForm(),
    }


@console_page
def enrolment_detail(request, public_id):
    enrolment = selectors.enrolment_get(user=request.user, public_id=public_id)
    return render(
        request,
        "programs/enrolment_detail.html",
        _enrolment_context(request, enrolment),
    )


@console_page(rule=permissions.MANAGE_ENROLMENTS)
@require_POST
def enrolment_change_tier(request, public_id):
    enrolment = selectors.enrolment_get(user=request.user, public_id=public_id)
    form = ChangeTierForm(request.POST, tiers=_tiers_of(enrolment))
    return form_page(
        request,
        form,
        template="programs/enrolment_detail.html",
        save=lambda data: services.enrolment_change_tier(
            actor=request.user, enrolment=enrolment, **data
        ),
        success=_("The tier was changed."),
        next=_enrolment_url(enrolment),
        context=_enrolment_context(request, enrolment, change_form=form),
    )


@console_page(rule=permissions.MANAGE_ENROLMENTS)
@require_POST
def enrolment_end(request, public_id):
    enrolment = selectors.enrolment_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda data: services.enrolment_end(
            actor=request.user, enrolment=enrolment, **data
        ),
        form=EndEnrolmentForm(request.POST),
        success=_("The enrolment was ended."),
        next=_enrolment_url(enrolment),
    )


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
