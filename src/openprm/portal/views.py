from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.content.announcements.selectors import announcements_for_home
from openprm.core.web import form_page, portal_page
from openprm.core.worklist import portal_figures, portal_work
from openprm.onboarding import services
from openprm.onboarding.forms import ResellerInviteForm
from openprm.onboarding.permissions import INVITE_RESELLER
from openprm.onboarding.selectors import programmes_open_to
from openprm.partners.choices import PartnerType
from openprm.partners.permissions import READ_RESELLERS
from openprm.portal.navigation import is_distributor
from openprm.portal.resellers import reseller_rows
from openprm.segments.audiences import audience_reader
from openprm.tenancy.web import CURRENT_PARTNER_SESSION_KEY


@portal_page
def dashboard(request):
    """The portal home: what needs the reader now at the organisation the portal
    works for (each app's contribution, ``core.worklist``), its recent activity,
    the organisation, what it has earned as far as the reader's roles show it
    (each app's figure, ``core.worklist.portal_figures``), and the newest
    announcements for the reader (those to acknowledge first). The content
    library's newest assets load after."""
    work, activity = portal_work(user=request.user, partner=request.partner)
    sees_resellers = is_distributor(request)
    return render(
        request,
        "portal/dashboard.html",
        {
            "partner": request.partner,
            "work": work,
            "activity": activity,
            "earned": portal_figures(user=request.user, partner=request.partner),
            "sees_resellers": sees_resellers,
            "home_announcements": announcements_for_home(
                reader=audience_reader(membership=request.membership),
                user=request.user,
            ),
        },
    )


def _resellers_context(request) -> dict:
    distributor = request.partner
    return {
        "partner": distributor,
        "rows": reseller_rows(user=request.user, distributor=distributor),
        "can_invite": INVITE_RESELLER.allows(request.user, partner_id=distributor.pk),
    }


def _invite_form(request):
    return ResellerInviteForm(
        request.POST or None,
        programmes=programmes_open_to(partner_type=PartnerType.RESELLER),
    )


@portal_page(rule=READ_RESELLERS)
def resellers(request):
    """A distributor's resellers with their status, tiers, deals and leads, and
    (for its admins) the invitation of a new one; a reseller's people get a 403."""
    context = _resellers_context(request)
    return render(
        request,
        "portal/resellers.html",
        {**context, "form": _invite_form(request) if context["can_invite"] else None},
    )


@require_POST
@portal_page(rule=INVITE_RESELLER)
def reseller_invite(request):
    """Invite a company to apply as a reseller beneath the distributor."""
    distributor = request.partner
    return form_page(
        request,
        _invite_form(request),
        template="portal/resellers.html",
        save=lambda data: services.reseller_invite(
            actor=request.user, distributor=distributor, **data
        ),
        success=_("The invitation to apply was sent."),
        next=reverse("portal:resellers"),
        context=_resellers_context(request),
        invalid_status=422,
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
