"""What the leads app plugs into the layers below it, at start-up."""

from django.utils.translation import gettext_lazy as _

from openprm.leads.selectors import partner_lead_section
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
