"""The public page an invitation email links to: accept, choose a name and a
password, and land signed in."""

from allauth.account.utils import perform_login
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from openprm.accounts.forms import add_application_error
from openprm.core.errors import ApplicationError
from openprm.tenancy import selectors, services
from openprm.tenancy.choices import InvitationStatus
from openprm.tenancy.forms import AcceptInvitationForm
from openprm.tenancy.services import InvitationNotUsable


def _unusable(request, error: InvitationNotUsable, invitation=None):
    return render(
        request,
        "tenancy/invitation_unusable.html",
        {"error": error, "invitation": invitation},
        status=error.status,
    )


def _page(request, invitation, *, step: str, form=None, status: int = 200):
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
def invitation_accept(request, token: str):
    invitation = selectors.invitation_for_token(token=token)
    if invitation is None:
        return _unusable(request, InvitationNotUsable("invalid"))
    if invitation.status != InvitationStatus.PENDING:
        return _unusable(request, InvitationNotUsable(invitation.status), invitation)
    account = selectors.account_for_email(email=invitation.email)
    signed_in = request.user if request.user.is_authenticated else None
    if signed_in is not None and (account is None or signed_in.pk != account.pk):
        return _page(request, invitation, step="other_account")
    if account is not None and signed_in is None:
        return _page(request, invitation, step="sign_in")
    if account is not None:  # the invited person, signed in: join with one click
        if request.method == "POST":
            try:
                services.invitation_accept(token=token, user=signed_in)
            except InvitationNotUsable as error:
                return _unusable(request, error, invitation)
            except ApplicationError as error:
                messages.error(request, error.message)
                return _page(request, invitation, step="join", status=error.status)
            _accepted(request, invitation)
            return redirect("home")
        return _page(request, invitation, step="join")
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
            if "password" in error.field_errors:
                error.field_errors["password1"] = error.field_errors.pop("password")
            add_application_error(form, error)
        else:
            _accepted(request, invitation)
            return perform_login(
                request,
                account,
                email_verification=settings.ACCOUNT_EMAIL_VERIFICATION,
                redirect_url=reverse("home"),
                email=account.email,
            )
    return _page(
        request,
        invitation,
        step="create",
        form=form,
        status=400 if form.errors else 200,
    )
