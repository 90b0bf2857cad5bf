"""The portal's Team pages: a partner admin invites colleagues, changes their roles,
deactivates and reactivates them."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from openprm.accounts.forms import add_application_error
from openprm.accounts.web import REFUSALS
from openprm.tenancy import selectors, services
from openprm.tenancy.forms import MembershipRolesForm, PartnerInvitationForm
from openprm.tenancy.web import partner_admin_view, site_url


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
@partner_admin_view
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
@partner_admin_view
def team_invite(request):
    form = PartnerInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=request.user,
                partner=request.partner,
                email=form.cleaned_data["email"],
                roles=form.cleaned_data["roles"],
                base_url=site_url(request),
            )
        except REFUSALS as error:
            add_application_error(form, error)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": invitation.email},
            )
            return redirect("portal:team")
    return render(
        request,
        "tenancy/team_invite.html",
        {"form": form, "partner": request.partner},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@partner_admin_view
def team_member(request, membership_id: int):
    membership = _member_of_this_partner(request, membership_id)
    form = MembershipRolesForm(
        request.POST or None, initial={"roles": membership.roles}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_roles_update(
                actor=request.user,
                membership=membership,
                roles=form.cleaned_data["roles"],
            )
        except REFUSALS as error:
            add_application_error(form, error)
        else:
            messages.success(
                request,
                _("Roles of %(name)s saved.")
                % {"name": membership.user.get_full_name()},
            )
            return redirect("portal:team")
    return render(
        request,
        "tenancy/team_member.html",
        {"membership": membership, "form": form, "partner": request.partner},
        status=400 if form.errors else 200,
    )


def _membership_action(request, membership_id: int, *, service, done_message):
    membership = _member_of_this_partner(request, membership_id)
    try:
        service(actor=request.user, membership=membership)
    except REFUSALS as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, done_message % {"name": membership.user.get_full_name()}
        )
    return redirect("portal:team")


@require_POST
@partner_admin_view
def team_member_deactivate(request, membership_id: int):
    return _membership_action(
        request,
        membership_id,
        service=services.membership_deactivate,
        done_message=_("%(name)s was deactivated: they can no longer sign in here."),
    )


@require_POST
@partner_admin_view
def team_member_reactivate(request, membership_id: int):
    return _membership_action(
        request,
        membership_id,
        service=services.membership_reactivate,
        done_message=_("%(name)s was reactivated."),
    )


@require_POST
@partner_admin_view
def team_invitation_resend(request, public_id):
    invitation = _invitation_of_this_partner(request, public_id)
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
    return redirect("portal:team")


@require_POST
@partner_admin_view
def team_invitation_revoke(request, public_id):
    invitation = _invitation_of_this_partner(request, public_id)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except REFUSALS as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The invitation to %(email)s was revoked.") % {"email": invitation.email},
        )
    return redirect("portal:team")
