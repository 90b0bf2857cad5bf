from django.utils.translation import gettext_lazy as _

from openprm.core.navigation import (
    CONSOLE_AREA,
    PORTAL_AREA,
    REVENUE,
    NavItem,
    register,
)
from openprm.deals import permissions


def _works_deals(request) -> bool:
    """The portal's organisation is one where the user works deals (the deal and
    pipeline pages refuse the other partner roles). Read from the page's
    membership: navigation runs on every page and must not query."""
    membership = getattr(request, "membership", None)
    return membership is not None and not permissions.WORK.partner.isdisjoint(
        membership.roles
    )


register(
    CONSOLE_AREA,
    # The list every vendor role may read; reviewers reach their queue from it.
    NavItem(
        _("Deals"),
        "console:deal_list",
        active_prefix="console:deal",
        order=30,
        section=REVENUE,
    ),
    NavItem(
        _("Pipeline"),
        "console:pipeline",
        active_prefix="console:pipeline",
        order=31,
        section=REVENUE,
    ),
)
register(
    PORTAL_AREA,
    NavItem(
        _("Deals"),
        "portal:deal_list",
        active_prefix="portal:deal",
        visible=_works_deals,
        order=30,
    ),
    NavItem(
        _("Pipeline"),
        "portal:pipeline",
        active_prefix="portal:pipeline",
        visible=_works_deals,
        order=31,
    ),
)
