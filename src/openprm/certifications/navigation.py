"""Certifications' navigation items."""

from django.utils.translation import gettext_lazy as _

from openprm.core.navigation import (
    CONSOLE_AREA,
    ENABLEMENT,
    PORTAL_AREA,
    NavItem,
    register,
)

register(
    CONSOLE_AREA,
    NavItem(
        _("Certifications"),
        "console:certifications",
        order=50,
        section=ENABLEMENT,
    ),
    NavItem(
        _("Certificate reviews"),
        "console:certification_reviews",
        active_prefix="console:certification_review",
        order=51,
        section=ENABLEMENT,
    ),
    NavItem(
        _("Expiring certifications"),
        "console:certifications_expiring",
        active_prefix="console:certifications_expiring",
        order=52,
        section=ENABLEMENT,
    ),
    NavItem(
        _("Accreditations"),
        "console:accreditations",
        active_prefix="console:accreditation",
        order=53,
        section=ENABLEMENT,
    ),
)
register(
    PORTAL_AREA,
    NavItem(
        _("Certificates"),
        "portal:certificates",
        active_prefix="portal:certificate",
        order=45,
    ),
)
