"""What the programs app plugs into the layers below it, at start-up."""

from django.utils.translation import gettext_lazy as _

from openprm.partners.sections import PartnerSection, register_section
from openprm.programs.selectors import partner_programme_section

register_section(
    PartnerSection(
        key="programmes",
        title=_("Programmes and tier"),
        order=10,
        template="programs/_partner_section.html",
        load=partner_programme_section,
    )
)

# The portal home's "What you have earned": the current tier's discount.
from openprm.core.worklist import register_portal_figures  # noqa: E402
from openprm.programs.selectors import portal_home_discount  # noqa: E402

register_portal_figures(portal_home_discount, order=40)
