from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openprm.content.announcements.selectors import announcements_for_home
from openprm.core.web import portal_page
from openprm.core.worklist import portal_work
from openprm.segments.audiences import audience_reader
from openprm.tenancy.web import CURRENT_PARTNER_SESSION_KEY


@portal_page
def dashboard(request):
    """The portal home: what needs the reader now at the organisation the portal
    works for (each app's contribution, ``core.worklist``), its recent activity,
    the organisation, and the newest announcements for the reader (those to
    acknowledge first). The content library's newest assets load after."""
    work, activity = portal_work(user=request.user, partner=request.partner)
    return render(
        request,
        "portal/dashboard.html",
        {
            "partner": request.partner,
            "work": work,
            "activity": activity,
            "home_announcements": announcements_for_home(
                reader=audience_reader(membership=request.membership),
                user=request.user,
            ),
        },
    )


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
