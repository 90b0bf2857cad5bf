"""The channel console's access rule (registered with ``core.web`` in ready())."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def console_guard(request: HttpRequest) -> HttpResponse | None:
    """Vendor staff only (403 for anyone else); sign-in first for anonymous
    visitors."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.is_vendor_staff:
        raise PermissionDenied
    return None
