"""The pages of people management.

- The portal's Team pages: a partner admin invites colleagues, changes their roles,
  deactivates and reactivates them.
- The console's Users pages (vendor admins): every account, vendor roles and
  territories, deactivation, and invitations of vendor staff.
- The public page an invitation email links to: accept, choose a name and a
  password, and land signed in.
"""

from allauth.account.utils import perform_login
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from openprm.accounts.choices import VendorRole
from openprm.core.errors import ApplicationError
from openprm.core.pagination import requested_page
from openprm.core.web import act, console_page, form_page, portal_page, public_page
from openprm.tenancy import selectors, services
from openprm.tenancy.choices import InvitationStatus
from openprm.tenancy.forms import (
    AcceptInvitationForm,
    InvitationFilterForm,
    MembershipRolesForm,
    PartnerInvitationForm,
    UserFilterForm,
    VendorInvitationForm,
    VendorRoleForm,
)
from openprm.tenancy.permissions import MANAGE_ACCOUNTS, MANAGE_TEAM
from openprm.tenancy.services import InvitationNotUsable
from openprm.tenancy.web import site_url

USERS_PER_PAGE = 50
INVITATIONS_PER_PAGE = 50

# A page shown again with its errors (invalid input or a service's refusal).
INVALID = 400


# --- portal: the Team pages ---------------------------------------------------------


def _member_of_this_partner(request, membership_id: int):
    """A membership of the portal's partner; 404 for any other."""
    membership = selectors.membership_get(
        user=request.user, membership_id=membership_id
    )
    if membership.partner_id != request.partner.pk:
        raise Http404
    return membership


def _invitation_of_this_partner(request, public_id):
    invitation = selectors.invitation_get(user=request.user, public_id=public_id)
    if invitation.partner_id != request.partner.pk:
        raise Http404
    return invitation


@require_safe
@portal_page(rule=MANAGE_TEAM)
def team(request):
    members = selectors.memberships_visible_to(
        user=request.user, partner=request.partner, order="email"
    )
    invitations = selectors.invitations_visible_to(
        user=request.user, partner=request.partner, status="open"
    )
    return render(
        request,
        "tenancy/team.html",
        {
            "members": members,
            "invitations": invitations,
            "partner": request.partner,
        },
    )


@require_http_methods(["GET", "POST"])
@portal_page(rule=MANAGE_TEAM)
def team_invite(request):
    return form_page(
        request,
        PartnerInvitationForm(request.POST or None),
        template="tenancy/team_invite.html",
        save=lambda data: services.invitation_create(
            actor=request.user,
            partner=request.partner,
            email=data["email"],
            roles=data["roles"],
            base_url=site_url(request),
        ),
        success=_invitation_sent,
        next=reverse("portal:team"),
        context={"partner": request.partner},
        invalid_status=INVALID,
    )


@require_http_methods(["GET", "POST"])
@portal_page(rule=MANAGE_TEAM)
def team_member(request, membership_id: int):
    membership = _member_of_this_partner(request, membership_id)
    return form_page(
        request,
        MembershipRolesForm(request.POST or None, initial={"roles": membership.roles}),
        template="tenancy/team_member.html",
        save=lambda data: services.membership_roles_update(
            actor=request.user, membership=membership, roles=data["roles"]
        ),
        success=_("Roles of %(name)s saved.")
        % {"name": membership.user.get_full_name()},
        next=reverse("portal:team"),
        context={"membership": membership, "partner": request.partner},
        invalid_status=INVALID,
    )


def _membership_action(request, membership_id: int, *, service, done_message):
    membership = _member_of_this_partner(request, membership_id)
    return act(
        request,
        lambda: service(actor=request.user, membership=membership),
        success=done_message % {"name": membership.user.get_full_name()},
        next=reverse("portal:team"),
    )


@require_POST
@portal_page(rule=MANAGE_TEAM)
def team_member_deactivate(request, membership_id: int):
    return _membership_action(
        request,
        membership_id,
        service=services.membership_deactivate,
        done_message=_("%(name)s was deactivated: they can no longer sign in here."),
    )


@require_POST
@portal_page(rule=MANAGE_TEAM)
def team_member_reactivate(request, membership_id: int):
    return _membership_action(
        request,
        membership_id,
        service=services.membership_reactivate,
        done_message=_("%(name)s was reactivated."),
    )


@require_POST
@portal_page(rule=MANAGE_TEAM)
def team_invitation_resend(request, public_id):
    invitation = _invitation_of_this_partner(request, public_id)
    return _invitation_resend(request, invitation, next=reverse("portal:team"))


@require_POST
@portal_page(rule=MANAGE_TEAM)
def team_invitation_revoke(request, public_id):
    invitation = _invitation_of_this_partner(request, public_id)
    return _invitation_revoke(request, invitation, next=reverse("portal:team"))


# --- both areas: an invitation's buttons ---------------------------------------------


def _invitation_sent(invitation) -> str:
    return _("Invitation sent to %(email)s.") % {"email": invitation.email}


def _invitation_resend(request, invitation, *, next: str):
    return act(
        request,
        lambda: services.invitation_resend(
            actor=request.user, invitation=invitation, base_url=site_url(request)
        ),
        success=_("Invitation sent again to %(email)s.") % {"email": invitation.email},
        next=next,
    )


def _invitation_revoke(request, invitation, *, next: str):
    return act(
        request,
        lambda: services.invitation_revoke(actor=request.user, invitation=invitation),
        success=_("The invitation to %(email)s was revoked.")
        % {"email": invitation.email},
        next=next,
    )


# --- console: the Users pages --------------------------------------------------------


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_safe
@console_page(rule=MANAGE_ACCOUNTS)
def user_list(request):
    form = UserFilterForm(request.GET)
    users = selectors.users_visible_to(user=request.user, **form.selector_arguments())
    # Counted up to a cap, the page's keys first (core.pagination).
    page = requested_page(request, users, per_page=USERS_PER_PAGE)
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
@console_page(rule=MANAGE_ACCOUNTS)
def user_detail(request, public_id):
    account = selectors.user_get(user=request.user, public_id=public_id)
    context = {"account": account, "channel_manager": VendorRole.CHANNEL_MANAGER}
    if not account.is_vendor_staff:  # a partner user's account has no vendor role
        return render(request, "tenancy/user_detail.html", {**context, "form": None})
    form = VendorRoleForm(
        request.POST or None,
        initial={
            "vendor_role": account.vendor_role,
            "territories": ", ".join(account.territories),
        },
    )
    return form_page(
        request,
        form,
        template="tenancy/user_detail.html",
        save=lambda data: services.user_vendor_role_update(
            actor=request.user,
            user=account,
            vendor_role=data["vendor_role"],
            territories=data["territories"],
        ),
        success=_("Role of %(name)s saved.") % {"name": account.get_full_name()},
        next=reverse("console:user_detail", kwargs={"public_id": account.public_id}),
        context=context,
        invalid_status=INVALID,
    )


def _user_action(request, public_id, *, service, done_message):
    account = selectors.user_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda: service(actor=request.user, user=account),
        success=done_message % {"name": account.get_full_name()},
        next=reverse("console:user_detail", kwargs={"public_id": account.public_id}),
    )


@require_POST
@console_page(rule=MANAGE_ACCOUNTS)
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
@console_page(rule=MANAGE_ACCOUNTS)
def user_reactivate(request, public_id):
    return _user_action(
        request,
        public_id,
        service=services.user_reactivate,
        done_message=_("%(name)s was reactivated."),
    )


@require_http_methods(["GET", "POST"])
@console_page(rule=MANAGE_ACCOUNTS)
def user_invite(request):
    return form_page(
        request,
        VendorInvitationForm(request.POST or None),
        template="tenancy/user_invite.html",
        save=lambda data: services.invitation_create(
            actor=request.user,
            email=data["email"],
            vendor_role=data["vendor_role"],
            base_url=site_url(request),
        ),
        success=_invitation_sent,
        next=reverse("console:user_invitations"),
        invalid_status=INVALID,
    )


@require_safe
@console_page(rule=MANAGE_ACCOUNTS)
def user_invitations(request):
    form = InvitationFilterForm(request.GET)
    invitations = selectors.invitations_visible_to(
        user=request.user, **form.selector_arguments()
    )
    page = requested_page(request, invitations, per_page=INVITATIONS_PER_PAGE)
    return render(
        request,
        "tenancy/user_invitations.html",
        {"page": page, "form": form, "query": _query_without_page(request)},
    )


@require_POST
@console_page(rule=MANAGE_ACCOUNTS)
def user_invitation_resend(request, public_id):
    invitation = selectors.invitation_get(user=request.user, public_id=public_id)
    return _invitation_resend(
        request, invitation, next=reverse("console:user_invitations")
    )


@require_POST
@console_page(rule=MANAGE_ACCOUNTS)
def user_invitation_revoke(request, public_id):
    invitation = selectors.invitation_get(user=request.user, public_id=public_id)
    return _invitation_revoke(
        request, invitation, next=reverse("console:user_invitations")
    )


# --- public: accepting an invitation -------------------------------------------------


def _unusable(request, error: InvitationNotUsable, invitation=None):
    return render(
        request,
        "tenancy/invitation_unusable.html",
        {"error": error, "invitation": invitation},
        status=error.status,
    )


def _accept_page(request, invitation, *, step: str, form=None, status: int = 200):
    return render(
        request,
        "tenancy/invitation_accept.html",
        {"invitation": invitation, "step": step, "form": form},
        status=status,
    )


def _accepted(request, invitation) -> None:
    if invitation.partner is not None:
        messages.success(
            request,
            _("Welcome to %(partner)s.") % {"partner": invitation.partner.name},
        )


@never_cache
@require_http_methods(["GET", "POST"])
@public_page
def invitation_accept(request, token: str):
    invitation = selectors.invitation_for_token(token=token)
    if invitation is None:
        return _unusable(request, InvitationNotUsable("invalid"))
    if invitation.status != InvitationStatus.PENDING:
        return _unusable(request, InvitationNotUsable(invitation.status), invitation)
    account = selectors.account_for_email(email=invitation.email)
    signed_in = request.user if request.user.is_authenticated else None
    if signed_in is not None and (account is None or signed_in.pk != account.pk):
        return _accept_page(request, invitation, step="other_account")
    if account is not None and signed_in is None:
        return _accept_page(request, invitation, step="sign_in")
    if account is not None:  # the invited person, signed in: join with one click
        if request.method == "POST":
            try:
                services.invitation_accept(token=token, user=signed_in)
            except InvitationNotUsable as error:
                return _unusable(request, error, invitation)
            except ApplicationError as error:
                messages.error(request, error.message)
                return _accept_page(
                    request, invitation, step="join", status=error.status
                )
            _accepted(request, invitation)
            return redirect("home")
        return _accept_page(request, invitation, step="join")
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.invitation_accept(
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except InvitationNotUsable as error:
            return _unusable(request, error, invitation)
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            _accepted(request, invitation)
            return perform_login(
                request,
                account,
                email_verification=settings.ACCOUNT_EMAIL_VERIFICATION,
                redirect_url=reverse("home"),
                email=account.email,
            )
    return _accept_page(
        request,
        invitation,
        step="create",
        form=form,
        status=INVALID if form.errors else 200,
    )
