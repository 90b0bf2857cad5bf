"""Console pages of the partner lifecycle: change a status, move a partner in the
hierarchy, find duplicates and merge them. Thin: the rules are in the lifecycle
services and the pure modules."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from openprm.core import errors
from openprm.core.web import console_page, form_page
from openprm.partners import permissions
from openprm.partners.lifecycle import selectors, services
from openprm.partners.lifecycle.forms import (
    DuplicateSearchForm,
    MergeForm,
    MoveForm,
    StatusChangeForm,
)
from openprm.partners.models import Partner


def _partner_page(partner) -> str:
    """The partner's console page when there is one, else the directory."""
    try:
        return reverse(
            "console:partner_detail", kwargs={"public_id": partner.public_id}
        )
    except NoReverseMatch:
        return reverse("console:partner_list")


@require_http_methods(["GET", "POST"])
@console_page(rule=permissions.CHANGE_STATUS)
def partner_status_change(request, public_id):
    partner = selectors.partner_get_for_lifecycle(
        user=request.user, public_id=public_id
    )
    return form_page(
        request,
        StatusChangeForm(request.POST or None, current=partner.status),
        template="partners/lifecycle_status.html",
        save=lambda data: services.partner_status_change(
            partner=partner,
            status=data["status"],
            reason=data["reason"],
            actor=request.user,
        ),
        success=lambda changed: (
            _("%(name)s is now %(status)s.")
            % {"name": changed.name, "status": changed.get_status_display()}
        ),
        next=_partner_page(partner),
        context={"partner": partner},
    )


def _move(request, partner: Partner, parent_id) -> Partner:
    parent = (
        selectors.partner_get_for_lifecycle(user=request.user, public_id=parent_id)
        if parent_id
        else None
    )
    return services.partner_move(partner=partner, parent=parent, actor=request.user)


@require_http_methods(["GET", "POST"])
@console_page(rule=permissions.PLACE)
def partner_move(request, public_id):
    partner = selectors.partner_get_for_lifecycle(
        user=request.user, public_id=public_id
    )
    search = request.GET.get("q", "").strip()[:100]
    return form_page(
        request,
        MoveForm(request.POST or None),
        template="partners/lifecycle_move.html",
        save=lambda data: _move(request, partner, data["parent"]),
        success=_("%(name)s was moved.") % {"name": partner.name},
        next=_partner_page(partner),
        context={
            "partner": partner,
            "search": search,
            "choices": selectors.partner_parent_choices(
                user=request.user, partner=partner, search=search
            ),
        },
    )


@require_safe
@console_page(rule=permissions.MERGE)
def partner_duplicates(request):
    form = DuplicateSearchForm(request.GET or None)
    candidates = None
    if form.is_valid():
        candidates = selectors.partner_duplicates_find(
            name=form.cleaned_data["name"],
            website=form.cleaned_data["website"],
            user=request.user,
        )
    return render(
        request,
        "partners/lifecycle_duplicates.html",
        {"form": form, "candidates": candidates},
    )


def _merged(request, result) -> None:
    """Say what the merge did, and what it left with the duplicate."""
    survivor, duplicate = result.survivor, result.duplicate
    messages.success(
        request,
        _("%(duplicate)s was merged into %(survivor)s.")
        % {"duplicate": duplicate.name, "survivor": survivor.name},
    )
    if result.left:
        messages.warning(
            request,
            _("Some rows stayed with %(duplicate)s: %(left)s.")
            % {
                "duplicate": duplicate.name,
                "left": ", ".join(
                    f"{label} ({count})" for label, count in result.left.items()
                ),
            },
        )


@require_http_methods(["GET", "POST"])
@console_page(rule=permissions.MERGE)
def partner_merge(request, public_id):
    """A confirm page: the duplicate chosen (GET) shows what would move; POST
    merges it. A refusal is shown on the confirm page again."""
    survivor = selectors.partner_get_for_lifecycle(
        user=request.user, public_id=public_id
    )
    form = MergeForm(request.POST or request.GET or None)
    duplicate = preview = None
    if form.is_valid():
        duplicate = selectors.partner_get_for_lifecycle(
            user=request.user, public_id=form.cleaned_data["duplicate"]
        )
        preview = selectors.merge_preview(survivor=survivor, duplicate=duplicate)
        if request.method == "POST":
            try:
                result = services.partner_merge(
                    survivor=survivor, duplicate=duplicate, actor=request.user
                )
            except (errors.ValidationFailed, errors.Conflict) as error:
                # The confirm page says why, in the merge's own words.
                messages.error(request, str(error.message))
            else:
                _merged(request, result)
                return redirect(_partner_page(survivor))
    elif request.method == "POST":
        messages.error(request, _("Choose the duplicate to merge."))
    return render(
        request,
        "partners/lifecycle_merge.html",
        {"survivor": survivor, "duplicate": duplicate, "preview": preview},
        status=400 if request.method == "POST" else 200,
    )
