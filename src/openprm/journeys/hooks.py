"""What the journeys app plugs into the layers below it, at start-up."""

from django.utils.translation import gettext_lazy as _

from openprm.journeys.selectors import partner_journey_section
from openprm.partners.sections import PartnerSection, register_section

register_section(
    PartnerSection(
        key="journeys",
        title=_("Onboarding journey"),
        order=70,
        template="journeys/_partner_section.html",
        load=partner_journey_section,
    )
)
