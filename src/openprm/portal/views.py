from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openprm.core.web import portal_page
from openprm.tenancy.web import CURRENT_PARTNER_SESSION_KEY


@portal_page
def dashboard(request):
    return render(request, "portal/dashboard.html", {"partner": request.partner})


@require_POST
@portal_page
def switch_partner(request):
    """Work for another of the user's organisations; someone else's is a 404."""
    try:
        partner_id = int(request.POST.get("partner", ""))
    except ValueError:
        raise Http404 from None
    if partner_id not in {item.partner_id for item in request.memberships}:
        raise Http404
    request.session[CURRENT_PARTNER_SESSION_KEY] = partner_id
    return redirect("portal:dashboard")
