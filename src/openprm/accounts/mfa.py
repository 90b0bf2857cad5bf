"""TOTP multi-factor authentication required of vendor staff (a setting).

With ``OPENPRM_VENDOR_MFA_REQUIRED`` on, a signed-in vendor staff member without a
TOTP authenticator is sent to the TOTP set-up page before any other page; the
pages needed to get there (set-up, re-authentication, sign-out) stay open. API
calls made with the session are refused with a problem document; API tokens are
not affected (a token is created by someone already past this check, or by the
operator's ``openprm create-token``).
"""

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from openprm.core.api import problem_response

# Pages a vendor staff member may open while their TOTP set-up is outstanding.
OPEN_URL_NAMES = {
    "account_login",
    "account_logout",
    "account_inactive",
    "account_reauthenticate",
    "account_request_reauthentication_code",
    "account_confirm_reauthentication_code",
    "health",
}


def vendor_mfa_required(user) -> bool:
    """Whether the setting requires TOTP of this user (vendor staff only)."""
    return bool(
        settings.OPENPRM_VENDOR_MFA_REQUIRED
        and user.is_authenticated
        and user.is_vendor_staff
    )


def mfa_setup_outstanding(user) -> bool:
    return vendor_mfa_required(user) and not is_mfa_enabled(
        user, [Authenticator.Type.TOTP]
    )


class VendorMFAMiddleware:
    """Sends vendor staff without TOTP to the set-up page when it is required."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.OPENPRM_VENDOR_MFA_REQUIRED:
            return None
        match = request.resolver_match
        url_name = match.url_name if match else ""
        if url_name in OPEN_URL_NAMES or (url_name or "").startswith("mfa_"):
            return None
        if match and "api" in match.namespaces:
            # Tokens are checked by the API itself; only session calls stop here.
            if "Authorization" in request.headers:
                return None
            if not mfa_setup_outstanding(request.user):
                return None
            return problem_response(
                status=403,
                code="mfa_required",
                detail="Set up two-factor authentication in the web UI first.",
            )
        if not mfa_setup_outstanding(request.user):
            return None
        if request.method == "GET":
            messages.info(
                request,
                _(
                    "Set up two-factor authentication to continue: it is required "
                    "for vendor staff."
                ),
            )
        return redirect("mfa_activate_totp")
