"""Area access for web views: the channel console and the partner portal."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from openprm.accounts.selectors import memberships_active_for

# The session key of the organisation a member of several partners is working for.
CURRENT_PARTNER_SESSION_KEY = "portal_partner_id"


def console_guard(request):
    """Vendor staff only; sign-in first for anonymous visitors."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.is_vendor_staff:
        raise PermissionDenied
    return None


def portal_guard(request):
    """Partner users only; sets ``request.membership`` and ``request.partner`` (the
    organisation chosen with the switcher, else the first by name) and
    ``request.memberships`` (all of the user's active ones, for the switcher)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    memberships = list(memberships_active_for(user=request.user))
    if not memberships:
        raise PermissionDenied
    chosen = request.session.get(CURRENT_PARTNER_SESSION_KEY)
    membership = next(
        (item for item in memberships if item.partner_id == chosen), memberships[0]
    )
    request.memberships = memberships
    request.membership = membership
    request.partner = membership.partner
    return None


def _guarded(guard):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            refusal = guard(request)
            if refusal is not None:
                return refusal
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


console_view = _guarded(console_guard)
portal_view = _guarded(portal_guard)
