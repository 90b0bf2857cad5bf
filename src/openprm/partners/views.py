"""The partner picker's search endpoint (JSON), in the console and the portal."""

from django.views.decorators.http import require_safe

from openprm.core.pickers import MAX_TERM, search_response
from openprm.core.web import CONSOLE, PORTAL, console_page, portal_page
from openprm.partners.pickers import partner_source_for


def _partner_picker(request, *, area: str):
    term = request.GET.get("q", "")[:MAX_TERM]
    return search_response(partner_source_for(user=request.user, area=area), term)


@require_safe
@console_page
def console_partner_picker(request):
    """The first partners the reader may see whose name (legal name, city) holds
    ``?q=``, by name: what a picker offers as the user types."""
    return _partner_picker(request, area=CONSOLE)


@require_safe
@portal_page
def portal_partner_picker(request):
    """The portal's picker (a distributor narrowing to its downstream partners):
    the same search, the same scope."""
    return _partner_picker(request, area=PORTAL)
