"""The partner portal's access rule (registered with ``core.web`` in ready()), and
helpers of the Team, Users and invitation pages."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.selectors import memberships_of_reader

# The session key of the organisation a member of several partners is working for.
CURRENT_PARTNER_SESSION_KEY = "portal_partner_id"


def portal_guard(request: HttpRequest) -> HttpResponse | None:
    """Partner users only (403 for anyone without an active membership of a partner
    that is not terminated); sets ``request.membership`` and ``request.partner``
    (the organisation chosen with the switcher, else the first by name) and
    ``request.memberships`` (all of the user's active ones, for the switcher)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    memberships = memberships_of_reader(user=request.user)
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


def is_partner_admin(request) -> bool:
    """For the navigation: the portal page's membership holds the admin role."""
    membership = getattr(request, "membership", None)
    return membership is not None and PartnerRole.PARTNER_ADMIN in membership.roles


def site_url(request) -> str:
    """The address emailed links start with, as the person reached the site."""
    return request.build_absolute_uri("/")
