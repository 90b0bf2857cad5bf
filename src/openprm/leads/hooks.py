"""What the leads app plugs into the layers below it, at start-up."""

from django.utils.translation import gettext_lazy as _

from openprm.core.worklist import register_console_queues, register_portal_work
from openprm.leads.selectors import (
    console_home_queues,
    partner_lead_section,
    portal_home_work,
)
from openprm.partners.sections import PartnerSection, register_section

register_section(
    PartnerSection(
        key="leads",
        title=_("Leads"),
        order=40,
        template="leads/_partner_section.html",
        load=partner_lead_section,
    )
)


# The homes: the offers a partner must answer; the leads waiting for the vendor.
register_portal_work(portal_home_work, order=10)
register_console_queues(console_home_queues)
