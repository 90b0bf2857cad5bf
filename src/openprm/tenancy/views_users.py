"""The console's Users pages (vendor admins): every account, vendor roles and
territories, deactivation, and invitations of vendor staff."""

from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from openprm.accounts.choices import VendorRole
from openprm.accounts.forms import add_application_error
from openprm.accounts.web import REFUSALS
from openprm.core.web import console_page
from openprm.tenancy import selectors, services
from openprm.tenancy.forms import (
    InvitationFilterForm,
    UserFilterForm,
    VendorInvitationForm,
    VendorRoleForm,
)
from openprm.tenancy.permissions import require_vendor_admin
from openprm.tenancy.web import site_url

USERS_PER_PAGE = 50
INVITATIONS_PER_PAGE = 50


def vendor_admin_view(view):
    """Console pages of the vendor admin: other vendor roles get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        require_vendor_admin(request.user)
        return view(request, *args, **kwargs)

    return console_page(wrapper)


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_safe
@vendor_admin_view
def user_list(request):
    form = UserFilterForm(request.GET)
    users = selectors.users_visible_to(user=request.user, **form.selector_arguments())
    page = Paginator(users, USERS_PER_PAGE).get_page(request.GET.get("page"))
    template = (
        "tenancy/_user_table.html"
        if request.headers.get("HX-Request")
        else "tenancy/user_list.html"
    )
    return render(
        request,
        template,
        {"page": page, "form": form, "query": _query_without_page(request)},
    )


@require_http_methods(["GET", "POST"])
@vendor_admin_view
def user_detail(request, public_id):
    account = selectors.user_get(user=request.user, public_id=public_id)
    form = None
    if account.is_vendor_staff:
        form = VendorRoleForm(
            request.POST or None,
            initial={
                "vendor_role": account.vendor_role,
                "territories": ", ".join(account.territories),
            },
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.user_vendor_role_update(
                    actor=request.user,
                    user=account,
                    vendor_role=form.cleaned_data["vendor_role"],
                    territories=form.cleaned_data["territories"],
                )
            except REFUSALS as error:
                add_application_error(form, error)
            else:
                messages.success(
                    request,
                    _("Role of %(name)s saved.") % {"name": account.get_full_name()},
                )
                return redirect("console:user_detail", public_id=account.public_id)
    return render(
        request,
        "tenancy/user_detail.html",
        {
            "account": account,
            "form": form,
            "channel_manager": VendorRole.CHANNEL_MANAGER,
        },
        status=400 if form is not None and form.errors else 200,
    )


def _user_action(request, public_id, *, service, done_message):
    account = selectors.user_get(user=request.user, public_id=public_id)
    try:
        service(actor=request.user, user=account)
    except REFUSALS as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done_message % {"name": account.get_full_name()})
    return redirect("console:user_detail", public_id=account.public_id)


@require_POST
@vendor_admin_view
def user_deactivate(request, public_id):
    return _user_action(
        request,
        public_id,
        service=services.user_deactivate,
        done_message=_(
            "%(name)s was deactivated: their sessions and API tokens no longer work."
        ),
    )


@require_POST
@vendor_admin_view
def user_reactivate(request, public_id):
    return _user_action(
        request,
        public_id,
        service=services.user_reactivate,
        done_message=_("%(name)s was reactivated."),
    )


@require_http_methods(["GET", "POST"])
@vendor_admin_view
def user_invite(request):
    form = VendorInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=request.user,
                email=form.cleaned_data["email"],
                vendor_role=form.cleaned_data["vendor_role"],
                base_url=site_url(request),
            )
        except REFUSALS as error:
            add_application_error(form, error)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": invitation.email},
            )
            return redirect("console:user_invitations")
    return render(
        request,
        "tenancy/user_invite.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@require_safe
@vendor_admin_view
def user_invitations(request):
    form = InvitationFilterForm(request.GET)
    invitations = selectors.invitations_visible_to(
        user=request.user, **form.selector_arguments()
    )
    page = Paginator(invitations, INVITATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "tenancy/user_invitations.html",
        {"page": page, "form": form, "query": _query_without_page(request)},
    )


@require_POST
@vendor_admin_view
def user_invitation_resend(request, public_id):
    invitation = selectors.invitation_get(user=request.user, public_id=public_id)
    try:
        services.invitation_resend(
            actor=request.user, invitation=invitation, base_url=site_url(request)
        )
    except REFUSALS as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Invitation sent again to %(email)s.") % {"email": invitation.email},
        )
    return redirect("console:user_invitations")


@require_POST
@vendor_admin_view
def user_invitation_revoke(request, public_id):
    invitation = selectors.invitation_get(user=request.user, public_id=public_id)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except REFUSALS as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The invitation to %(email)s was revoked.") % {"email": invitation.email},
        )
    return redirect("console:user_invitations")
