"""Helpers shared by the Team, Users and invitation pages."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from openprm.accounts.access import portal_view
from openprm.accounts.choices import PartnerRole
from openprm.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from openprm.core.errors import PermissionDenied as ApplicationPermissionDenied

# A service's business refusals, shown on the page; authorization refusals
# (NotFound, PermissionDenied) become 404 and 403 instead.
REFUSALS = (ValidationFailed, Conflict, InvalidTransition)


def errors_as_http(view):
    """The selectors' and services' refusals as the web's 404 and 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404 from error
        except ApplicationPermissionDenied as error:
            raise PermissionDenied from error

    return wrapper


def partner_admin_view(view):
    """Portal pages of the partner admin: other partner users get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if PartnerRole.PARTNER_ADMIN not in request.membership.roles:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return portal_view(errors_as_http(wrapper))


def is_partner_admin(request) -> bool:
    """For the navigation: the portal page's membership holds the admin role."""
    membership = getattr(request, "membership", None)
    return membership is not None and PartnerRole.PARTNER_ADMIN in membership.roles


def site_url(request) -> str:
    """The address emailed links start with, as the person reached the site."""
    return request.build_absolute_uri("/")
