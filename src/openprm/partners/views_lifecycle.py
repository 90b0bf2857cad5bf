"""Console pages of the partner lifecycle: change a status, move a partner in the
hierarchy, find duplicates and merge them. Thin: the rules are in
lifecycle_services and the pure modules."""

from functools import wraps

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from openprm.accounts.forms import add_application_error
from openprm.accounts.web import REFUSALS
from openprm.core.web import console_page
from openprm.partners import lifecycle_services as services
from openprm.partners.forms_lifecycle import (
    DuplicateSearchForm,
    MergeForm,
    MoveForm,
    StatusChangeForm,
)
from openprm.partners.permissions import require_vendor_admin


def _gated(gate):
    """A console page behind ``gate(user)`` (403), with refusals as 404 and 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            gate(request.user)
            return view(request, *args, **kwargs)

        return console_page(wrapper)

    return decorator


def _partner_page(partner) -> str:
    """The partner's console page when there is one, else the directory."""
    try:
        return reverse(
            "console:partner_detail", kwargs={"public_id": partner.public_id}
        )
    except NoReverseMatch:
        return reverse("console:partner_list")


@require_http_methods(["GET", "POST"])
@_gated(services.require_status_changer)
def partner_status_change(request, public_id):
    partner = services.partner_get_for_lifecycle(user=request.user, public_id=public_id)
    form = StatusChangeForm(request.POST or None, current=partner.status)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_status_change(
                partner=partner,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except REFUSALS as error:
            add_application_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is now %(status)s.")
                % {"name": partner.name, "status": partner.get_status_display()},
            )
            return redirect(_partner_page(partner))
    return render(
        request,
        "partners/lifecycle_status.html",
        {"partner": partner, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@_gated(require_vendor_admin)
def partner_move(request, public_id):
    partner = services.partner_get_for_lifecycle(user=request.user, public_id=public_id)
    form = MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        parent_id = form.cleaned_data["parent"]
        try:
            parent = (
                services.partner_get_for_lifecycle(
                    user=request.user, public_id=parent_id
                )
                if parent_id
                else None
            )
            services.partner_move(partner=partner, parent=parent, actor=request.user)
        except REFUSALS as error:
            add_application_error(form, error)
        else:
            messages.success(request, _("%(name)s was moved.") % {"name": partner.name})
            return redirect(_partner_page(partner))
    search = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "partners/lifecycle_move.html",
        {
            "partner": partner,
            "form": form,
            "search": search,
            "choices": services.partner_parent_choices(
                user=request.user, partner=partner, search=search
            ),
        },
        status=400 if form.errors else 200,
    )


@require_safe
@_gated(require_vendor_admin)
def partner_duplicates(request):
    form = DuplicateSearchForm(request.GET or None)
    candidates = None
    if form.is_valid():
        candidates = services.partner_duplicates_find(
            name=form.cleaned_data["name"],
            website=form.cleaned_data["website"],
            user=request.user,
        )
    return render(
        request,
        "partners/lifecycle_duplicates.html",
        {"form": form, "candidates": candidates},
    )


@require_http_methods(["GET", "POST"])
@_gated(require_vendor_admin)
def partner_merge(request, public_id):
    survivor = services.partner_get_for_lifecycle(
        user=request.user, public_id=public_id
    )
    form = MergeForm(request.POST or request.GET or None)
    duplicate = preview = None
    if form.is_valid():
        duplicate = services.partner_get_for_lifecycle(
            user=request.user, public_id=form.cleaned_data["duplicate"]
        )
        preview = services.merge_preview(survivor=survivor, duplicate=duplicate)
        if request.method == "POST":
            try:
                result = services.partner_merge(
                    survivor=survivor, duplicate=duplicate, actor=request.user
                )
            except REFUSALS as error:
                messages.error(request, error.message)
            else:
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
                                f"{label} ({count})"
                                for label, count in result.left.items()
                            ),
                        },
                    )
                return redirect(_partner_page(survivor))
    elif request.method == "POST":
        messages.error(request, _("Choose the duplicate to merge."))
    return render(
        request,
        "partners/lifecycle_merge.html",
        {"survivor": survivor, "duplicate": duplicate, "preview": preview},
        status=400 if request.method == "POST" else 200,
    )
