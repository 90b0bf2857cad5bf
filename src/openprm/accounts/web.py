"""The channel console's access rule (registered with ``core.web`` in ready()), and
the refusals that pages not yet on ``core.web.form_page`` show on their forms."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from openprm.core.errors import Conflict, InvalidTransition, ValidationFailed

# A service's business refusals, shown on the page; authorization refusals
# (NotFound, PermissionDenied) become 404 and 403 instead.
REFUSALS = (ValidationFailed, Conflict, InvalidTransition)


def console_guard(request: HttpRequest) -> HttpResponse | None:
    """Vendor staff only (403 for anyone else); sign-in first for anonymous
    visitors."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.is_vendor_staff:
        raise PermissionDenied
    return None
