"""What the journeys app plugs into the layers below it, at start-up."""

from django.utils.translation import gettext_lazy as _

from openprm.core.worklist import register_console_queues, register_portal_work
from openprm.journeys.selectors import (
    console_home_queues,
    partner_journey_section,
    portal_home_work,
)
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


# The homes: a partner's onboarding tasks; the manual tasks to sign off.
register_portal_work(portal_home_work, order=40)
register_console_queues(console_home_queues)
