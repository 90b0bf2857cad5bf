"""Area access for web views: the channel console and the partner portal."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from openprm.accounts.selectors import memberships_active_for


def console_view(view):
    """Vendor staff only; sign-in first for anonymous visitors."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_vendor_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def portal_view(view):
    """Partner users only; sets ``request.membership`` and ``request.partner``."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = memberships_active_for(user=request.user).first()
        if membership is None:
            raise PermissionDenied
        request.membership = membership
        request.partner = membership.partner
        return view(request, *args, **kwargs)

    return wrapper
