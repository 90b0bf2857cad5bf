"""Console pages of audiences (Enablement): the list with each audience's reach,
the form with its rule builder and live reach preview, and the explanation of what
one partner sees and why.

The list computes the reach of a page of audiences in a constant number of
queries (one count per audience as a column of one query); the preview recounts
the draft on every change of the rule or the roles (htmx).
"""

import json

from django import forms as django_forms
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.core.errors import ValidationFailed
from openprm.core.pagination import requested_page
from openprm.core.web import act, console_page, form_page
from openprm.segments import builder, permissions
from openprm.segments import selectors as segment_selectors
from openprm.segments.audiences import selectors, services
from openprm.segments.audiences.evaluation import EVERY_PARTNER, rule_context
from openprm.segments.audiences.forms import AudienceForm
from openprm.segments.forms import parse_rule
from openprm.segments.views import rule_builder_response

AUDIENCES_PER_PAGE = 50


@console_page(rule=permissions.AUDIENCE_READ)
def audience_list(request):
    audiences = selectors.audience_list_visible_to(user=request.user)
    page = requested_page(request, audiences, per_page=AUDIENCES_PER_PAGE)
    rows = list(page.object_list)
    reach = selectors.audience_reach(user=request.user, audiences=rows)
    context = rule_context(audience.rule for audience in rows)
    return render(
        request,
        "segments/audiences/audience_list.html",
        {
            "page": page,
            "rows": [
                {
                    "audience": audience,
                    "reach": reach[audience.pk],
                    "rule_text": selectors.describe(audience.rule, context)
                    if reach[audience.pk].is_valid
                    else "",
                    "roles": selectors.role_labels(audience.partner_roles),
                }
                for audience in rows
            ],
            "can_manage": permissions.AUDIENCE_MANAGE.allows(request.user),
        },
    )


@require_POST
@console_page(rule=permissions.AUDIENCE_MANAGE)
def audience_preview(request):
    """The reach of the rule and roles being edited (htmx), or the rule's errors."""
    context = {}
    try:
        rule = parse_rule(request.POST.get("rule", "")) or dict(EVERY_PARTNER)
        context["reach"] = selectors.rule_reach(
            user=request.user,
            rule=rule,
            partner_roles=request.POST.getlist("partner_roles"),
        )
    except django_forms.ValidationError as error:
        context["errors"] = error.messages
    except ValidationFailed as error:
        context["errors"] = [
            f"{path}: {message}"
            for path, messages in error.field_errors.items()
            for message in messages
        ]
    return render(request, "segments/audiences/_preview.html", context)


def audience_catalogue() -> builder.Catalogue:
    return builder.Catalogue(
        selectors.audience_rule_catalogue(), segment_selectors.rule_value_options()
    )


EVERYONE_ACTIVE = {"all": [{"field": "status", "op": "eq", "value": "active"}]}


@require_POST
@console_page(rule=permissions.AUDIENCE_MANAGE)
def audience_rule_builder(request):
    """The audience's rule builder redrawn (htmx); no condition is every partner."""
    return rule_builder_response(
        request,
        catalogue=audience_catalogue(),
        count=lambda rule: selectors.rule_reach(
            user=request.user,
            rule=rule or dict(EVERY_PARTNER),
            partner_roles=request.POST.getlist("partner_roles"),
        ),
        preview_template="segments/audiences/_preview.html",
        presets={"everyone_active": EVERYONE_ACTIVE},
        preview_url=reverse("console:audience_preview"),
        refresh_from=", change from:[name=partner_roles]",
    )


def _form_page(request, form, *, title, save, success, audience=None):
    return form_page(
        request,
        form,
        template="segments/audiences/audience_form.html",
        save=lambda _data: save(form.service_data()),
        success=success,
        next=reverse("console:audience_list"),
        context={
            "title": title,
            "audience": audience,
        },
    )


@console_page(rule=permissions.AUDIENCE_MANAGE)
def audience_create(request):
    return _form_page(
        request,
        AudienceForm(
            request.POST or None,
            initial={"is_active": True},
            catalogue=audience_catalogue(),
        ),
        title=_("New audience"),
        save=lambda data: services.audience_create(actor=request.user, **data),
        success=_("The audience was created."),
    )


@console_page(rule=permissions.AUDIENCE_MANAGE)
def audience_update(request, public_id):
    audience = selectors.audience_get(user=request.user, public_id=public_id)
    initial = {
        "name": audience.name,
        "description": audience.description,
        "rule": json.dumps(audience.rule, indent=2),
        "partner_roles": audience.partner_roles,
        "is_active": audience.is_active,
    }
    return _form_page(
        request,
        AudienceForm(
            request.POST or None, initial=initial, catalogue=audience_catalogue()
        ),
        title=_("Edit audience"),
        save=lambda data: services.audience_update(
            actor=request.user, audience=audience, **data
        ),
        success=_("The audience was saved."),
        audience=audience,
    )


@require_POST
@console_page(rule=permissions.AUDIENCE_MANAGE)
def audience_deactivate(request, public_id):
    audience = selectors.audience_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda: services.audience_deactivate(actor=request.user, audience=audience),
        success=_("The audience was deactivated: it holds nobody now."),
        next="console:audience_list",
    )


@console_page(rule=permissions.AUDIENCE_READ)
def audience_explain(request):
    """Find a partner by name; for the one chosen (``?partner=<public id>``), the
    audiences that hold it, why, and the items it sees."""
    search = request.GET.get("q", "").strip()
    chosen = request.GET.get("partner", "").strip()
    explanation = None
    if chosen:
        partner = selectors.explain_partner_get(user=request.user, public_id=chosen)
        explanation = selectors.audience_explanation(user=request.user, partner=partner)
    return render(
        request,
        "segments/audiences/audience_explain.html",
        {
            "search": search,
            "candidates": selectors.explain_partner_search(
                user=request.user, search=search
            ),
            "explanation": explanation,
        },
    )
